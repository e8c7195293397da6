import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';

/**
 * Every default of the `emrOnEks` settings that code outside the schemas
 * also falls back to (a gateway built without settings, in tests): one
 * place, so a default cannot differ between the config and a gateway.
 */
export const DEFAULTS = {
  /** How long an AWS API call may wait for a connection. */
  awsConnectTimeoutSeconds: 5,
  /** Each AWS API call's time limit (the SDK's retries have their own). */
  awsRequestTimeoutSeconds: 30,
  /** Each Kubernetes API call's time limit, discovery included. */
  kubernetesRequestTimeoutSeconds: 30,
  /** EMR `job-start-timeout`: how long a run may wait for capacity. */
  jobStartTimeoutSeconds: 900,
  /** Each git command's time limit in gitops repository mode. */
  gitCommandTimeoutSeconds: 120,
  /** The session name of a cluster's assumed role (CloudTrail shows it). */
  awsSessionName: 'backstage-emr-on-eks',
  /** Each Athena query's time limit. */
  athenaQueryTimeoutSeconds: 600,
} as const;

/** The schedules' defaults, each overridable under its `schedule` key. */
export const DEFAULT_SCHEDULES: Record<
  'reconcile' | 'jobSync' | 'costs',
  SchedulerServiceTaskScheduleDefinition
> = {
  reconcile: {
    frequency: { minutes: 10 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 15 },
  },
  jobSync: {
    frequency: { minutes: 1 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 30 },
  },
  costs: {
    frequency: { hours: 1 },
    timeout: { minutes: 15 },
    initialDelay: { seconds: 20 },
  },
};
