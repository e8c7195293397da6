import {
  LoggerService,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { z } from 'zod';
import { clusterSchema } from './clusters';
import { costsSchema } from './costs';
import { DEFAULT_SCHEDULES, DEFAULTS } from './defaults';
import { jobsSchema } from './jobs';
import { notificationsSchema } from './notifications';

/*
 * emrOnEks: the whole settings schema, and reading it at start-up. Each part
 * has its module (clusters, kubernetes, guardrails, jobs, costs); the types
 * are the schemas' outputs, and config.d.ts declares the same keys (a test
 * keeps the two in step).
 */

export const settingsSchema = z.object({
  aws: z
    .object({
      endpoint: z.string().url().optional(),
      /** Time limits of each AWS API call (retries have their own). */
      connectTimeoutSeconds: z
        .number()
        .int()
        .min(1)
        .max(60)
        .default(DEFAULTS.awsConnectTimeoutSeconds),
      requestTimeoutSeconds: z
        .number()
        .int()
        .min(1)
        .max(600)
        .default(DEFAULTS.awsRequestTimeoutSeconds),
    })
    .prefault({}),
  iam: z
    .object({
      roleNamePrefix: z
        .string()
        .regex(/^[\w+=,.@-]{0,40}$/, {
          message:
            'must be at most 40 characters of letters, digits and +=,.@-_ (it is part of an IAM role name)',
        })
        .default('emr-tenant-'),
      rolePath: z
        .string()
        .regex(/^\/([\x21-\x7e]+\/)?$/, {
          message: 'must be an IAM path like / or /emr-on-eks/',
        })
        .default('/'),
      permissionsBoundaryArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:iam::\d{12}:policy\/.+$/, {
          message: 'must be an IAM policy ARN',
        })
        .optional(),
    })
    .default({ roleNamePrefix: 'emr-tenant-', rolePath: '/' }),
  jobs: jobsSchema.prefault({}),
  clusterPreflight: z
    .object({
      onboarding: z.enum(['refuse', 'warn', 'off']).default('refuse'),
      cacheSeconds: z.number().int().min(0).max(3600).default(60),
    })
    .strict()
    .prefault({}),
  notifications: notificationsSchema,
  // The schedule is read by the scheduler's own reader below.
  costs: costsSchema.optional(),
  clusters: z
    .array(clusterSchema)
    .min(1, { message: 'must list at least one cluster' })
    .superRefine((clusters, ctx) => {
      const seen = new Set<string>();
      clusters.forEach((cluster, index) => {
        if (seen.has(cluster.name)) {
          ctx.addIssue({
            code: 'custom',
            path: [index, 'name'],
            message: `duplicate cluster name ${cluster.name}`,
          });
        }
        seen.add(cluster.name);
      });
    }),
});

/** Validated `emrOnEks` configuration, with the schedules read by Backstage's own reader. */
export type EmrOnEksSettings = z.output<typeof settingsSchema> & {
  reconcileSchedule: SchedulerServiceTaskScheduleDefinition;
  jobSyncSchedule: SchedulerServiceTaskScheduleDefinition;
  costSchedule: SchedulerServiceTaskScheduleDefinition;
};

/**
 * Reads and validates the `emrOnEks` configuration. Throws at start-up with
 * every problem, each naming its key, so a bad config never half-works.
 * Deprecated keys that are still read are reported through `logger`.
 */
export function readEmrOnEksSettings(
  config: Config,
  options: { logger?: Pick<LoggerService, 'warn'> } = {},
): EmrOnEksSettings {
  const root = config.getOptionalConfig('emrOnEks');
  if (!root) {
    throw new Error(
      'Missing required config value at emrOnEks: configure at least emrOnEks.clusters (see the plugin README)',
    );
  }
  const raw = root.get();
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(issue => {
      const key = ['emrOnEks', ...issue.path]
        .map(part =>
          typeof part === 'number' ? `[${part}]` : `.${String(part)}`,
        )
        .join('')
        .slice(1);
      const given = issue.path.reduce<unknown>(
        (value, part) =>
          (value as Record<PropertyKey, unknown> | undefined)?.[part],
        raw,
      );
      const message =
        given === undefined && issue.code !== 'custom'
          ? 'is required'
          : issue.message;
      return `${key.replace(/\.\[/g, '[')} ${message}`;
    });
    throw new Error(`Invalid emrOnEks configuration: ${problems.join('; ')}`);
  }
  (raw as { clusters?: unknown[] }).clusters?.forEach((cluster, index) => {
    if ((cluster as Record<string, unknown>)?.podTemplateBucket !== undefined) {
      options.logger?.warn(
        `emrOnEks.clusters[${index}].podTemplateBucket is deprecated: rename it to assetsBucket (the bucket holds pod templates, logs, Spark fallback storage and scratch)`,
      );
    }
  });
  const schedule = (
    key: string,
    fallback: SchedulerServiceTaskScheduleDefinition,
  ) => {
    const scheduleConfig = root.getOptionalConfig(key);
    return scheduleConfig
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig)
      : fallback;
  };
  return {
    ...parsed.data,
    reconcileSchedule: schedule(
      'reconcile.schedule',
      DEFAULT_SCHEDULES.reconcile,
    ),
    jobSyncSchedule: schedule('jobs.sync.schedule', DEFAULT_SCHEDULES.jobSync),
    costSchedule: schedule('costs.schedule', DEFAULT_SCHEDULES.costs),
  };
}
