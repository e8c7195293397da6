import type { Knex } from 'knex';
import type { StoredCostRow } from '../domain/costs/types';

/**
 * A daily cost row as the rollup stores it: team-a's (uid-a) Spot compute
 * of 1 USD on 2026-11-10, billed, of no job; `overrides` say what differs.
 */
export function storedCostRow(
  overrides: Partial<StoredCostRow> = {},
): StoredCostRow {
  return {
    date: '2026-11-10',
    tenant: 'team-a',
    tenantUid: 'uid-a',
    virtualClusterId: null,
    emrJobRunId: null,
    jobRunId: null,
    jobName: null,
    entityRef: null,
    category: 'compute',
    capacityType: 'spot',
    amount: 1,
    amountLow: null,
    amountHigh: null,
    onDemandAmount: null,
    currency: 'USD',
    source: 'kubecost',
    estimated: false,
    ...overrides,
  };
}

/**
 * A Ready tenant row, written directly (no spec, no steps), for tests of
 * what reads tenants beside costs; `at` is its creation and last update.
 */
export async function insertTenantRow(
  db: Knex,
  tenant: { uid: string; name: string; owner: string; at?: Date },
): Promise<void> {
  const at = tenant.at ?? new Date('2026-10-01T00:00:00Z');
  await db('emr_tenants').insert({
    uid: tenant.uid,
    name: tenant.name,
    cluster: 'shared',
    namespace: tenant.name,
    owner: tenant.owner,
    spec: '{}',
    phase: 'Ready',
    outputs: '{}',
    created_by: 'x',
    created_at: at,
    updated_at: at,
  });
}
