import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type {
  Tenant,
  TenantAuditEvent,
} from '@spot-spark/plugin-emr-on-eks-common';
import { clusterOfTenant } from '../../config';
import type { ClusterSettings, EmrOnEksSettings } from '../../config';
import { buildTenantPlan } from '../../domain/plan';
import { redactIdentifiers } from '../../domain/redact';
import type { ClusterGateways } from '../../gateways/ClusterGateways';
import { NotManagedError } from '../../gateways/errors';
import type { TenantAuditStore } from '../../stores/TenantAuditStore';
import type { TenantLeaseStore } from '../../stores/TenantLeaseStore';
import type { TenantOutputs, TenantStore } from '../../stores/TenantStore';
import {
  IGNORED_TENANT_CHANGES,
  TenantChanges,
} from '../tenants/TenantChanges';
import {
  type Actor,
  announceChanged,
  auditTenant,
  withRegion,
} from '../tenants/tenantRecords';
import { clientTokenOf, pickOutputs } from './stepInputs';
import { RECONCILE_STEP_LIST, ReconcileStep } from './steps';
import { LeaseLostError, StepFailure } from '../errors';
import { TenantLease } from './TenantLease';
import {
  IGNORED_TENANT_NOTICES,
  type TenantNotices,
} from '../events/TenantNotices';

/** The actor of the scheduled reconciles. */
export const SCHEDULER_ACTOR: Actor = 'system:reconciler';

/**
 * A reconcile's lease lapses this long after its last renewal, so a killed
 * process blocks its tenants briefly; a live run renews it well before.
 */
const LEASE_TTL_MS = 2 * 60 * 1000;
const LEASE_RENEW_MS = 20 * 1000;

/**
 * The reconcile engine: brings a tenant's resources to its stored desired
 * state step by step, recording each step's outcome so that a failure or a
 * crash resumes where it stopped, and tears them down in reverse order when
 * the tenant is being offboarded. One reconcile of a tenant at a time
 * anywhere, under a lease in the database.
 */
export class Reconciler {
  static create(options: {
    settings: EmrOnEksSettings;
    store: TenantStore;
    audit: TenantAuditStore;
    leases: TenantLeaseStore;
    gatewaysFor: (cluster: ClusterSettings) => ClusterGateways;
    logger: LoggerService;
    steps?: ReconcileStep[];
    /** Told of every change of a tenant (the catalog provider listens). */
    changes?: TenantChanges;
    /** Tells whoever asked when a tenant becomes Ready or Failed. */
    notices?: TenantNotices;
  }): Reconciler {
    return new Reconciler(
      options.settings,
      options.store,
      options.audit,
      options.leases,
      options.gatewaysFor,
      options.logger,
      options.steps ?? RECONCILE_STEP_LIST,
      options.changes ?? IGNORED_TENANT_CHANGES,
      options.notices ?? IGNORED_TENANT_NOTICES,
    );
  }

  private readonly verifiedAccounts = new Set<string>();
  private stopping = false;

  private constructor(
    private readonly settings: EmrOnEksSettings,
    private readonly store: TenantStore,
    private readonly auditTrail: TenantAuditStore,
    private readonly leases: TenantLeaseStore,
    private readonly gatewaysFor: (cluster: ClusterSettings) => ClusterGateways,
    private readonly logger: LoggerService,
    private readonly steps: ReconcileStep[],
    readonly changes: TenantChanges,
    private readonly notices: TenantNotices,
  ) {}

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
      store: this.leases,
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
          const gone = await this.store.findTenant(name);
          return gone && withRegion(this.settings, gone);
        }
        await this.onboard(tenant, actor, lease);
        const after = await this.store.getTenant(name);
        const changedMeanwhile =
          after.generation !== tenant.generation ||
          after.status.phase === 'Deleting';
        if (!changedMeanwhile || pass >= 2) {
          return withRegion(this.settings, after);
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

  /** Starts no new scheduled pass after this (shutting down). */
  stop(): void {
    this.stopping = true;
  }

  /*
   * Every write of a tenant's row during a reconcile goes through these, so
   * that each change is announced.
   */

  private async setPhase(
    tenant: Tenant,
    phase: Parameters<TenantStore['setPhase']>[1],
    extra?: Parameters<TenantStore['setPhase']>[2],
  ): Promise<void> {
    await this.store.setPhase(tenant.name, phase, extra);
    announceChanged(this.changes, tenant);
  }

  private async recordStep(
    tenant: Tenant,
    step: Parameters<TenantStore['recordStep']>[1],
  ): Promise<void> {
    await this.store.recordStep(tenant.name, step);
    announceChanged(this.changes, tenant);
  }

  private async mergeOutputs(
    tenant: Tenant,
    outputs: Partial<TenantOutputs>,
  ): Promise<void> {
    await this.store.mergeOutputs(tenant.name, outputs);
    announceChanged(this.changes, tenant);
  }

  private audit(
    tenant: Tenant,
    actor: Actor,
    action: string,
    result: TenantAuditEvent['result'],
    message?: string,
  ) {
    return auditTenant(this.auditTrail, tenant, actor, action, result, message);
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
      const from = tenant.status.phase;
      await this.notices.phaseChanged(tenant, from, 'Failed', actor, message);
      return;
    }
    await lease.assertHeld();
    await this.setPhase(tenant, 'Ready', {
      message: null,
      observedGeneration: generation,
      reconciled: true,
      generation,
    });
    const from = tenant.status.phase;
    await this.notices.phaseChanged(tenant, from, 'Ready', actor);
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

  /**
   * Fails fast when the AWS credentials are for another account: the
   * backend's own, or those of the role the cluster assumes (`aws.roleArn`).
   */
  private async verifyAccount(
    cluster: ClusterSettings,
    gateways: ClusterGateways,
  ) {
    if (this.verifiedAccounts.has(cluster.name)) {
      return;
    }
    const account = await gateways.accountId();
    if (account !== cluster.accountId) {
      const role = cluster.aws.roleArn;
      throw new Error(
        role
          ? `cluster ${cluster.name} is configured with account ${cluster.accountId}, but the role it assumes (${role}) gives credentials of account ${account}; set the cluster's accountId to ${account} or aws.roleArn to a role in account ${cluster.accountId}`
          : `the AWS credentials belong to account ${account}, but cluster ${cluster.name} is configured with account ${cluster.accountId}`,
      );
    }
    this.verifiedAccounts.add(cluster.name);
  }

  private clusterOf(tenant: Tenant) {
    const cluster = clusterOfTenant(this.settings, tenant);
    return { cluster, gateways: this.gatewaysFor(cluster) };
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
