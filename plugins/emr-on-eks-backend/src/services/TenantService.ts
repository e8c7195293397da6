import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  formatIssues,
  OffboardedTenant,
  Tenant,
  TenantAuditEvent,
  TenantAuditPage,
  TenantPage,
  TenantSpec,
} from '@spot-spark/plugin-emr-on-eks-common';
import { createHash } from 'node:crypto';
import { clusterOfTenant } from '../config';
import type { ClusterSettings, EmrOnEksSettings } from '../config';
import { guardrailViolations } from '../domain/guardrails';
import { nameConflicts, type NameConflict } from '../domain/nameReservation';
import { redactIdentifiers } from '../domain/redact';
import { buildTenantPlan, checkSpecAgainstSettings } from '../domain/plan';
import type { ClusterGateways } from '../gateways/ClusterGateways';
import { NotManagedError } from '../gateways/errors';
import type {
  ClusterCheck,
  TenantOutputs,
  TenantQueryFilter,
  TenantStore,
} from '../stores/TenantStore';
import { RECONCILE_STEP_LIST, ReconcileStep } from './reconcileSteps';
import { IGNORED_TENANT_CHANGES, TenantChanges } from './TenantChanges';
import { LeaseLostError, TenantLease } from './TenantLease';

/** The refs of the catalog groups called by each name (absent: none). */
export type GroupsNamed = (
  names: string[],
) => Promise<Record<string, string[]>>;

/** Who asked for a change: a user or service ref, or the scheduler. */
export type Actor = string;
export const SCHEDULER_ACTOR: Actor = 'system:reconciler';

/**
 * A reconcile's lease lapses this long after its last renewal, so a killed
 * process blocks its tenants briefly; a live run renews it well before.
 */
const LEASE_TTL_MS = 2 * 60 * 1000;
const LEASE_RENEW_MS = 20 * 1000;

/** A reconcile step failed; its message names the step. */
class StepFailure extends Error {
  constructor(step: string, message: string) {
    super(`step ${step} failed: ${message}`);
  }
}

/**
 * Onboards, updates, reconciles and offboards tenants. Every change is first
 * stored as desired state, then reconciled step by step with each step's
 * outcome recorded, so that a failure or a crash resumes where it stopped.
 */
export class TenantService {
  static create(options: {
    settings: EmrOnEksSettings;
    store: TenantStore;
    gatewaysFor: (cluster: ClusterSettings) => ClusterGateways;
    logger: LoggerService;
    steps?: ReconcileStep[];
    /** Told of every change of a tenant (the catalog provider listens). */
    changes?: TenantChanges;
    /**
     * The refs of the catalog groups called by each of the names (a group's
     * name is reserved for it); none when no catalog is installed.
     */
    groupsNamed?: GroupsNamed;
  }): TenantService {
    return new TenantService(
      options.settings,
      options.store,
      options.gatewaysFor,
      options.logger,
      options.steps ?? RECONCILE_STEP_LIST,
      options.changes ?? IGNORED_TENANT_CHANGES,
      options.groupsNamed ?? (async () => ({})),
    );
  }

  private readonly running = new Set<Promise<unknown>>();
  /** The last background reconcile queued per tenant: they run one after another. */
  private readonly queued = new Map<string, Promise<unknown>>();
  private readonly verifiedAccounts = new Set<string>();
  private stopping = false;

  private constructor(
    private readonly settings: EmrOnEksSettings,
    private readonly store: TenantStore,
    private readonly gatewaysFor: (cluster: ClusterSettings) => ClusterGateways,
    private readonly logger: LoggerService,
    private readonly steps: ReconcileStep[],
    private readonly changes: TenantChanges,
    private readonly groupsNamed: GroupsNamed,
  ) {}

  /**
   * Validates against the settings, stores the tenant and starts onboarding.
   * A name or namespace that another owner holds or held last, or that is
   * another catalog group's name, is a ConflictError, unless `reassign`
   * says why a platform admin gives it to this owner (audited).
   */
  async createTenant(
    spec: TenantSpec,
    actor: Actor,
    options: { reassign?: { reason: string } } = {},
  ): Promise<Tenant> {
    const check = this.assertFitsSettings(spec);
    const groups = await this.groupsNamed([
      ...new Set([spec.name, spec.namespace]),
    ]);
    let given: NameConflict[] = [];
    const tenant = await this.store.insertTenant({
      spec,
      createdBy: actor,
      check,
      names: uses => {
        given = nameConflicts(spec, uses, groups);
        if (given.length > 0 && !options.reassign) {
          throw new ConflictError(formatIssues(given));
        }
      },
    });
    this.changed(tenant);
    await this.audit(tenant, actor, 'tenant.create', 'accepted');
    if (given.length > 0) {
      await this.audit(
        tenant,
        actor,
        'tenant.name.reassign',
        'succeeded',
        `gave ${given
          .map(c => `${c.path} "${spec[c.path]}" (${c.kind})`)
          .join(' and ')} to ${spec.owner}: ${options.reassign!.reason}`,
      );
    }
    this.reconcileInBackground(spec.name, actor);
    return this.withRegion(tenant);
  }

