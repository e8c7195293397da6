import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import {
  ANNOTATION_EMR_ON_EKS_TENANT,
  JobRunRequest,
  JobRunRequestInput,
  parseJobRunRequest,
  parseTenantSpec,
  Tenant,
  TenantSpec,
  TenantSpecInput,
} from '@spot-spark/plugin-emr-on-eks-common';
import { EmrOnEksSettings, readEmrOnEksSettings } from '../config';

/** moto's default account. */
export const TEST_ACCOUNT_ID = '123456789012';
export const TEST_OIDC_ISSUER =
  'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';

/** Guardrails that fit the example tenants (team-a, team-b, ...) of the tests. */
export const TEST_GUARDRAILS: JsonObject = {
  dataAccess: [
    { s3: 's3://data-lake/{tenant}/', access: 'read-write' },
    { s3: 's3://shared-reference/', access: 'read', shared: true },
  ],
  allowedEgressCidrs: ['10.0.0.0/8'],
  allowedPriorityTiers: ['low', 'standard', 'high'],
};

/** The `emrOnEks` config block of the tests, as a user would write it. */
export function testConfig(
  overrides: {
    endpoint?: string;
    kubernetes?: JsonObject;
    region?: string;
    iam?: JsonObject;
    guardrails?: JsonObject;
  } = {},
): JsonObject {
  return {
    emrOnEks: {
      ...(overrides.endpoint ? { aws: { endpoint: overrides.endpoint } } : {}),
      // Onboarding runs no cluster preflight unless a test asks for it: the
      // emulated clusters are not ready, and recorded requests stay as they were.
      clusterPreflight: { onboarding: 'off' },
      iam: { roleNamePrefix: 'emr-tenant-', ...overrides.iam },
      clusters: [
        {
          name: 'shared',
          accountId: TEST_ACCOUNT_ID,
          region: overrides.region ?? 'us-east-1',
          eksClusterName: 'shared-data',
          oidcIssuer: `https://${TEST_OIDC_ISSUER}`,
          capacityTypeLabel: 'eks.amazonaws.com/capacityType',
          assetsBucket: 'shared-data-emr-assets',
          guardrails: overrides.guardrails ?? TEST_GUARDRAILS,
          kubernetes: overrides.kubernetes ?? {
            mode: 'gitops',
            directory: '/tmp/unused',
          },
        },
      ],
    },
  };
}

export function testSettings(
  overrides: Parameters<typeof testConfig>[0] = {},
): EmrOnEksSettings {
  return readEmrOnEksSettings(new ConfigReader(testConfig(overrides)));
}

/** The issue's example tenant. */
export const TEAM_A: TenantSpecInput = {
  name: 'team-a',
  owner: 'group:default/team-a',
  cluster: 'shared',
  quota: {
    'requests.cpu': '64',
    'requests.memory': '256Gi',
    'limits.cpu': '128',
    'limits.memory': '512Gi',
    pods: '200',
    'requests.storage': '2Ti',
  },
  limitRange: {
    max: { cpu: '6', memory: '48Gi' },
    min: { cpu: '100m', memory: '64Mi' },
    default: { cpu: '1', memory: '2Gi' },
    defaultRequest: { cpu: '500m', memory: '1Gi' },
  },
  network: { egressCidrs: ['10.0.0.0/8'] },
  dataAccess: [
    { s3: 's3://data-lake/team-a/', access: 'read-write' },
    { s3: 's3://shared-reference/', access: 'read' },
  ],
  priorityTier: 'standard',
  logRetentionDays: 30,
  releaseLabel: 'emr-7.5.0-latest',
};

/** The uid of the fixture tenants built here (a store gives each a new one). */
export const TEST_UID = '0a1b2c3d-0000-4000-8000-00000000aaaa';

/** A spec with its uid, as buildTenantPlan takes it. */
export function identified(tenantSpec: TenantSpec, uid = TEST_UID) {
  return { spec: tenantSpec, uid };
}

export function spec(input: Partial<TenantSpecInput> = {}): TenantSpec {
  const parsed = parseTenantSpec({ ...TEAM_A, ...input });
  if (!parsed.success) {
    throw new Error(JSON.stringify(parsed.issues));
  }
  return parsed.data;
}

/** A tenant as the store returns it once onboarding finished. */
export function readyTenant(input: Partial<TenantSpecInput> = {}): Tenant {
  const tenantSpec = spec(input);
  const cluster = testSettings().clusters[0];
  const base = `s3://${cluster.assetsBucket}/tenants/${tenantSpec.name}/${TEST_UID}/`;
  return {
    uid: TEST_UID,
    name: tenantSpec.name,
    spec: tenantSpec,
    generation: 1,
    createdAt: '2026-11-01T00:00:00.000Z',
    createdBy: 'user:default/alice',
    updatedAt: '2026-11-01T00:00:00.000Z',
    status: {
      phase: 'Ready',
      observedGeneration: 1,
      namespace: tenantSpec.namespace,
      virtualClusterId: 'vc0123456789abcdefghijklm',
      executionRoleArn: `arn:aws:iam::${TEST_ACCOUNT_ID}:role/emr-tenant-${tenantSpec.name}`,
      logGroupName: `/emr-on-eks/shared/${tenantSpec.name}`,
      assetsPrefix: base,
      podTemplates: {
        driver: `${base}pod-templates/standard/driver.yaml`,
        executor: `${base}pod-templates/standard/executor-spot.yaml`,
        executorOnDemand: `${base}pod-templates/standard/executor-on-demand.yaml`,
      },
      steps: [],
    },
  };
}

/** The issue's example job-run request. */
export const DAILY_SALES: JobRunRequestInput & {
  executor: NonNullable<JobRunRequestInput['executor']>;
} = {
  name: 'daily-sales',
  entryPoint: 's3://data-lake/team-a/jobs/sales.py',
  entryPointArguments: ['--date', '2026-11-20'],
  releaseLabel: 'emr-7.5.0-latest',
  driver: { cores: 2, memory: '4g' },
  executor: { cores: 4, memory: '16g', minExecutors: 2, maxExecutors: 20 },
  spot: true,
  priorityTier: 'standard',
  sparkConf: { 'spark.sql.shuffle.partitions': '400' },
  entityRef: 'component:default/daily-sales',
  idempotencyKey: 'daily-sales-2026-11-20',
};

export function jobRequest(input: Record<string, unknown> = {}): JobRunRequest {
  const parsed = parseJobRunRequest({ ...DAILY_SALES, ...input });
  if (!parsed.success) {
    throw new Error(JSON.stringify(parsed.issues));
  }
  return parsed.data;
}

/**
 * The test organisation's groups (team-c has no tenant yet), and catalog
 * components of the test tenants, annotated with their tenant.
 */
export const CATALOG_ENTITIES: Entity[] = [
  ...['team-a', 'team-b', 'team-c'].map(
    (name): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name, namespace: 'default' },
      spec: { type: 'team', children: [] },
    }),
  ),
  ...[
    ['daily-sales', 'team-a'],
    ['hourly-clicks', 'team-b'],
    ['unannotated', undefined],
  ].map(
    ([name, tenant]): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: name!,
        namespace: 'default',
        ...(tenant
          ? { annotations: { [ANNOTATION_EMR_ON_EKS_TENANT]: tenant } }
          : {}),
      },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: `group:default/${tenant ?? 'nobody'}`,
      },
    }),
  ),
];
