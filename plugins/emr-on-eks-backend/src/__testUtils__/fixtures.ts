import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import {
  parseTenantSpec,
  TenantSpec,
  TenantSpecInput,
} from '@spot-spark/plugin-emr-on-eks-common';
import { EmrOnEksSettings, readEmrOnEksSettings } from '../config';

/** moto's default account. */
export const TEST_ACCOUNT_ID = '123456789012';
export const TEST_OIDC_ISSUER = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';

/** The `emrOnEks` config block of the tests, as a user would write it. */
export function testConfig(overrides: {
  endpoint?: string;
  kubernetes?: JsonObject;
  region?: string;
  iam?: JsonObject;
} = {}): JsonObject {
  return {
    emrOnEks: {
      ...(overrides.endpoint ? { aws: { endpoint: overrides.endpoint } } : {}),
      iam: { roleNamePrefix: 'emr-tenant-', ...overrides.iam },
      clusters: [
        {
          name: 'shared',
          accountId: TEST_ACCOUNT_ID,
          region: overrides.region ?? 'us-east-1',
          eksClusterName: 'shared-data',
          oidcIssuer: `https://${TEST_OIDC_ISSUER}`,
          capacityTypeLabel: 'eks.amazonaws.com/capacityType',
          podTemplateBucket: 'shared-data-emr-assets',
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

export function spec(input: Partial<TenantSpecInput> = {}): TenantSpec {
  const parsed = parseTenantSpec({ ...TEAM_A, ...input });
  if (!parsed.success) {
    throw new Error(JSON.stringify(parsed.issues));
  }
  return parsed.data;
}