  /**
   * Stores a changed spec as a new generation and reconciles it. With
   * `expectedGeneration` (the client's If-Match), a tenant changed since is
   * a ConflictError instead of an overwrite.
   */
  async updateTenant(
    spec: TenantSpec,
    actor: Actor,
    expectedGeneration?: number,
  ): Promise<Tenant> {
    const check = this.assertFitsSettings(spec);
    const current = await this.store.getTenant(spec.name);
    if (current.status.phase === 'Deleting') {
      throw new ConflictError(`tenant ${spec.name} is being offboarded`);
    }
    for (const field of ['cluster', 'namespace'] as const) {
      if (spec[field] !== current.spec[field]) {
        throw new InputError(
          `${field}: cannot change from "${current.spec[field]}" to "${spec[field]}" after onboarding; offboard the tenant and onboard it again`,
        );
      }
    }
    const { tenant, changed } = await this.store.updateSpec(
      spec,
      expectedGeneration,
      check,
    );
    if (changed) {
      this.changed(tenant);
    }
    await this.audit(
      tenant,
      actor,
      'tenant.update',
      'accepted',
      changed ? undefined : 'spec unchanged',
    );
    if (changed) {
      this.reconcileInBackground(spec.name, actor);
    }
    return this.withRegion(tenant);
  }

  /** Marks the tenant for offboarding and starts tearing it down. */
  async deleteTenant(name: string, actor: Actor): Promise<Tenant> {
    const tenant = await this.store.getTenant(name);
    await this.setPhase(tenant, 'Deleting', { message: 'offboarding' });
    await this.audit(tenant, actor, 'tenant.delete', 'accepted');
    this.reconcileInBackground(name, actor);
    return this.withRegion(await this.store.getTenant(name));
  }

  /**
   * Runs one reconcile of a tenant now and returns its state afterwards (or
   * undefined once an offboarding has removed it). ConflictError when a
   * reconcile of the same tenant is already running anywhere.
   */
  async reconcile(name: string, actor: Actor): Promise<Tenant | undefined> {
    if (!(await this.store.exists(name))) {
      throw new NotFoundError(`tenant ${name} not found`);
    }
    const lease = await TenantLease.acquire({
      store: this.store,
      tenant: name,
      ttlMs: LEASE_TTL_MS,
      renewEveryMs: LEASE_RENEW_MS,
    });
    if (!lease) {
      throw new ConflictError(
        `a reconcile of tenant ${name} is already running`,
      );
    }
    try {
      // A spec changed or an offboarding requested during a pass is picked up
      // by another pass right away rather than at the next schedule.
      for (let pass = 0; ; pass++) {
        const tenant = await this.store.getTenant(name);
        if (tenant.status.phase === 'Deleting') {
          await this.offboard(tenant, actor, lease);
          return await this.findTenant(name);
        }
        await this.onboard(tenant, actor, lease);
        const after = await this.store.getTenant(name);
        const changedMeanwhile =
          after.generation !== tenant.generation ||
          after.status.phase === 'Deleting';
        if (!changedMeanwhile || pass >= 2) {
          return this.withRegion(after);
        }
      }
    } finally {
      await lease.release();
    }
  }

  /** The scheduled pass: every tenant, each failure independent of the others. */
  async reconcileAll(options: { signal?: AbortSignal } = {}): Promise<void> {
    for (const name of await this.store.listNames()) {
      // Shutting down, or the run outlived its timeout (the scheduler may
      // then start the next one on another replica): stop between tenants.
      if (this.stopping || options.signal?.aborted) {
        return;
      }
      try {
        await this.reconcile(name, SCHEDULER_ACTOR);
      } catch (error) {
        if (!(error instanceof ConflictError)) {
          this.logger.warn(`Reconcile of tenant ${name} failed: ${error}`);
        }
      }
    }
  }

