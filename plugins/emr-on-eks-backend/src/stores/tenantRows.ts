import type { PermissionCriteria } from '@backstage/plugin-permission-common';
import {
  OffboardedTenant,
  RECONCILE_STEPS,
  ReconcileStepName,
  StepState,
  Tenant,
  TenantPhase,
  TenantStatus,
  TenantStepStatus,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { Knex } from 'knex';
import { createHash } from 'node:crypto';
import type { TenantFilter } from '../permissions';
import { toIso } from './database';

/* The tenant tables' rows, and how they read as the API's types. */

/** Outputs the steps record on the tenant row. */
export type TenantOutputs = Omit<
  TenantStatus,
  | 'phase'
  | 'observedGeneration'
  | 'namespace'
  | 'message'
  | 'lastReconciledAt'
  | 'steps'
>;

export type TenantRow = {
  uid: string;
  name: string;
  cluster: string;
  namespace: string;
  owner: string;
  spec: string;
  generation: number;
  observed_generation: number;
  phase: TenantPhase;
  /** The steps' outputs as JSON (TenantOutputs). */
  outputs: string;
  message: string | null;
  created_by: string;
  created_at: Date | string | number;
  updated_at: Date | string | number;
  last_reconciled_at: Date | string | number | null;
};

export type StepRow = {
  tenant: string;
  step: ReconcileStepName;
  state: StepState;
  message: string;
  generation: number;
  updated_at: Date | string | number;
};

export function toTenant(row: TenantRow, stepRows: StepRow[]): Tenant {
  const outputs = JSON.parse(row.outputs) as TenantOutputs;
  const steps: TenantStepStatus[] = RECONCILE_STEPS.map(stepName => {
    const step = stepRows.find(s => s.step === stepName);
    return step
      ? {
          name: stepName,
          state: step.state,
          message: step.message,
          generation: Number(step.generation),
          updatedAt: toIso(step.updated_at),
        }
      : {
          name: stepName,
          state: 'Pending',
          message: 'not run yet',
          generation: 0,
          updatedAt: toIso(row.created_at),
        };
  });
  return {
    uid: row.uid,
    name: row.name,
    spec: JSON.parse(row.spec),
    generation: Number(row.generation),
    createdAt: toIso(row.created_at),
    createdBy: row.created_by,
    updatedAt: toIso(row.updated_at),
    status: {
      phase: row.phase,
      observedGeneration: Number(row.observed_generation),
      namespace: row.namespace,
      ...outputs,
      ...(row.message ? { message: row.message } : {}),
      ...(row.last_reconciled_at
        ? { lastReconciledAt: toIso(row.last_reconciled_at) }
        : {}),
      steps,
    },
  };
}

export function toOffboarded(row: any): OffboardedTenant {
  return {
    uid: row.uid,
    name: row.name,
    ...(row.cluster ? { cluster: row.cluster } : {}),
    ...(row.namespace ? { namespace: row.namespace } : {}),
    ...(row.owner ? { owner: row.owner } : {}),
    ...(row.spec ? { spec: JSON.parse(row.spec) } : {}),
    ...(row.created_by ? { createdBy: row.created_by } : {}),
    ...(row.created_at ? { createdAt: toIso(row.created_at) } : {}),
    offboardedAt: toIso(row.offboarded_at),
  };
}

/**
 * A permission condition on tenants in query form (the `toQuery` of the
 * rules in permissions.ts): a rule's filter, or all/any/not of them.
 */
export type TenantQueryFilter = PermissionCriteria<TenantFilter>;

export function applyFilter(
  query: Knex.QueryBuilder,
  filter: TenantQueryFilter,
): Knex.QueryBuilder {
  if ('property' in filter) {
    // Owners are stored normalised (lower case); claims may not be.
    const values =
      filter.property === 'owner'
        ? filter.values.map(v => v.toLocaleLowerCase('en-US'))
        : filter.values;
    return values.length === 0
      ? query.whereRaw('1 = 0')
      : query.whereIn(filter.property, values);
  }
  if ('allOf' in filter) {
    return filter.allOf.reduce<Knex.QueryBuilder>(
      (q, inner) => q.andWhere(sub => applyFilter(sub, inner)),
      query,
    );
  }
  if ('anyOf' in filter) {
    return filter.anyOf.length === 0
      ? query.whereRaw('1 = 0')
      : filter.anyOf.reduce<Knex.QueryBuilder>(
          (q, inner) => q.orWhere(sub => applyFilter(sub, inner)),
          query,
        );
  }
  return query.whereNot(sub => applyFilter(sub, filter.not));
}

/** A cluster or tenant name as the second key of an advisory lock (a 32-bit integer). */
export function lockKey(cluster: string): number {
  return createHash('sha256').update(cluster).digest().readInt32BE(0);
}
