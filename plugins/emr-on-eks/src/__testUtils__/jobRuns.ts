import { JobRun } from '@spot-spark/plugin-emr-on-eks-common';

/** A run as the list returns it (no request, no StartJobRun). */
export function aRun(overrides: Partial<JobRun> = {}): JobRun {
  const id = overrides.id ?? 'run-1';
  return {
    id,
    tenant: 'team-a',
    tenantUid: 'uid-team-a',
    virtualClusterId: 'vc123',
    emrJobRunId: `emr${id.replace(/[^a-z0-9]/g, '')}`,
    arn: `arn:aws:emr-containers:eu-west-1:123456789012:/virtualclusters/vc123/jobruns/emr${id.replace(
      /[^a-z0-9]/g,
      '',
    )}`,
    name: 'daily-sales',
    state: 'COMPLETED',
    createdAt: '2026-11-20T10:00:00.000Z',
    finishedAt: '2026-11-20T10:05:00.000Z',
    updatedAt: '2026-11-20T10:05:00.000Z',
    releaseLabel: 'emr-7.5.0-latest',
    entityRef: 'component:default/daily-sales',
    submittedBy: 'user:default/alice',
    spot: true,
    idempotencyKey: 'daily-sales-2026-11-20',
    source: 'backstage',
    requested: {
      driver: { cores: 2, memoryMiB: 5735 },
      executor: { cores: 4, memoryMiB: 22938 },
      minExecutors: 2,
      maxExecutors: 10,
      maxCores: 42,
      maxMemoryMiB: 235115,
    },
    ...overrides,
  };
}