  /**
   * Resolves when every background reconcile started so far has ended and
   * every change so far has been announced.
   */
  async waitForIdle(): Promise<void> {
    while (this.running.size > 0) {
      await Promise.allSettled([...this.running]);
    }
    await this.changes.settled();
  }

  /** The tenant, or undefined when there is none. */
  async findTenant(name: string): Promise<Tenant | undefined> {
    const tenant = await this.store.findTenant(name);
    return tenant && this.withRegion(tenant);
  }

  /** Tenants by name, in the order asked, undefined where there is none. */
  async findTenants(names: string[]): Promise<Array<Tenant | undefined>> {
    const tenants = await this.store.findTenants(names);
    return tenants.map(tenant => tenant && this.withRegion(tenant));
  }

  /** A page of the tenants `filter` allows (all when left out), by name. */
  async listTenants(options: {
    limit: number;
    cursor?: string;
    filter?: TenantQueryFilter;
  }): Promise<TenantPage> {
    const page = await this.store.listTenantPage(options);
    return { ...page, items: page.items.map(t => this.withRegion(t)) };
  }

  /** Names and uids of the current tenants (of the given uids, when given). */
  listIdentities(
    uids?: string[],
  ): Promise<Array<{ name: string; uid: string }>> {
    return this.store.listIdentities(uids);
  }

  /** A page of a tenant's audit trail, by the tenant's uid. */
  listAudit(
    uid: string,
    options: { limit: number; cursor?: string },
  ): Promise<TenantAuditPage> {
    return this.store.listAudit(uid, options);
  }

  /** Offboarded tenants of a name (of every name when left out), newest first. */
  listOffboarded(name?: string): Promise<OffboardedTenant[]> {
    return this.store.listHistory(name);
  }

  /** An offboarded tenant by uid, or undefined. */
  findOffboarded(uid: string): Promise<OffboardedTenant | undefined> {
    return this.store.findHistory(uid);
  }

  /**
   * At shutdown: queues no more work and waits for the reconciles running
   * now, each of which releases its lease when it ends (a lease left by a
   * killed process lapses after its short TTL instead).
   */
  async shutdown(): Promise<void> {
    this.stopping = true;
    await this.waitForIdle();
  }

  /*
   * Every write of a tenant's row goes through these, so that each change is
   * announced once, whichever route, schedule or queued reconcile made it.
   */

  private changed(tenant: Pick<Tenant, 'name' | 'uid'>): void {
    this.changes.notify({
      tenant: tenant.name,
      uid: tenant.uid,
      change: 'changed',
    });
  }

  private async setPhase(
    tenant: Tenant,
    phase: Parameters<TenantStore['setPhase']>[1],
    extra?: Parameters<TenantStore['setPhase']>[2],
  ): Promise<void> {
    await this.store.setPhase(tenant.name, phase, extra);
    this.changed(tenant);
  }

  private async recordStep(
    tenant: Tenant,
    step: Parameters<TenantStore['recordStep']>[1],
  ): Promise<void> {
    await this.store.recordStep(tenant.name, step);
    this.changed(tenant);
  }

  private async mergeOutputs(
    tenant: Tenant,
    outputs: Partial<TenantOutputs>,
  ): Promise<void> {
    await this.store.mergeOutputs(tenant.name, outputs);
    this.changed(tenant);
  }

  /**
   * The tenant as the API shows it: with the AWS region of its cluster, which
   * the settings hold and the store does not.
   */
  private withRegion(tenant: Tenant): Tenant {
    const region = this.settings.clusters.find(
      c => c.name === tenant.spec.cluster,
    )?.region;
    return region
      ? { ...tenant, status: { ...tenant.status, region } }
      : tenant;
  }

  /**
   * Queues a reconcile behind this process's earlier ones of the same tenant
   * (a create followed by a delete runs one after the other, never
   * interleaved). Another replica's run is excluded by the lease; it picks up
   * the new state on its next pass, or the schedule does.
   */
  private reconcileInBackground(name: string, actor: Actor) {
    if (this.stopping) {
      // The schedule (on this replica or another) picks the change up.
      return;
    }
    const before = this.queued.get(name) ?? Promise.resolve();
    const run: Promise<unknown> = before
      .then(() => this.reconcile(name, actor))
      .catch(error => {
        // Gone means an earlier queued run offboarded it: nothing to do.
        if (
          !(error instanceof ConflictError) &&
          !(error instanceof NotFoundError)
        ) {
          this.logger.error(`Reconcile of tenant ${name} failed: ${error}`);
        }
      })
      .finally(() => {
        this.running.delete(run);
        if (this.queued.get(name) === run) {
          this.queued.delete(name);
        }
      });
    this.queued.set(name, run);
    this.running.add(run);
  }

