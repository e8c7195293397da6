import {
  ConditionTransformer,
  createConditionAuthorizer,
  createConditionExports,
  createConditionTransformer,
  createPermissionResourceRef,
  createPermissionRule,
  type PermissionRule,
} from '@backstage/plugin-permission-node';
import {
  EMR_ON_EKS_TENANT_RESOURCE_TYPE,
  Tenant,
} from '@spot-spark/plugin-emr-on-eks-common';
import { z } from 'zod';

/**
 * Query form of tenant conditions: a property and the values it may take.
 *
 * @public
 */
export type TenantFilter = { property: 'owner' | 'name'; values: string[] };

/**
 * Permission resource of a tenant, for rules and conditional decisions.
 *
 * @public
 */
export const tenantResourceRef = createPermissionResourceRef<
  Tenant,
  TenantFilter
>().with({
  pluginId: 'emr-on-eks',
  resourceType: EMR_ON_EKS_TENANT_RESOURCE_TYPE,
});

/**
 * Allows a tenant when its owner is one of the given ownership claims; pass the
 * user's `ownershipEntityRefs`, so members of the owning group match.
 *
 * @public
 */
export const isTenantOwner = createPermissionRule({
  name: 'IS_TENANT_OWNER',
  description: 'Allow tenants owned by one of the given entity refs',
  resourceRef: tenantResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe('Ownership entity refs of the user, like group:default/team-a'),
  }),
  apply: (tenant, { claims }) =>
    claims
      .map(claim => claim.toLocaleLowerCase('en-US'))
      .includes(tenant.spec.owner.toLocaleLowerCase('en-US')),
  toQuery: ({ claims }) => ({ property: 'owner', values: claims }),
});

/** Allows the named tenants. @public */
export const isTenant = createPermissionRule({
  name: 'IS_TENANT',
  description: 'Allow the tenants with the given names',
  resourceRef: tenantResourceRef,
  paramsSchema: z.object({
    names: z.array(z.string()).describe('Tenant names'),
  }),
  apply: (tenant, { names }) => names.includes(tenant.name),
  toQuery: ({ names }) => ({ property: 'name', values: names }),
});

/** Every tenant permission rule. */
export const tenantPermissionRules = [isTenantOwner, isTenant];

/**
 * Whether a policy's decision allows a loaded tenant: conditions are applied
 * here, with the same rules the framework would call back for, which spares
 * a round trip through the permission backend on every tenant read.
 */
export const decisionAllowsTenant = createConditionAuthorizer<Tenant>({
  getRuleByName(name) {
    const rule = tenantPermissionRules.find(r => r.name === name);
    if (!rule) {
      throw new Error(
        `the policy used the permission rule ${name}, which tenants do not have (${tenantPermissionRules
          .map(r => r.name)
          .join(', ')})`,
      );
    }
    return rule as PermissionRule<Tenant, unknown, string>;
  },
});

/** A conditional decision's conditions as a query on tenants (for paged lists). */
export const toTenantFilter: ConditionTransformer<TenantFilter> =
  createConditionTransformer(tenantPermissionRules);

const conditionExports = createConditionExports({
  resourceRef: tenantResourceRef,
  rules: { isTenantOwner, isTenant },
});

/**
 * Condition factories for permission policies, for example
 * `emrOnEksTenantConditions.isTenantOwner({ claims: user.info.ownershipEntityRefs })`.
 *
 * @public
 */
export const emrOnEksTenantConditions = conditionExports.conditions;

/**
 * Wraps conditions into a conditional decision for a tenant permission.
 *
 * @public
 */
export const createEmrOnEksTenantConditionalDecision =
  conditionExports.createConditionalDecision;
