import { Entity } from '@backstage/catalog-model';
import { isTenantEntityFromEmrOnEks } from './tenantEntity';

function resource(annotations?: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name: 'team-a', ...(annotations ? { annotations } : {}) },
    spec: { type: 'emr-virtual-cluster', owner: 'group:default/team-a' },
  };
}

describe('isTenantEntityFromEmrOnEks', () => {
  it("knows the module's entities by their location type", () => {
    expect(
      isTenantEntityFromEmrOnEks(
        resource({
          'backstage.io/managed-by-location':
            'emr-on-eks:http://localhost:7007/api/emr-on-eks/tenants/team-a',
        }),
      ),
    ).toBe(true);
  });

  it.each([
    [
      'read from a URL',
      'url:https://github.com/x/y/blob/main/emr-on-eks:team-a',
    ],
    ['read from a file', 'file:/tmp/emr-on-eks:/catalog-info.yaml'],
    ['of a look-alike type', 'emr-on-eks-tenants:http://x/tenants/team-a'],
    ['of another case', 'EMR-ON-EKS:http://x/tenants/team-a'],
  ])('refuses an entity %s', (_what, location) => {
    expect(
      isTenantEntityFromEmrOnEks(
        resource({ 'backstage.io/managed-by-location': location }),
      ),
    ).toBe(false);
  });

  it('refuses an entity without a location', () => {
    expect(isTenantEntityFromEmrOnEks(resource())).toBe(false);
  });
});
