import { ConflictError, InputError } from '@backstage/errors';
import {
  formatIssues,
  OffboardedTenant,
  Tenant,
  TenantAuditEvent,
  TenantAuditPage,
  TenantPage,
  TenantSpec,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { EmrOnEksSettings } from '../../config';
import { guardrailViolations } from '../../domain/guardrails';
import { nameConflicts, type NameConflict } from '../../domain/nameReservation';
import { checkSpecAgainstSettings } from '../../domain/plan';
import { onboardingGate } from '../../domain/clusters/preflight';
import type {
  ClusterCheck,
  TenantQueryFilter,
  TenantStore,
} from '../../stores/TenantStore';
import type { TenantAuditStore } from '../../stores/TenantAuditStore';
import type { ReconcileQueue } from '../reconcile/ReconcileQueue';
import { IGNORED_TENANT_CHANGES, TenantChanges } from './TenantChanges';
import {
  type Actor,
  announceChanged,
  auditTenant,
  withRegion,
} from './tenantRecords';

/**
 * The failed checks of a cluster's preflight (cached), or undefined when it
 * could not run; see ClusterService.failedChecks.
 */
export type ClusterReadiness = (
  cluster: string,
) => Promise<Array<{ title: string }> | undefined>;

/** The refs of the catalog groups called by each name (absent: none). */
export type GroupsNamed = (
  names: string[],
) => Promise<Record<string, string[]>>;

/**
 * Tenant commands and reads. Every change is stored as desired state,
 * audited and announced, then handed to the reconcile queue, which brings
 * the tenant's resources to it (services/reconcile).
 */
export class TenantService {
  static create(options: {
    settings: EmrOnEksSettings;
    store: TenantStore;
    audit: TenantAuditStore;
    /** Reconciles a tenant after each change. */
    queue: Pick<ReconcileQueue, 'enqueue'>;
    /** Told of every change of a tenant (the catalog provider listens). */
    changes?: TenantChanges;
    /**
     * The refs of the catalog groups called by each of the names (a group's
     * name is reserved for it); none when no catalog is installed.
     */
    groupsNamed?: GroupsNamed;
    /**
     * The clusters' preflight, which onboarding consults (see
     * `clusterPreflight.onboarding`); without it, none.
     */
    clusterReadiness?: ClusterReadiness;
  }): TenantService {
    return new TenantService(
      options.settings,
      options.store,
      options.audit,
      options.queue,
      options.changes ?? IGNORED_TENANT_CHANGES,
      options.groupsNamed ?? (async () => ({})),
      options.clusterReadiness ?? (async () => undefined),
    );
  }

  private constructor(
    private readonly settings: EmrOnEksSettings,
    private readonly store: TenantStore,
    private readonly auditTrail: TenantAuditStore,
    private readonly queue: Pick<ReconcileQueue, 'enqueue'>,
    private readonly changes: TenantChanges,
    private readonly groupsNamed: GroupsNamed,
    private readonly clusterReadiness: ClusterReadiness,
  ) {}

  /**
   * Validates against the settings, stores the tenant and starts onboarding.
   * A name or namespace that another owner holds or held last, or that is
   * another catalog group's name, is a ConflictError, unless `reassign`
   * says why a platform admin gives it to this owner (audited).
   *
   * A cluster whose preflight has a failed check refuses the tenant with a
   * ConflictError (nothing stored) unless the caller is a `platformAdmin`,
   * who gets `warnings` instead (`clusterPreflight.onboarding`).
   */
  async createTenant(
    spec: TenantSpec,
    actor: Actor,
    options: { reassign?: { reason: string }; platformAdmin?: boolean } = {},
  ): Promise<Tenant> {
    const check = this.assertFitsSettings(spec);
    const mode = this.settings.clusterPreflight.onboarding;
    const gate = onboardingGate({
      cluster: spec.cluster,
      failed:
        mode === 'off' ? undefined : await this.clusterReadiness(spec.cluster),
      mode,
      platformAdmin: options.platformAdmin ?? false,
    });
    if (!gate.allow) {
      throw new ConflictError(gate.reason);
    }
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
    announceChanged(this.changes, tenant);
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
    this.queue.enqueue(spec.name, actor);
    const created = withRegion(this.settings, tenant);
    return gate.warnings.length > 0
      ? { ...created, warnings: gate.warnings }
      : created;
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
      announceChanged(this.changes, tenant);
    }
    await this.audit(
      tenant,
      actor,
      'tenant.update',
      'accepted',
      changed ? undefined : 'spec unchanged',
    );
    if (changed) {
      this.queue.enqueue(spec.name, actor);
    }
    return withRegion(this.settings, tenant);
  }

  /** Marks the tenant for offboarding and starts tearing it down. */
  async deleteTenant(name: string, actor: Actor): Promise<Tenant> {
    const tenant = await this.store.getTenant(name);
    await this.setDeleting(tenant);
    await this.audit(tenant, actor, 'tenant.delete', 'accepted');
    this.queue.enqueue(name, actor);
    return withRegion(this.settings, await this.store.getTenant(name));
  }

  /** The tenant, or undefined when there is none. */
  async findTenant(name: string): Promise<Tenant | undefined> {
    const tenant = await this.store.findTenant(name);
    return tenant && withRegion(this.settings, tenant);
  }

  /** Tenants by name, in the order asked, undefined where there is none. */
  async findTenants(names: string[]): Promise<Array<Tenant | undefined>> {
    const tenants = await this.store.findTenants(names);
    return tenants.map(tenant => tenant && withRegion(this.settings, tenant));
  }

  /** A page of the tenants `filter` allows (all when left out), by name. */
  async listTenants(options: {
    limit: number;
    cursor?: string;
    filter?: TenantQueryFilter;
  }): Promise<TenantPage> {
    const page = await this.store.listTenantPage(options);
    return {
      ...page,
      items: page.items.map(t => withRegion(this.settings, t)),
    };
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
    return this.auditTrail.listAudit(uid, options);
  }

  /** Offboarded tenants of a name (of every name when left out), newest first. */
  listOffboarded(name?: string): Promise<OffboardedTenant[]> {
    return this.store.listHistory(name);
  }

  /** An offboarded tenant by uid, or undefined. */
  findOffboarded(uid: string): Promise<OffboardedTenant | undefined> {
    return this.store.findHistory(uid);
  }

  private async setDeleting(tenant: Tenant): Promise<void> {
    await this.store.setPhase(tenant.name, 'Deleting', {
      message: 'offboarding',
    });
    announceChanged(this.changes, tenant);
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
    return auditTenant(this.auditTrail, tenant, actor, action, result, message);
  }
}