  private async onboard(
    tenant: Tenant,
    actor: Actor,
    lease: TenantLease,
  ): Promise<void> {
    const { cluster, gateways } = this.clusterOf(tenant);
    const plan = buildTenantPlan(tenant, cluster, this.settings);
    const generation = tenant.generation;
    // Resume: a pass that did not finish (Failed, or Reconciling when the
    // process died) skips the steps it completed for this generation. A pass
    // after a finished one re-checks every step, which is how drift is found.
    const resuming =
      tenant.status.phase === 'Failed' || tenant.status.phase === 'Reconciling';
    await this.setPhase(tenant, 'Reconciling', {
      message: null,
      generation,
    });

    let outputs: Partial<TenantOutputs> = pickOutputs(tenant);
    const allChanges: string[] = [];
    try {
      await this.verifyAccount(cluster, gateways);
      for (const step of this.steps) {
        const previous = tenant.status.steps.find(s => s.name === step.name);
        if (
          resuming &&
          previous?.state === 'Succeeded' &&
          previous.generation === generation
        ) {
          continue;
        }
        await lease.assertHeld();
        await this.recordStep(tenant, {
          name: step.name,
          state: 'Running',
          message: 'running',
          generation,
        });
        let result;
        try {
          result = await step.apply({
            plan,
            gateways,
            outputs,
            clientToken: clientTokenOf(tenant),
            generation,
          });
        } catch (error) {
          const message = this.failureMessage(tenant, error);
          await this.recordStep(tenant, {
            name: step.name,
            state: 'Failed',
            message,
            generation,
          });
          throw new StepFailure(step.name, message);
        }
        // What the step did stays unrecorded if the lease went meanwhile: the
        // new holder re-checks the step, which is idempotent.
        await lease.assertHeld();
        outputs = { ...outputs, ...result.outputs };
        if (result.outputs) {
          await this.mergeOutputs(tenant, result.outputs);
        }
        allChanges.push(...result.changes);
        await this.recordStep(tenant, {
          name: step.name,
          state: 'Succeeded',
          message:
            result.changes.length > 0
              ? result.changes.join('; ')
              : 'up to date',
          generation,
        });
      }
    } catch (error) {
      if (error instanceof LeaseLostError) {
        // Another reconcile holds the tenant now: write nothing more.
        throw error;
      }
      const message = this.failureMessage(tenant, error);
      await this.setPhase(tenant, 'Failed', { message, generation });
      await this.audit(tenant, actor, 'tenant.reconcile', 'failed', message);
      return;
    }
    await lease.assertHeld();
    await this.setPhase(tenant, 'Ready', {
      message: null,
      observedGeneration: generation,
      reconciled: true,
      generation,
    });
    // The audit trail records passes that did something, not every no-op check.
    if (allChanges.length > 0 || tenant.status.phase !== 'Ready') {
      await this.audit(
        tenant,
        actor,
        'tenant.reconcile',
        'succeeded',
        allChanges.length > 0 ? allChanges.join('; ') : 'up to date',
      );
    }
  }

  private async offboard(
    tenant: Tenant,
    actor: Actor,
    lease: TenantLease,
  ): Promise<void> {
    const { cluster, gateways } = this.clusterOf(tenant);
    const plan = buildTenantPlan(tenant, cluster, this.settings);
    const outputs = pickOutputs(tenant);
    const removed: string[] = [];
    try {
      await this.verifyAccount(cluster, gateways);
      for (const step of [...this.steps].reverse()) {
        await lease.assertHeld();
        try {
          const changes = await step.remove({
            plan,
            gateways,
            outputs,
            clientToken: clientTokenOf(tenant),
            generation: tenant.generation,
          });
          removed.push(...changes);
          await this.recordStep(tenant, {
            name: step.name,
            state: 'Deleted',
            message:
              changes.length > 0 ? changes.join('; ') : 'nothing to delete',
            generation: tenant.generation,
          });
        } catch (error) {
          const message = this.failureMessage(tenant, error);
          if (error instanceof NotManagedError) {
            const previous = tenant.status.steps.find(
              s => s.name === step.name,
            );
            if (previous?.state !== 'Succeeded') {
              // Never this tenant's (its onboarding was refused there, or
              // it was never reached): leave it in place and carry on.
              await this.recordStep(tenant, {
                name: step.name,
                state: 'Deleted',
                message: `left in place: ${message}`,
                generation: tenant.generation,
              });
              continue;
            }
            // This tenant's once, relabelled since: stop for a person to
            // look, keeping the step's record so every pass stops here.
            throw new StepFailure(step.name, message);
          }
          await this.recordStep(tenant, {
            name: step.name,
            state: 'Failed',
            message,
            generation: tenant.generation,
          });
          throw new StepFailure(step.name, message);
        }
      }
    } catch (error) {
      if (error instanceof LeaseLostError) {
        throw error;
      }
      const message = this.failureMessage(tenant, error);
      await this.setPhase(tenant, 'Deleting', { message });
      await this.audit(tenant, actor, 'tenant.offboard', 'failed', message);
      return;
    }
    await lease.assertHeld();
    await this.store.deleteTenant(tenant.name);
    this.changes.notify({
      tenant: tenant.name,
      uid: tenant.uid,
      change: 'removed',
    });
    await this.audit(
      tenant,
      actor,
      'tenant.offboard',
      'succeeded',
      removed.join('; ') || 'nothing to delete',
    );
  }

