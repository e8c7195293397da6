/*
 * The example organisation's permission policy, as an adopter would write
 * it for the EMR on EKS plugins:
 *
 * - platform admins (members of group:default/platform) may do everything:
 *   onboard and offboard tenants, change their guardrails, see every
 *   tenant, its runs and the history of offboarded tenants;
 * - members of a tenant's owner group read the tenant, submit, see and
 *   cancel its job runs, and change the team's own fields (description,
 *   release label, log retention) or trigger its reconcile, on their own
 *   tenant only (a conditional decision the plugin applies per tenant);
 * - team leads (members of group:default/team-leads) may onboard a tenant,
 *   within the cluster's guardrails; the plugin lets someone who may not
 *   change guardrails onboard only a tenant owned by one of their groups;
 * - everyone else sees nothing of it: lists leave the tenant out, and the
 *   tenant and its runs answer 404;
 * - everything that is not EMR on EKS (the catalog) is allowed.
 */
import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  createEmrOnEksTenantConditionalDecision,
  emrOnEksTenantConditions,
} from '@spot-spark/plugin-emr-on-eks-backend';
import {
  EMR_ON_EKS_TENANT_RESOURCE_TYPE,
  emrOnEksCostReadPermission,
  emrOnEksJobRunCancelPermission,
  emrOnEksJobRunReadPermission,
  emrOnEksJobRunSubmitPermission,
  emrOnEksTenantCreatePermission,
  emrOnEksTenantReadPermission,
  emrOnEksTenantUpdatePermission,
} from '@spot-spark/plugin-emr-on-eks-common';

/** Members of this group administer the platform. */
export const PLATFORM_ADMIN_GROUP = 'group:default/platform';

/** Members of this group may onboard their own team. */
export const TEAM_LEADS_GROUP = 'group:default/team-leads';

/**
 * What members of a tenant's owner group may do on their own tenant. The
 * rest (create, delete, guardrails, tenant history) is for admins only.
 */
const TEAM_PERMISSIONS: ReadonlySet<string> = new Set(
  [
    emrOnEksTenantReadPermission,
    emrOnEksTenantUpdatePermission,
    emrOnEksJobRunSubmitPermission,
    emrOnEksJobRunReadPermission,
    emrOnEksJobRunCancelPermission,
    emrOnEksCostReadPermission,
  ].map(permission => permission.name),
);

/** @public */
export class ExamplePermissionPolicy implements PermissionPolicy {
  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    // Every permission of the plugin set is named emr-on-eks.*.
    if (!permission.name.startsWith('emr-on-eks.')) {
      // The catalog and the other plugins of this example: open to everyone
      // signed in.
      return { result: AuthorizeResult.ALLOW };
    }
    const claims = user?.info.ownershipEntityRefs ?? [];
    if (claims.includes(PLATFORM_ADMIN_GROUP)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (
      permission.name === emrOnEksTenantCreatePermission.name &&
      claims.includes(TEAM_LEADS_GROUP)
    ) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (
      TEAM_PERMISSIONS.has(permission.name) &&
      isResourcePermission(permission, EMR_ON_EKS_TENANT_RESOURCE_TYPE)
    ) {
      // Allowed on the tenants whose owner is one of the user's groups (or
      // the user): the plugin filters lists and checks single tenants.
      return createEmrOnEksTenantConditionalDecision(
        permission,
        emrOnEksTenantConditions.isTenantOwner({ claims }),
      );
    }
    // Onboarding, offboarding, guardrails, tenant history, and any EMR on
    // EKS permission a later version adds: admins only.
    return { result: AuthorizeResult.DENY };
  }
}

/**
 * Installs {@link ExamplePermissionPolicy} into the permission backend.
 *
 * @public
 */
export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'example-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new ExamplePermissionPolicy());
      },
    });
  },
});
