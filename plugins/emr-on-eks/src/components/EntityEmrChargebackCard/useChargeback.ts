import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import {
  CostGroupBy,
  CostQuery,
  CostReport,
  EmrOnEksApi,
} from '@spot-spark/plugin-emr-on-eks-common';
import { emrOnEksApiRef } from '../../api';
import { useReloadableAsync } from '../../hooks';
import { isNotVisible } from '../../lib/errors';
import { CostTarget } from './costTarget';
import { DayRange, previousRange } from './periods';
import { mergeReports } from './reports';

/** The grouping of the chart's report. */
export const CHART_GROUP_BY: CostGroupBy[] = [
  'day',
  'category',
  'capacityType',
];

/** The grouping of the CSV export: every field finance may pivot on. */
export const CSV_GROUP_BY: CostGroupBy[] = [
  'day',
  'job',
  'category',
  'capacityType',
];

/** What a CSV export is of: an entity, or each tenant (a Group's several). */
export type CsvScope = { entityRef: string } | { tenant: string };

/** What the card shows, for one target and period. */
export type Chargeback =
  /** A Group that owns no tenant whose costs the user may read. */
  | { kind: 'no-tenants' }
  | {
      kind: 'report';
      /** The period, grouped for the chart. */
      current: CostReport;
      /** The period before, of the same length (its total is compared). */
      previous: CostReport;
      /** The period, grouped per job run and day. */
      jobs: CostReport;
      /** What the CSV export is of. */
      csvScopes: CsvScope[];
    };

/** An owner reference in one spelling (`team-a` is `group:default/team-a`). */
function normalOwner(ref: string): string | undefined {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, {
        defaultKind: 'group',
        defaultNamespace: 'default',
      }),
    ).toLocaleLowerCase('en-US');
  } catch {
    return undefined;
  }
}

/** Every tenant the caller may read that `ownerRef` owns. */
async function ownedTenants(
  api: EmrOnEksApi,
  ownerRef: string,
): Promise<string[]> {
  const owner = normalOwner(ownerRef);
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.listTenants({ limit: 500, cursor });
    names.push(
      ...page.items
        .filter(t => owner !== undefined && normalOwner(t.spec.owner) === owner)
        .map(t => t.name),
    );
    cursor = page.nextCursor;
  } while (cursor);
  return names;
}

/** A tenant's report, or undefined when the caller may not read its costs. */
async function ifVisible(report: Promise<CostReport>) {
  try {
    return await report;
  } catch (error) {
    if (isNotVisible(error)) {
      return undefined;
    }
    throw error;
  }
}

async function loadChargeback(
  api: EmrOnEksApi,
  target: CostTarget,
  range: DayRange,
): Promise<Chargeback> {
  const queries: Record<'current' | 'previous' | 'jobs', CostQuery> = {
    current: { ...range, groupBy: CHART_GROUP_BY },
    previous: { ...previousRange(range), groupBy: 'category' },
    // Per run and day: the top jobs group runs by name, with their days.
    jobs: { ...range, groupBy: ['job', 'day'] },
  };

  if (target.kind === 'entity') {
    const { entityRef } = target;
    const [current, previous, jobs] = await Promise.all(
      [queries.current, queries.previous, queries.jobs].map(q =>
        api.getEntityCosts(entityRef, q),
      ),
    );
    return {
      kind: 'report',
      current,
      previous,
      jobs,
      csvScopes: [{ entityRef }],
    };
  }

  if (target.kind === 'tenant') {
    const { tenant } = target;
    // A 404 (an unknown tenant, or costs the user may not read) is the
    // card's answer: it is thrown.
    const [current, previous, jobs] = await Promise.all(
      [queries.current, queries.previous, queries.jobs].map(q =>
        api.getTenantCosts(tenant, q),
      ),
    );
    return {
      kind: 'report',
      current,
      previous,
      jobs,
      csvScopes: [{ tenant }],
    };
  }

  // A Group: the tenants it owns that the user may read, and of those the
  // ones whose costs the user may read (a narrower permission), summed.
  const tenants = await ownedTenants(api, target.ownerRef);
  const currents = await Promise.all(
    tenants.map(tenant =>
      ifVisible(api.getTenantCosts(tenant, queries.current)),
    ),
  );
  const visible = tenants.filter((_, i) => currents[i] !== undefined);
  if (visible.length === 0) {
    return { kind: 'no-tenants' };
  }
  const [previous, jobs] = await Promise.all(
    [queries.previous, queries.jobs].map(async q =>
      mergeReports(
        await Promise.all(visible.map(t => api.getTenantCosts(t, q))),
      ),
    ),
  );
  return {
    kind: 'report',
    current: mergeReports(
      currents.filter((r): r is CostReport => r !== undefined),
    ),
    previous,
    jobs,
    csvScopes: visible.map(tenant => ({ tenant })),
  };
}

/**
 * The costs of a target over a period, the period before it, and per job:
 * one load for the card, again when the target or the period changes.
 */
export function useChargeback(target: CostTarget | undefined, range: DayRange) {
  const api = useApi(emrOnEksApiRef);
  // By value: the entity page makes a new target object on every render.
  const targetKey = JSON.stringify(target ?? null);
  return useReloadableAsync(
    async () =>
      target ? loadChargeback(api, target, range) : Promise.resolve(undefined),
    [api, targetKey, range.from, range.to],
  );
}
