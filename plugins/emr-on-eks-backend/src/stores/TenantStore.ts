import { ConflictError, NotFoundError } from '@backstage/errors';
import type {
  OffboardedTenant,
  ReconcileStepName,
  StepState,
  Tenant,
  TenantPage,
  TenantPhase,
  TenantSpec,
} from '@spot-spark/plugin-emr-on-eks-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { decodeKeyCursor, encodeKeyCursor } from './cursor';
import { isPostgres } from './database';
import {
  applyFilter,
  lockKey,
  toOffboarded,
  toTenant,
  type StepRow,
  type TenantOutputs,
  type TenantQueryFilter,
  type TenantRow,
} from './tenantRows';

export type { TenantOutputs, TenantQueryFilter } from './tenantRows';
import type { NameUse } from '../domain/nameReservation';
import { namesUsedIn, recordVirtualCluster } from './IncarnationStore';

/** First key of the plugin's advisory locks ("EMRE"). */
const ADVISORY_LOCK_SPACE = 0x454d5245;
/** First key of the locks on tenant names and namespaces ("EMRN"). */
const NAME_LOCK_SPACE = 0x454d524e;

/** Tenants and their reconcile steps, and the history of offboarded tenants, in the plugin's (migrated) database. */
export class TenantStore {
  constructor(private readonly db: Knex) {}

