import {
  DefaultNamespaceEntityPolicy,
  Entity,
  EntityPolicies,
  entityEnvelopeSchemaValidator,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
} from '@backstage/catalog-model';
import { TENANT_NAME_MAX_LENGTH } from '@spot-spark/plugin-emr-on-eks-common';
import { tenantToEntity } from './tenantToEntity';
import { readyTenant as tenant } from './__testUtils__/tenants';

const OPTIONS = {
  namespace: 'default',
  apiBaseUrl: 'http://backstage.internal:7007/api/emr-on-eks',
  tenantsPageUrl: 'https://backstage.example.com/emr-on-eks',
};

/** What the catalog checks before it stores an entity of a provider. */
const policies = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);
const envelope = entityEnvelopeSchemaValidator();

async function expectValidResource(entity: Entity) {
  expect(() => envelope(entity)).not.toThrow();
  await expect(policies.enforce(entity)).resolves.toBeDefined();
  await expect(resourceEntityV1alpha1Validator.check(entity)).resolves.toBe(
    true,
  );
}

describe('tenantToEntity', () => {
  it('makes a Resource of type emr-virtual-cluster owned by the tenant owner, with every annotation and the page link', async () => {
    const entity = tenantToEntity(
      tenant({ description: 'Sales analytics', namespace: 'sales-jobs' }),
      OPTIONS,
    );
    expect(entity).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'team-a',
        namespace: 'default',
        title: 'EMR on EKS tenant team-a',
        description: 'Sales analytics',
        annotations: {
          'backstage.io/managed-by-location':
            'emr-on-eks:http://backstage.internal:7007/api/emr-on-eks/tenants/team-a',
          'backstage.io/managed-by-origin-location':
            'emr-on-eks:http://backstage.internal:7007/api/emr-on-eks/tenants/team-a',
          'emr-on-eks.spot-spark.io/tenant': 'team-a',
          'emr-on-eks.spot-spark.io/namespace': 'sales-jobs',
          'emr-on-eks.spot-spark.io/cluster': 'shared',
          'emr-on-eks.spot-spark.io/region': 'eu-west-1',
          'emr-on-eks.spot-spark.io/virtual-cluster-id':
            'vc0123456789abcdefghijklm',
        },
        links: [
          {
            url: 'https://backstage.example.com/emr-on-eks?tenant=team-a',
            title: 'EMR on EKS tenant page',
            type: 'emr-on-eks-tenant',
          },
        ],
      },
      spec: { type: 'emr-virtual-cluster', owner: 'group:default/team-a' },
    });
    await expectValidResource(entity);
  });

  it('leaves out the virtual cluster id and region until the backend knows them, and the description when there is none', async () => {
    const entity = tenantToEntity(
      tenant({}, { phase: 'Pending', virtualClusterId: undefined, region: '' }),
      OPTIONS,
    );
    expect(Object.keys(entity.metadata.annotations!).sort()).toEqual([
      'backstage.io/managed-by-location',
      'backstage.io/managed-by-origin-location',
      'emr-on-eks.spot-spark.io/cluster',
      'emr-on-eks.spot-spark.io/namespace',
      'emr-on-eks.spot-spark.io/tenant',
    ]);
    expect(entity.metadata).not.toHaveProperty('description');
    await expectValidResource(entity);
  });

  it('puts the entity in the configured namespace, and has no link without an app URL', async () => {
    const entity = tenantToEntity(tenant({ owner: 'user:ops/jane' }), {
      namespace: 'emr-tenants',
      apiBaseUrl: OPTIONS.apiBaseUrl,
    });
    expect(entity.metadata.namespace).toBe('emr-tenants');
    expect(entity.metadata).not.toHaveProperty('links');
    expect(entity.spec).toEqual({
      type: 'emr-virtual-cluster',
      owner: 'user:ops/jane',
    });
    await expectValidResource(entity);
  });

  it('gives a valid entity name for the longest tenant name', async () => {
    const name = `t${'0123456789'.repeat(7)}`.slice(0, TENANT_NAME_MAX_LENGTH);
    const entity = tenantToEntity(tenant({ name }), OPTIONS);
    expect(entity.metadata.name).toBe(name);
    await expectValidResource(entity);
  });
});
