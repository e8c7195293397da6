import type { DeferredEntity } from '@backstage/plugin-catalog-node';
import { parseTenantSpec, Tenant } from '@spot-spark/plugin-emr-on-eks-common';
import { PROVIDER_NAME } from '../EmrOnEksTenantEntityProvider';
import { tenantToEntity } from '../tenantToEntity';

/** A tenant as `GET /tenants/:name` answers once onboarding finished. */
export function readyTenant(
  spec: Record<string, unknown> = {},
  status: Partial<Tenant['status']> = {},
): Tenant {
  const parsed = parseTenantSpec({
    name: 'team-a',
    owner: 'group:default/team-a',
    cluster: 'shared',
    ...spec,
  });
  if (!parsed.success) {
    throw new Error(JSON.stringify(parsed.issues));
  }
  return {
    uid: '0a1b2c3d-0000-4000-8000-00000000aaaa',
    name: parsed.data.name,
    spec: parsed.data,
    generation: 1,
    createdAt: '2026-11-01T00:00:00.000Z',
    createdBy: 'user:default/alice',
    updatedAt: '2026-11-01T00:00:00.000Z',
    status: {
      phase: 'Ready',
      observedGeneration: 1,
      namespace: parsed.data.namespace,
      region: 'eu-west-1',
      virtualClusterId: 'vc0123456789abcdefghijklm',
      steps: [],
      ...status,
    },
  };
}

/** The entity the provider applies for tenant `name` (owned by the group of that name). */
export function providedEntity(name: string): DeferredEntity {
  return {
    locationKey: PROVIDER_NAME,
    entity: tenantToEntity(
      readyTenant({ name, owner: `group:default/${name}` }),
      {
        namespace: 'default',
        apiBaseUrl: 'http://backstage:7007/api/emr-on-eks',
      },
    ),
  };
}