  /**
   * Inserts a new tenant in phase Pending; ConflictError when taken. `check`
   * sees the specs of the cluster's other tenants and throws to refuse; it
   * runs under the cluster's lock, so two concurrent onboardings cannot both
   * pass a check that each would fail against the other (overlapping grants).
   * `names` sees every incarnation that used the spec's name or namespace,
   * under a lock on each name, and throws to refuse (see nameReservation).
   */
  async insertTenant(options: {
    spec: TenantSpec;
    createdBy: string;
    check?: ClusterCheck;
    names?: NameCheck;
  }): Promise<Tenant> {
    const { spec, createdBy } = options;
    const now = new Date();
    await this.db.transaction(async tx => {
      await this.lockCluster(tx, spec.cluster, spec.name, options.check);
      if (options.names) {
        const names = [...new Set([spec.name, spec.namespace])].sort();
        if (isPostgres(this.db)) {
          for (const name of names) {
            await tx.raw('select pg_advisory_xact_lock(?, ?)', [
              NAME_LOCK_SPACE,
              lockKey(name),
            ]);
          }
        }
        options.names(await namesUsedIn(tx, names));
      }
      const clash = await tx<TenantRow>('emr_tenants')
        .where('name', spec.name)
        .orWhere(q =>
          q.where({ cluster: spec.cluster, namespace: spec.namespace }),
        )
        .first();
      if (clash) {
        // Taken, by whom is not the caller's to know.
        throw new ConflictError(
          clash.name === spec.name
            ? `name: "${spec.name}" is taken; choose another name`
            : `namespace: "${spec.namespace}" of cluster ${spec.cluster} is taken; choose another namespace`,
        );
      }
      await tx<TenantRow>('emr_tenants').insert({
        uid: randomUUID(),
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

  /**
   * Stores a changed spec as a new generation; returns the tenant. `check`
   * runs under the cluster's lock, as for {@link TenantStore.insertTenant}.
   */
  async updateSpec(
    spec: TenantSpec,
    expectedGeneration?: number,
    check?: ClusterCheck,
  ): Promise<{ tenant: Tenant; changed: boolean }> {
    const changed = await this.db.transaction(async tx => {
      await this.lockCluster(tx, spec.cluster, spec.name, check);
      return this.updateSpecIn(tx, spec, expectedGeneration);
    });
    return { tenant: await this.getTenant(spec.name), changed };
  }

  private async updateSpecIn(
    tx: Knex.Transaction,
    spec: TenantSpec,
    expectedGeneration?: number,
  ): Promise<boolean> {
    const current = await tx<TenantRow>('emr_tenants')
      .where('name', spec.name)
      .first();
    if (!current) {
      throw new NotFoundError(`tenant ${spec.name} not found`);
    }
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
      return false;
    }
    // Conditional on the generation read above: of two concurrent updates
    // one wins and the other is told, instead of being silently lost.
    const updated = await tx<TenantRow>('emr_tenants')
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
    return true;
  }

  /**
   * Serialises onboardings and spec changes of one cluster (on PostgreSQL a
   * transaction-scoped advisory lock, shared by every replica; SQLite runs one
   * write transaction at a time anyway), then runs `check` on the specs of
   * the cluster's other tenants.
   */
  private async lockCluster(
    tx: Knex.Transaction,
    cluster: string,
    tenant: string,
    check: ClusterCheck | undefined,
  ) {
    if (!check) {
      return;
    }
    if (isPostgres(this.db)) {
      await tx.raw('select pg_advisory_xact_lock(?, ?)', [
        ADVISORY_LOCK_SPACE,
        lockKey(cluster),
      ]);
    }
    const rows = await tx<TenantRow>('emr_tenants')
      .where('cluster', cluster)
      .whereNot('name', tenant)
      .orderBy('name')
      .select('spec');
    check(rows.map(row => JSON.parse(row.spec)));
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

  /**
   * Tenants by name, in the order asked, undefined where there is none: the
   * tenants and their steps in two statements sent at once (every page of a
   * tenant waits for this lookup).
   */
  async findTenants(names: string[]): Promise<Array<Tenant | undefined>> {
    const [rows, steps] = await Promise.all([
      this.db<TenantRow>('emr_tenants').whereIn('name', names),
      this.db<StepRow>('emr_tenant_steps').whereIn('tenant', names),
    ]);
    const stepsOf = new Map<string, StepRow[]>();
    for (const step of steps) {
      const of = stepsOf.get(step.tenant);
      if (of) {
        of.push(step);
      } else {
        stepsOf.set(step.tenant, [step]);
      }
    }
    const byName = new Map(
      rows.map(row => [row.name, toTenant(row, stepsOf.get(row.name) ?? [])]),
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

  /** Names and uids of the current tenants (of the given uids, when given). */
  async listIdentities(
    uids?: string[],
  ): Promise<Array<{ name: string; uid: string }>> {
    let query = this.db<TenantRow>('emr_tenants');
    if (uids) {
      query = query.whereIn('uid', uids);
    }
    return query.orderBy('name').select('name', 'uid');
  }

  /**
   * A page of tenants by name, after `cursor`, limited to those `filter`
   * allows (a permission condition turned into SQL, so pages stay full);
   * the page's steps are read in one query.
   */
  async listTenantPage(options: {
    limit: number;
    cursor?: string;
    filter?: TenantQueryFilter;
  }): Promise<TenantPage> {
    let query = this.db<TenantRow>('emr_tenants');
    if (options.filter) {
      query = query.where(q => applyFilter(q, options.filter!));
    }
    if (options.cursor) {
      query = query.where('name', '>', decodeKeyCursor(options.cursor, 't'));
    }
    const rows = await query.orderBy('name').limit(options.limit + 1);
    const page = rows.slice(0, options.limit);
    const steps = await this.db<StepRow>('emr_tenant_steps').whereIn(
      'tenant',
      page.map(row => row.name),
    );
    const items = page.map(row =>
      toTenant(
        row,
        steps.filter(s => s.tenant === row.name),
      ),
    );
    return rows.length > options.limit
      ? { items, nextCursor: encodeKeyCursor('t', page[page.length - 1].name) }
      : { items };
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

  /**
   * Merges step outputs (virtual cluster id, role ARN...) into the tenant's
   * outputs; a virtual cluster is also recorded as the incarnation's for
   * good, so its bill stays this incarnation's after offboarding.
   */
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
      if (outputs.virtualClusterId) {
        await recordVirtualCluster(tx, row.uid, outputs.virtualClusterId);
      }
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

  /**
   * Removes an offboarded tenant, keeping it in the history (by uid) with
   * its audit trail and runs; the name is free for a new tenant.
   */
  async deleteTenant(name: string): Promise<void> {
    await this.db.transaction(async tx => {
      const row = await tx<TenantRow>('emr_tenants')
        .where('name', name)
        .first();
      if (!row) {
        return;
      }
      await tx('emr_tenant_history').insert({
        uid: row.uid,
        name: row.name,
        cluster: row.cluster,
        namespace: row.namespace,
        owner: row.owner,
        spec: row.spec,
        created_by: row.created_by,
        created_at: row.created_at,
        offboarded_at: new Date(),
      });
      await tx('emr_tenant_steps').where('tenant', name).delete();
      await tx('emr_tenants').where('uid', row.uid).delete();
    });
  }

  /** Offboarded tenants of a name (every name when left out), newest first. */
  async listHistory(name?: string): Promise<OffboardedTenant[]> {
    let query = this.db('emr_tenant_history');
    if (name !== undefined) {
      query = query.where('name', name);
    }
    const rows = await query
      .orderBy([
        { column: 'offboarded_at', order: 'desc' },
        { column: 'uid', order: 'desc' },
      ])
      .limit(500);
    return rows.map(toOffboarded);
  }

  async findHistory(uid: string): Promise<OffboardedTenant | undefined> {
    const row = await this.db('emr_tenant_history').where({ uid }).first();
    return row ? toOffboarded(row) : undefined;
  }
}

/** Refuses (throws) a tenant spec given the specs of its cluster's other tenants. */
export type ClusterCheck = (others: TenantSpec[]) => void;

/** Refuses (throws) a new tenant given every incarnation that used its name or namespace. */
export type NameCheck = (uses: NameUse[]) => void;
