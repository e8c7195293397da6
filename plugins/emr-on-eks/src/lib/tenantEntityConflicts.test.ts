import { Entity } from '@backstage/catalog-model';
import { tenantEntityConflicts } from './tenantEntityConflicts';

function resource(
  name: string,
  location: string,
  namespace = 'default',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace,
      annotations: { 'backstage.io/managed-by-location': location },
    },
    spec: { type: 'database', owner: 'group:default/team-b' },
  };
}

const tenantsOwn = (name: string, namespace = 'default') =>
  resource(
    name,
    `emr-on-eks:http://b:7007/api/emr-on-eks/tenants/${name}`,
    namespace,
  );

describe('tenantEntityConflicts', () => {
  it("names a Resource from a location that holds a tenant's name", () => {
    expect(
      tenantEntityConflicts(
        ['team-a', 'team-b'],
        [
          resource(
            'team-a',
            'url:https://github.com/x/y/blob/main/catalog-info.yaml',
          ),
          tenantsOwn('team-b'),
        ],
      ),
    ).toEqual([
      {
        tenant: 'team-a',
        entityRef: 'resource:default/team-a',
        location: 'url:https://github.com/x/y/blob/main/catalog-info.yaml',
      },
    ]);
  });

  it("is quiet when the tenant's own Resource is there, also beside a same-named one in another namespace", () => {
    expect(
      tenantEntityConflicts(
        ['team-a'],
        [
          tenantsOwn('team-a', 'emr'),
          resource('team-a', 'file:/catalog/db.yaml'),
        ],
      ),
    ).toEqual([]);
  });

  it('is quiet when there is no Resource of that name (the module is not installed, or not there yet)', () => {
    expect(tenantEntityConflicts(['team-a'], [])).toEqual([]);
  });

  it('compares names as the catalog does, ignoring case', () => {
    expect(
      tenantEntityConflicts(['team-a'], [resource('Team-A', 'file:/x.yaml')]),
    ).toEqual([
      {
        tenant: 'team-a',
        entityRef: 'resource:default/team-a',
        location: 'file:/x.yaml',
      },
    ]);
  });
});
