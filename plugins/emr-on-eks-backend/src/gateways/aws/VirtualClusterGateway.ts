import {
  CreateVirtualClusterCommand,
  DeleteVirtualClusterCommand,
  DescribeVirtualClusterCommand,
  EMRContainersClient,
  paginateListVirtualClusters,
  VirtualCluster,
} from '@aws-sdk/client-emr-containers';
import type { TenantPlan } from '../../domain/plan';
import { NotManagedError, notManagedReason } from '../errors';
import { errorName } from './errorName';

/**
 * The tenant's EMR virtual cluster. A live virtual cluster on the tenant's
 * namespace that this plugin did not create for the tenant (its tags) is
 * never adopted or deleted ({@link NotManagedError}).
 */
export interface VirtualClusterGateway {
  /**
   * Returns the id of the tenant's live virtual cluster, creating one only when
   * the namespace has none: a known id is checked first, then the namespace is
   * searched, so a lost id never leads to a second cluster.
   */
  ensureVirtualCluster(
    plan: TenantPlan,
    knownId: string | undefined,
    clientToken: string,
  ): Promise<{ id: string; changes: string[] }>;
  /**
   * Deletes the known virtual cluster and any live one on the namespace, all
   * of them or none: if one is not the tenant's, nothing is deleted.
   */
  deleteVirtualCluster(
    plan: TenantPlan,
    knownId: string | undefined,
  ): Promise<string[]>;
}

/** Live virtual-cluster states: the namespace is registered with EMR. */
const LIVE_STATES = new Set(['RUNNING', 'ARRESTED']);

/**
 * {@link VirtualClusterGateway} on the EMR on EKS (emr-containers) API.
 *
 * Ownership is read from the `tags` of DescribeVirtualCluster (documented in
 * the API and returned by moto), one call per candidate, rather than from
 * ListTagsForResource, which moto does not emulate for emr-containers. A
 * virtual cluster whose description carries no tags is not the plugin's.
 */
export class EmrVirtualClusterGateway implements VirtualClusterGateway {
  constructor(private readonly emr: EMRContainersClient) {}

  async ensureVirtualCluster(
    plan: TenantPlan,
    knownId: string | undefined,
    clientToken: string,
  ): Promise<{ id: string; changes: string[] }> {
    if (knownId) {
      const known = await this.describe(knownId);
      if (
        known &&
        LIVE_STATES.has(known.state ?? '') &&
        known.containerProvider?.info?.eksInfo?.namespace ===
          plan.virtualCluster.namespace
      ) {
        this.assertManaged(known, plan, 'adopt');
        return { id: knownId, changes: [] };
      }
    }
    const existing = await this.liveInNamespace(plan);
    const adoptable = existing.find(vc => !this.problem(vc, plan));
    if (adoptable) {
      return {
        id: adoptable.id!,
        changes: [
          `adopted virtual cluster ${adoptable.id} of namespace ${plan.namespace}`,
        ],
      };
    }
    if (existing.length > 0) {
      this.assertManaged(existing[0], plan, 'adopt');
    }
    const created = await this.emr.send(
      new CreateVirtualClusterCommand({
        name: plan.virtualCluster.name,
        containerProvider: {
          type: 'EKS',
          id: plan.virtualCluster.eksClusterName,
          info: { eksInfo: { namespace: plan.virtualCluster.namespace } },
        },
        // The same token for every attempt of one onboarding: a create retried
        // after a lost response does not register the namespace twice.
        clientToken,
        tags: plan.tags,
      }),
    );
    return {
      id: created.id!,
      changes: [`created virtual cluster ${created.id}`],
    };
  }

  async deleteVirtualCluster(
    plan: TenantPlan,
    knownId: string | undefined,
  ): Promise<string[]> {
    const candidates = new Map<string, VirtualCluster>();
    if (knownId) {
      const known = await this.describe(knownId);
      if (known && LIVE_STATES.has(known.state ?? '')) {
        candidates.set(knownId, known);
      }
    }
    for (const found of await this.liveInNamespace(plan)) {
      candidates.set(found.id!, found);
    }
    // Every candidate is checked before any is deleted.
    for (const candidate of candidates.values()) {
      this.assertManaged(candidate, plan, 'delete');
    }
    for (const id of candidates.keys()) {
      await this.emr.send(new DeleteVirtualClusterCommand({ id }));
    }
    return [...candidates.keys()].map(id => `deleted virtual cluster ${id}`);
  }

  private problem(vc: VirtualCluster, plan: TenantPlan): string | undefined {
    return notManagedReason(vc.tags, plan.tenant, 'tag');
  }

  private assertManaged(
    vc: VirtualCluster,
    plan: TenantPlan,
    action: 'adopt' | 'delete',
  ) {
    const reason = this.problem(vc, plan);
    if (!reason) {
      return;
    }
    const what = `EMR virtual cluster ${vc.id} (${vc.name}) on namespace ${vc.containerProvider?.info?.eksInfo?.namespace} of EKS cluster ${vc.containerProvider?.id}`;
    throw new NotManagedError(
      action === 'adopt'
        ? `${what} exists but is not managed by this plugin for tenant ${plan.tenant} (${reason}); it was not adopted and no virtual cluster was created. Delete it, or use another namespace`
        : `${what} was not deleted: it is not managed by this plugin for tenant ${plan.tenant} (${reason}); delete it by hand if it should go`,
    );
  }

  private async describe(id: string): Promise<VirtualCluster | undefined> {
    try {
      return (await this.emr.send(new DescribeVirtualClusterCommand({ id })))
        .virtualCluster;
    } catch (error) {
      if (
        errorName(error) === 'ResourceNotFoundException' ||
        errorName(error) === 'ValidationException'
      ) {
        return undefined;
      }
      throw error;
    }
  }

  /**
   * The live virtual clusters on the tenant's namespace, each as
   * DescribeVirtualCluster gives it (with its tags).
   */
  private async liveInNamespace(plan: TenantPlan): Promise<VirtualCluster[]> {
    const ids: string[] = [];
    for await (const page of paginateListVirtualClusters(
      { client: this.emr },
      {
        containerProviderId: plan.virtualCluster.eksClusterName,
        containerProviderType: 'EKS',
        states: ['RUNNING', 'ARRESTED'],
      },
    )) {
      for (const vc of page.virtualClusters ?? []) {
        if (
          vc.id &&
          vc.containerProvider?.info?.eksInfo?.namespace ===
            plan.virtualCluster.namespace &&
          LIVE_STATES.has(vc.state ?? '')
        ) {
          ids.push(vc.id);
        }
      }
    }
    const described: VirtualCluster[] = [];
    for (const id of ids) {
      const vc = await this.describe(id);
      if (vc && LIVE_STATES.has(vc.state ?? '')) {
        described.push(vc);
      }
    }
    return described;
  }
}
