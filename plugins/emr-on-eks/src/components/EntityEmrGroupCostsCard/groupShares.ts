import { CostReport } from '@spot-spark/plugin-emr-on-eks-common';

/** A tenant's part of a Group's costs. */
export interface TenantShare {
  /** The row's key: the incarnation, else the name. */
  key: string;
  tenant: string;
  offboarded: boolean;
  amount: number;
  /** Part of the Group's total, 0..1 (0 when the total is 0). */
  share: number;
  estimated: boolean;
}

/**
 * Each tenant's amount and share of a `groupBy=tenant` report, largest
 * first; an incarnation offboarded and a new one of the same name are two.
 */
export function tenantShares(report: CostReport): TenantShare[] {
  const byKey = new Map<string, TenantShare>();
  for (const row of report.rows) {
    const tenant = row.tenant ?? '';
    const key = row.tenantUid ?? tenant;
    const entry = byKey.get(key) ?? {
      key,
      tenant,
      offboarded: Boolean(row.offboarded),
      amount: 0,
      share: 0,
      estimated: false,
    };
    entry.amount += row.amount;
    entry.estimated ||= row.estimated;
    byKey.set(key, entry);
  }
  const entries = [...byKey.values()];
  const total = entries.reduce((sum, e) => sum + e.amount, 0);
  for (const entry of entries) {
    entry.share = total > 0 ? entry.amount / total : 0;
  }
  return entries.sort(
    (a, b) => b.amount - a.amount || a.tenant.localeCompare(b.tenant),
  );
}
