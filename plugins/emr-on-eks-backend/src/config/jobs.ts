import { z } from 'zod';
import { DEFAULTS } from './defaults';

/* emrOnEks.jobs: defaults of the job runs the plugin composes, and the sync. */

export const jobsSchema = z.object({
  storageClass: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, {
      message: 'must be a Kubernetes StorageClass name',
    })
    .default('gp3'),
  localStorage: z
    .string()
    .regex(/^[1-9]\d{0,5}Gi$/, { message: 'must be a size in Gi, like 50Gi' })
    .default('50Gi'),
  startTimeoutSeconds: z
    .number()
    .int()
    .min(60)
    .max(86400)
    .default(DEFAULTS.jobStartTimeoutSeconds),
  sync: z
    .object({
      initialLookbackDays: z.number().int().min(1).max(365).default(30),
      safetyMarginSeconds: z.number().int().min(0).max(86400).default(300),
    })
    .prefault({}),
  logs: z
    .object({
      maxPageCharacters: z
        .number()
        .int()
        .min(1000)
        .max(5_000_000)
        .default(262_144),
      maxStreams: z.number().int().min(10).max(20_000).default(2000),
    })
    .prefault({}),
});

/** Defaults of composed job runs and of the job-run sync. */
export type JobSettings = z.output<typeof jobsSchema>;