  /**
   * What a failure says to the tenant's readers (stored on the step and the
   * tenant, and in the audit trail): the error without the ARNs and account
   * ids of anything but the tenant's own role. The full error goes to the log.
   */
  private failureMessage(tenant: Tenant, error: unknown): string {
    if (error instanceof StepFailure) {
      return error.message; // already told and logged when the step failed
    }
    const full = errorMessage(error);
    this.logger.warn(`Reconcile of tenant ${tenant.name}: ${full}`, {
      tenant: tenant.name,
      tenantUid: tenant.uid,
    });
    const ownRole = tenant.status.executionRoleArn;
    return redactIdentifiers(full, { arns: ownRole ? [ownRole] : [] });
  }

  /** Fails fast when the AWS credentials are for another account. */
  private async verifyAccount(
    cluster: ClusterSettings,
    gateways: ClusterGateways,
  ) {
    if (this.verifiedAccounts.has(cluster.name)) {
      return;
    }
    const account = await gateways.accountId();
    if (account !== cluster.accountId) {
      throw new Error(
        `the AWS credentials belong to account ${account}, but cluster ${cluster.name} is configured with account ${cluster.accountId}`,
      );
    }
    this.verifiedAccounts.add(cluster.name);
  }

  private clusterOf(tenant: Tenant) {
    const cluster = clusterOfTenant(this.settings, tenant);
    return { cluster, gateways: this.gatewaysFor(cluster) };
  }

  /**
   * Checks the spec against the configured cluster settings now, and returns
   * the check against the cluster's guardrails and other tenants, which the
   * store runs under the cluster's lock when it writes the spec.
   */
  private assertFitsSettings(spec: TenantSpec): ClusterCheck {
    const issues = checkSpecAgainstSettings(spec, this.settings);
    if (issues.length > 0) {
      throw new InputError(formatIssues(issues));
    }
    const cluster = this.settings.clusters.find(c => c.name === spec.cluster)!;
    return others => {
      const violations = guardrailViolations(spec, {
        guardrails: cluster.guardrails,
        assetsBucket: cluster.assetsBucket,
        others,
      });
      if (violations.length > 0) {
        throw new InputError(formatIssues(violations));
      }
    };
  }

  private audit(
    tenant: Pick<Tenant, 'uid' | 'name' | 'generation'>,
    actor: Actor,
    action: string,
    result: TenantAuditEvent['result'],
    message?: string,
  ) {
    return this.store.appendAudit({
      tenant: tenant.name,
      tenantUid: tenant.uid,
      actor,
      action,
      result,
      message,
      generation: tenant.generation,
    });
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The step outputs part of a tenant's status. */
function pickOutputs(tenant: Tenant): Partial<TenantOutputs> {
  const {
    virtualClusterId,
    executionRoleArn,
    logGroupName,
    podTemplates,
    assetsPrefix,
  } = tenant.status;
  return {
    virtualClusterId,
    executionRoleArn,
    logGroupName,
    podTemplates,
    assetsPrefix,
  };
}

/**
 * EMR client token of a tenant's creations: stable across retries of one
 * onboarding, different for a tenant of the same name onboarded later.
 */
function clientTokenOf(tenant: Tenant): string {
  return createHash('sha256')
    .update(`virtual-cluster\n${tenant.uid}`)
    .digest('hex');
}
