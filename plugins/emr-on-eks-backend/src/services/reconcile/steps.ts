import type { ReconcileStepName } from '@spot-spark/plugin-emr-on-eks-common';
import type { TenantPlan } from '../../domain/plan';
import type { ClusterGateways } from '../../gateways/ClusterGateways';
import type { TenantOutputs } from '../../stores/TenantStore';

export interface StepContext {
  plan: TenantPlan;
  gateways: ClusterGateways;
  /** Outputs recorded so far (the virtual cluster id, for one). */
  outputs: Partial<TenantOutputs>;
  /** Idempotency token of this tenant's creations. */
  clientToken: string;
  /** Spec generation being reconciled (named in GitOps commits). */
  generation?: number;
}

export interface StepResult {
  /** What the step changed; empty when all was already as desired. */
  changes: string[];
  outputs?: Partial<TenantOutputs>;
}

/**
 * One reconcile step: `apply` finds, creates or updates; `remove` deletes.
 * Both are idempotent, so a retried or resumed step is harmless.
 */
export interface ReconcileStep {
  name: ReconcileStepName;
  apply(context: StepContext): Promise<StepResult>;
  remove(context: StepContext): Promise<string[]>;
}

/**
 * The steps in onboarding order. The namespace comes first (EMR registers an
 * existing namespace), the virtual cluster last (it is what makes the tenant
 * usable, so it appears only once everything it needs is in place).
 */
export const RECONCILE_STEP_LIST: ReconcileStep[] = [
  {
    name: 'kubernetes-objects',
    async apply({ plan, gateways, generation }) {
      // The tenant's objects first: the gateway refuses a namespace this
      // plugin did not create for the tenant before writing anything, and
      // then not even the shared PriorityClasses are written. Nothing in the
      // namespace needs them to exist (the quota's scope only names them).
      const context = { tenant: plan.tenant, generation };
      const own = await gateways.kubernetes.applyTenantObjects(
        plan.tenant,
        plan.kubernetes.tenantObjects,
        context,
      );
      const shared = await gateways.kubernetes.applyClusterObjects(
        plan.kubernetes.clusterObjects,
        context,
      );
      return { changes: [...own, ...shared] };
    },
    // PriorityClasses are shared by every tenant of the cluster and stay.
    remove: ({ plan, gateways, generation }) =>
      gateways.kubernetes.deleteTenantObjects(
        plan.tenant,
        plan.kubernetes.tenantObjects,
        { tenant: plan.tenant, generation },
      ),
  },
  {
    name: 'iam-role',
    async apply({ plan, gateways }) {
      // A cluster switched back from Pod Identity to IRSA: the role's trust
      // still naming EKS Pod Identity is the one record that the tenant had
      // associations, so they go before ensureRole rewrites it (a pass that
      // fails in between looks again; one after it sends EKS nothing).
      const released = await gateways.podIdentity.deleteFormerAssociations(
        plan,
      );
      return {
        changes: [...released, ...(await gateways.iamRoles.ensureRole(plan))],
        outputs: { executionRoleArn: plan.iam.roleArn },
      };
    },
    remove: ({ plan, gateways }) => gateways.iamRoles.deleteRole(plan),
  },
  {
    // After the role (the associations name it) and, offboarding, before
    // its deletion. IRSA clusters have none: no EKS call at all (those left
    // from a switch back to IRSA go in the iam-role step, see there).
    name: 'pod-identity',
    async apply({ plan, gateways }) {
      if (plan.podIdentity.associations.length === 0) {
        return { changes: [] };
      }
      return {
        changes: await gateways.podIdentity.ensureAssociations(plan),
      };
    },
    // Offboarded on IRSA before a pass after the switch back from Pod
    // Identity ran: the role (deleted next) still trusts it, and says so.
    remove: async ({ plan, gateways }) =>
      plan.podIdentity.associations.length === 0
        ? gateways.podIdentity.deleteFormerAssociations(plan)
        : gateways.podIdentity.deleteAssociations(plan),
  },
  {
    name: 'pod-templates',
    async apply({ plan, gateways }) {
      // The status names the templates of the tenant's own tier.
      const uri = (name: string) =>
        `s3://${plan.podTemplates.bucket}/${
          plan.podTemplates.files.find(
            f => f.name === name && f.tier === plan.priorityTier,
          )!.key
        }`;
      return {
        changes: await gateways.podTemplates.ensureFiles(plan),
        outputs: {
          assetsPrefix: plan.assetsPrefix,
          podTemplates: {
            driver: uri('driver'),
            executor: uri('executor'),
            executorOnDemand: uri('executorOnDemand'),
          },
        },
      };
    },
    remove: ({ plan, gateways }) => gateways.podTemplates.deleteFiles(plan),
  },
  {
    name: 'log-group',
    async apply({ plan, gateways }) {
      return {
        changes: await gateways.logGroups.ensureLogGroup(plan),
        outputs: { logGroupName: plan.logGroup.name },
      };
    },
    remove: ({ plan, gateways }) => gateways.logGroups.deleteLogGroup(plan),
  },
  {
    name: 'virtual-cluster',
    async apply({ plan, gateways, outputs, clientToken }) {
      const { id, changes } =
        await gateways.virtualClusters.ensureVirtualCluster(
          plan,
          outputs.virtualClusterId,
          clientToken,
        );
      return { changes, outputs: { virtualClusterId: id } };
    },
    remove: ({ plan, gateways, outputs }) =>
      gateways.virtualClusters.deleteVirtualCluster(
        plan,
        outputs.virtualClusterId,
      ),
  },
];
