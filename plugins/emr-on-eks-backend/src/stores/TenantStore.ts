import { ConflictError, NotFoundError } from '@backstage/errors';
import type {
  ReconcileStepName,
  StepState,
  Tenant,
  TenantAuditEvent,
  TenantPhase,
  TenantSpec,
  TenantStatus,
  TenantStepStatus,
} from '@spot-spark/plugin-emr-on-eks-common';
import { RECONCILE_STEPS } from '@spot-spark/plugin-emr-on-eks-common';
import { Knex } from 'knex';
import { toIso } from './database';

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

type TenantRow = {
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

type StepRow = {
  tenant: string;
  step: ReconcileStepName;
  state: StepState;
  message: string;
  generation: number;
  updated_at: Date | string | number;
};

/** Tenants, their reconcile steps, and the audit trail, in the plugin's (migrated) database. */
export class TenantStore {
  constructor(private readonly db: Knex) {}

  /** Inserts a new tenant in phase Pending; ConflictError when taken. */
  async insertTenant(options: {
    spec: TenantSpec;
    createdBy: string;
  }): Promise<Tenant> {
    const { spec, createdBy } = options;
    const now = new Date();
    await this.db.transaction(async tx => {
      const clash = await tx<TenantRow>('emr_tenants')
        .where('name', spec.name)
        .orWhere(q =>
          q.where({ cluster: spec.cluster, namespace: spec.namespace }),
        )
        .first();
      if (clash) {
        throw new ConflictError(
          clash.name === spec.name
            ? `tenant ${spec.name} already exists`
            : `namespace ${spec.namespace} of cluster ${spec.cluster} already belongs to tenant ${clash.name}`,
        );
      }
      await tx<TenantRow>('emr_tenants').insert({
        name: spec.name,
        cluster: spec.cluster,
        namespace: spec.namespace,
        owner: spec.owner,
        spec: JSON.stringify(spec),
        generation: 1,
        observed_generation: 0,
        phase: 'Pending',
        outputs: JSON.stringify({}),
        message: null,
        created_by: createdBy,
        created_at: now,
        updated_at: now,
        last_reconciled_at: null,
      });
    });
    return this.getTenant(spec.name);
  }

  /** Stores a changed spec as a new generation; returns the tenant. */
  async updateSpec(
    spec: TenantSpec,
    expectedGeneration?: number,
  ): Promise<{ tenant: Tenant; changed: boolean }> {
    const current = await this.getRow(spec.name);
    const stale = () =>
      new ConflictError(
        `tenant ${spec.name} changed meanwhile (generation ${
          expectedGeneration ?? current.generation
        } is not the latest); read it again and retry`,
      );
    if (
      expectedGeneration !== undefined &&
      Number(current.generation) !== expectedGeneration
    ) {
      throw stale();
    }
    if (current.spec === JSON.stringify(spec)) {
      return { tenant: await this.getTenant(spec.name), changed: false };
    }
    // Conditional on the generation read above: of two concurrent updates
    // one wins and the other is told, instead of being silently lost.
    const updated = await this.db<TenantRow>('emr_tenants')
      .where({ name: spec.name, generation: current.generation })
      .update({
        spec: JSON.stringify(spec),
        owner: spec.owner,
        generation: current.generation + 1,
        phase: current.phase === 'Deleting' ? 'Deleting' : 'Pending',
        updated_at: new Date(),
      });
    if (updated !== 1) {
      throw stale();
    }
    return { tenant: await this.getTenant(spec.name), changed: true };
  }

  async getTenant(name: string): Promise<Tenant> {
    const tenant = await this.findTenant(name);
    if (!tenant) {
      throw new NotFoundError(`tenant ${name} not found`);
    }
    return tenant;
  }

  async findTenant(name: string): Promise<Tenant | undefined> {
    const [tenant] = await this.findTenants([name]);
    return tenant;
  }

  /** Tenants by name, in the order asked, undefined where there is none (one query). */
  async findTenants(names: string[]): Promise<Array<Tenant | undefined>> {
    const rows = await this.db<TenantRow>('emr_tenants').whereIn('name', names);
    const steps = await this.db<StepRow>('emr_tenant_steps').whereIn(
      'tenant',
      names,
    );
    const byName = new Map(
      rows.map(row => [
        row.name,
        toTenant(
          row,
          steps.filter(s => s.tenant === row.name),
        ),
      ]),
    );
    return names.map(name => byName.get(name));
  }

  async exists(name: string): Promise<boolean> {
    return Boolean(
      await this.db<TenantRow>('emr_tenants').where('name', name).first('name'),
    );
  }

  /** Every tenant's name, sorted: no specs, no steps. */
  async listNames(): Promise<string[]> {
    const rows = await this.db<TenantRow>('emr_tenants')
      .orderBy('name')
      .select('name');
    return rows.map(row => row.name);
  }

  /** The specs of a cluster's tenants (what the guardrails compare with). */
  async listSpecs(cluster: string): Promise<TenantSpec[]> {
    const rows = await this.db<TenantRow>('emr_tenants')
      .where('cluster', cluster)
      .orderBy('name')
      .select('spec');
    return rows.map(row => JSON.parse(row.spec));
  }

  async listTenants(): Promise<Tenant[]> {
    const rows = await this.db<TenantRow>('emr_tenants').orderBy('name');
    const steps = await this.db<StepRow>('emr_tenant_steps');
    return rows.map(row =>
      toTenant(
        row,
        steps.filter(s => s.tenant === row.name),
      ),
    );
  }

  /**
   * Sets the phase. Never takes a tenant out of Deleting (an offboarding
   * requested during a reconcile wins), and with `generation` only applies if
   * the spec has not changed since that generation was read.
   */
  async setPhase(
    name: string,
    phase: TenantPhase,
    extra: {
      message?: string | null;
      observedGeneration?: number;
      reconciled?: boolean;
      generation?: number;
    } = {},
  ): Promise<void> {
    const now = new Date();
    let query = this.db<TenantRow>('emr_tenants').where('name', name);
    if (phase !== 'Deleting') {
      query = query.whereNot('phase', 'Deleting');
    }
    if (extra.generation !== undefined) {
      query = query.where('generation', extra.generation);
    }
    await query.update({
      phase,
      updated_at: now,
      ...(extra.message !== undefined ? { message: extra.message } : {}),
      ...(extra.observedGeneration !== undefined
        ? { observed_generation: extra.observedGeneration }
        : {}),
      ...(extra.reconciled ? { last_reconciled_at: now } : {}),
    });
  }

  /** Merges step outputs (virtual cluster id, role ARN...) into the tenant's outputs. */
  async mergeOutputs(
    name: string,
    outputs: Partial<TenantOutputs>,
  ): Promise<void> {
    await this.db.transaction(async tx => {
      const row = await tx<TenantRow>('emr_tenants')
        .where('name', name)
        .first();
      if (!row) {
        throw new NotFoundError(`tenant ${name} not found`);
      }
      const merged = { ...JSON.parse(row.outputs), ...outputs };
      await tx<TenantRow>('emr_tenants')
        .where('name', name)
        .update({ outputs: JSON.stringify(merged) });
    });
  }

  async recordStep(
    name: string,
    step: {
      name: ReconcileStepName;
      state: StepState;
      message: string;
      generation: number;
    },
  ): Promise<void> {
    await this.db<StepRow>('emr_tenant_steps')
      .insert({
        tenant: name,
        step: step.name,
        state: step.state,
        message: step.message,
        generation: step.generation,
        updated_at: new Date(),
      })
      .onConflict(['tenant', 'step'])
      .merge();
  }

  /** Removes an offboarded tenant; its audit trail stays. */
  async deleteTenant(name: string): Promise<void> {
    await this.db.transaction(async tx => {
      await tx('emr_tenant_steps').where('tenant', name).delete();
      await tx('emr_tenants').where('name', name).delete();
    });
  }

  /**
   * Takes the tenant's reconcile lease unless another live holder has it, so
   * two reconciles (API and schedule, or two backend replicas) never run the
   * same tenant at once. A crashed holder's lease simply expires.
   */
  async tryAcquireLease(
    name: string,
    owner: string,
    ttlMs: number,
  ): Promise<boolean> {
    const now = new Date();
    const updated = await this.db<
      TenantRow & { lease_owner: string | null; lease_expires_at: Date | null }
    >('emr_tenants')
      .where('name', name)
      .andWhere(q =>
        q.whereNull('lease_expires_at').orWhere('lease_expires_at', '<', now),
      )
      .update({
        lease_owner: owner,
        lease_expires_at: new Date(now.getTime() + ttlMs),
      });
    return updated === 1;
  }

  /** Extends a lease still held by `owner`; false once someone else holds it. */
  async renewLease(
    name: string,
    owner: string,
    ttlMs: number,
  ): Promise<boolean> {
    const updated = await this.db('emr_tenants')
      .where({ name, lease_owner: owner })
      .update({ lease_expires_at: new Date(Date.now() + ttlMs) });
    return updated === 1;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.db('emr_tenants')
      .where({ name, lease_owner: owner })
      .update({ lease_owner: null, lease_expires_at: null });
  }

  async appendAudit(
    event: Omit<TenantAuditEvent, 'id' | 'createdAt'>,
  ): Promise<void> {
    await this.db('emr_audit_events').insert({
      tenant: event.tenant,
      actor: event.actor,
      action: event.action,
      result: event.result,
      message: event.message ?? null,
      generation: event.generation ?? null,
      created_at: new Date(),
    });
  }

  async listAudit(tenant: string, limit = 100): Promise<TenantAuditEvent[]> {
    const rows = await this.db('emr_audit_events')
      .where('tenant', tenant)
      .orderBy('id', 'desc')
      .limit(limit);
    return rows.map(row => ({
      id: Number(row.id),
      tenant: row.tenant,
      actor: row.actor,
      action: row.action,
      result: row.result,
      ...(row.message ? { message: row.message } : {}),
      ...(row.generation !== null
        ? { generation: Number(row.generation) }
        : {}),
      createdAt: toIso(row.created_at),
    }));
  }

  private async getRow(name: string): Promise<TenantRow> {
    const row = await this.db<TenantRow>('emr_tenants')
      .where('name', name)
      .first();
    if (!row) {
      throw new NotFoundError(`tenant ${name} not found`);
    }
    return row;
  }
}

function toTenant(row: TenantRow, stepRows: StepRow[]): Tenant {
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
