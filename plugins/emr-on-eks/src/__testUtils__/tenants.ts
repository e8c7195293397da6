import { Tenant } from '@spot-spark/plugin-emr-on-eks-common';

/** A Ready tenant with every step done. */
export function aTenant(overrides: Partial<Tenant> = {}): Tenant {
  const name = overrides.name ?? 'team-a';
  const steps = [
    'kubernetes-objects',
    'iam-role',
    'pod-templates',
    'log-group',
    'virtual-cluster',
  ] as const;
  return {
    uid: `uid-${name}`,
    name,
    generation: 1,
    createdAt: '2026-11-01T00:00:00.000Z',
    createdBy: 'user:default/alice',
    updatedAt: '2026-11-01T00:00:00.000Z',
    spec: {
      name,
      owner: `group:default/${name}`,
      cluster: 'shared',
      namespace: name,
      quota: { 'requests.cpu': '32', 'requests.memory': '128Gi' },
      limitRange: {
        max: { cpu: '8', memory: '64Gi' },
        min: { cpu: '100m', memory: '64Mi' },
        default: { cpu: '1', memory: '2Gi' },
        defaultRequest: { cpu: '500m', memory: '1Gi' },
      },
      network: { egressCidrs: [] },
      dataAccess: [],
      priorityTier: 'standard',
      logRetentionDays: 30,
      releaseLabel: 'emr-7.5.0-latest',
      podSecurity: 'baseline',
    },
    status: {
      phase: 'Ready',
      observedGeneration: 1,
      namespace: name,
      virtualClusterId: 'vc123',
      executionRoleArn: `arn:aws:iam::123456789012:role/emr-tenant-${name}`,
      logGroupName: `/emr-on-eks/shared/${name}`,
      assetsPrefix: `s3://shared-emr-assets/tenants/${name}/uid-${name}/`,
      lastReconciledAt: '2026-11-01T00:01:00.000Z',
      steps: steps.map(step => ({
        name: step,
        state: 'Succeeded' as const,
        message: 'up to date',
        generation: 1,
        updatedAt: '2026-11-01T00:01:00.000Z',
      })),
    },
    ...overrides,
  };
}
