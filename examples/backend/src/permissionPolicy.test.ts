import {
  AuthorizeResult,
  ConditionalPolicyDecision,
  createPermission,
  PermissionCondition,
} from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { isTenantOwner } from '@spot-spark/plugin-emr-on-eks-backend';
import {
  emrOnEksJobRunCancelPermission,
  emrOnEksJobRunReadPermission,
  emrOnEksJobRunSubmitPermission,
  emrOnEksPermissions,
  emrOnEksTenantCreatePermission,
  emrOnEksTenantDeletePermission,
  emrOnEksTenantGuardrailsUpdatePermission,
  emrOnEksTenantHistoryReadPermission,
  emrOnEksTenantReadPermission,
  emrOnEksTenantUpdatePermission,
  Tenant,
} from '@spot-spark/plugin-emr-on-eks-common';
import { ExamplePermissionPolicy } from './permissionPolicy';

/** A signed-in user of the example catalog with the groups they are in. */
function user(name: string, groups: string[]): PolicyQueryUser {
  const userEntityRef = `user:default/${name}`;
  const ownershipEntityRefs = [
    userEntityRef,
    ...groups.map(group => `group:default/${group}`),
  ];
  return {
    credentials: {
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'user', userEntityRef },
    },
    info: { userEntityRef, ownershipEntityRefs },
  };
}

const admin = user('admin', ['platform']);
const alice = user('alice', ['team-a']);
const dana = user('dana', ['team-c', 'team-leads']);

/** Just what the owner rule looks at. */
const tenantOwnedBy = (owner: string) =>
  ({ name: owner.split('/')[1], spec: { owner } } as unknown as Tenant);

describe('ExamplePermissionPolicy', () => {
  const policy = new ExamplePermissionPolicy();

  it.each(emrOnEksPermissions.map(permission => [permission.name, permission]))(
    'allows platform admins %s',
    async (_name, permission) => {
      expect(await policy.handle({ permission }, admin)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
    },
  );

  it.each(
    [
      emrOnEksTenantCreatePermission,
      emrOnEksTenantDeletePermission,
      emrOnEksTenantGuardrailsUpdatePermission,
      emrOnEksTenantHistoryReadPermission,
    ].map(permission => [permission.name, permission]),
  )('keeps %s for admins only', async (_name, permission) => {
    expect(await policy.handle({ permission }, alice)).toEqual({
      result: AuthorizeResult.DENY,
    });
  });

  it('lets team leads onboard, and nothing more than their team may', async () => {
    expect(
      await policy.handle({ permission: emrOnEksTenantCreatePermission }, dana),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    for (const permission of [
      emrOnEksTenantDeletePermission,
      emrOnEksTenantGuardrailsUpdatePermission,
      emrOnEksTenantHistoryReadPermission,
    ]) {
      expect(await policy.handle({ permission }, dana)).toEqual({
        result: AuthorizeResult.DENY,
      });
    }
  });

  it.each(
    [
      emrOnEksTenantReadPermission,
      emrOnEksTenantUpdatePermission,
      emrOnEksJobRunSubmitPermission,
      emrOnEksJobRunReadPermission,
      emrOnEksJobRunCancelPermission,
    ].map(permission => [permission.name, permission]),
  )(
    'allows %s to members of the owning group on their own tenant only',
    async (_name, permission) => {
      const decision = (await policy.handle(
        { permission },
        alice,
      )) as ConditionalPolicyDecision;
      expect(decision.result).toBe(AuthorizeResult.CONDITIONAL);
      expect(decision.pluginId).toBe('emr-on-eks');
      const condition = decision.conditions as PermissionCondition;
      expect(condition.rule).toBe('IS_TENANT_OWNER');
      // The rule as the plugin applies it to each tenant.
      const params = condition.params as { claims: string[] };
      expect(
        isTenantOwner.apply(tenantOwnedBy('group:default/team-a'), params),
      ).toBe(true);
      expect(
        isTenantOwner.apply(tenantOwnedBy('group:default/team-b'), params),
      ).toBe(false);
    },
  );

  it('lets a request without a user see no tenant', async () => {
    const decision = (await policy.handle({
      permission: emrOnEksTenantReadPermission,
    })) as ConditionalPolicyDecision;
    const params = (decision.conditions as PermissionCondition).params as {
      claims: string[];
    };
    expect(
      isTenantOwner.apply(tenantOwnedBy('group:default/team-a'), params),
    ).toBe(false);
  });

  it('allows what is not EMR on EKS, such as reading the catalog', async () => {
    const catalogRead = createPermission({
      name: 'catalog.entity.read',
      attributes: { action: 'read' },
      resourceType: 'catalog-entity',
    });
    expect(await policy.handle({ permission: catalogRead }, alice)).toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });
});
