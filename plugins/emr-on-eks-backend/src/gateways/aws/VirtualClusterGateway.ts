import {
  CreateVirtualClusterCommand,
  DeleteVirtualClusterCommand,
  DescribeVirtualClusterCommand,
  EMRContainersClient,
  paginateListVirtualClusters,
  VirtualCluster,
} from '@aws-sdk/client-emr-containers';
import type { TenantPlan } from '../../domain/plan';
import { errorName } from './errorName';

/** The tenant's EMR virtual cluster. */
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
  /** Deletes the known virtual cluster and any live one on the namespace. */
  deleteVirtualCluster(
    plan: TenantPlan,
    knownId: string | undefined,
  ): Promise<string[]>;
}

/** Live virtual-cluster states: the namespace is registered with EMR. */
const LIVE_STATES = new Set(['RUNNING', 'ARRESTED']);

/** {@link VirtualClusterGateway} on the EMR on EKS (emr-containers) API. */
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
        return { id: knownId, changes: [] };
      }
    }
    const existing = await this.findInNamespace(plan);
    if (existing?.id) {
      return {
        id: existing.id,
        changes: [
          `adopted virtual cluster ${existing.id} of namespace ${plan.namespace}`,
        ],
      };
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
    const ids = new Set<string>();
    if (knownId) {
      const known = await this.describe(knownId);
      if (known && LIVE_STATES.has(known.state ?? '')) {
        ids.add(knownId);
      }
    }
    const found = await this.findInNamespace(plan);
    if (found?.id) {
      ids.add(found.id);
    }
    for (const id of ids) {
      await this.emr.send(new DeleteVirtualClusterCommand({ id }));
    }
    return [...ids].map(id => `deleted virtual cluster ${id}`);
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

  private async findInNamespace(
    plan: TenantPlan,
  ): Promise<VirtualCluster | undefined> {
    for await (const page of paginateListVirtualClusters(
      { client: this.emr },
      {
        containerProviderId: plan.virtualCluster.eksClusterName,
        containerProviderType: 'EKS',
        states: ['RUNNING', 'ARRESTED'],
      },
    )) {
      const match = page.virtualClusters?.find(
        vc =>
          vc.containerProvider?.info?.eksInfo?.namespace ===
            plan.virtualCluster.namespace && LIVE_STATES.has(vc.state ?? ''),
      );
      if (match) {
        return match;
      }
    }
    return undefined;
  }
}
