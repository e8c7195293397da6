import { CostOverviewRow } from '@spot-spark/plugin-emr-on-eks-common';

/** The rows of capacity no tenant used. */
export const IDLE = '__idle__';
export const UNALLOCATED = '__unallocated__';

/** What the idle and unallocated rows stand for. */
export const CAPACITY_LABELS: Record<string, { title: string; text: string }> =
  {
    [IDLE]: {
      title: 'Idle capacity',
      text: 'Nodes that ran with no tenant’s pod on them',
    },
    [UNALLOCATED]: {
      title: 'Unallocated',
      text: 'Cost on the bill that no tenant held on its day',
    },
  };

/** True for the idle and unallocated rows. */
export function isCapacityRow(row: CostOverviewRow): boolean {
  return row.tenant === IDLE || row.tenant === UNALLOCATED;
}

/** A row's key: the incarnation (a name onboarded again is another row). */
export function rowKey(row: CostOverviewRow): string {
  return row.tenantUid ?? row.tenant;
}

/** Uplift as a share of compute (what EMR adds to the nodes), or null. */
export function upliftShare(row: {
  uplift: number;
  compute: number;
}): number | null {
  return row.compute > 0 ? row.uplift / row.compute : null;
}

/** The tenants' rows and the capacity rows, apart. */
export function splitRows(rows: CostOverviewRow[]): {
  tenants: CostOverviewRow[];
  capacity: CostOverviewRow[];
} {
  const tenants: CostOverviewRow[] = [];
  const capacity: CostOverviewRow[] = [];
  for (const row of rows) {
    (isCapacityRow(row) ? capacity : tenants).push(row);
  }
  return { tenants, capacity };
}

/** The rows whose tenant or owner contains the text (any case). */
export function filterRows(
  rows: CostOverviewRow[],
  text: string,
): CostOverviewRow[] {
  const needle = text.trim().toLocaleLowerCase();
  if (!needle) {
    return rows;
  }
  return rows.filter(
    row =>
      row.tenant.toLocaleLowerCase().includes(needle) ||
      (row.owner ?? '').toLocaleLowerCase().includes(needle),
  );
}
