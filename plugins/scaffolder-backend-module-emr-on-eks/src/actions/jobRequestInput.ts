import {
  formatIssues,
  JobRunRequestInput,
  parseJobRunRequest,
  PRIORITY_TIERS,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { Zod } from './zod';

/**
 * A job-run request as action input, in the scaffolder's zod: typed and
 * described for the template editor. The backend's schema (the one its API
 * uses) decides what is valid, with the tenant's limits on top.
 */
export const jobRequestInputSchema = (z: Zod) =>
  z
    .object({
      name: z
        .string()
        .describe('Job name in EMR (letters, digits and . - _ / #)'),
      entryPoint: z
        .string()
        .describe(
          "The application: an S3 object inside the tenant's prefixes, or local:///path in the image",
        ),
      entryPointArguments: z.array(z.string()).optional(),
      mainClass: z
        .string()
        .optional()
        .describe('Main class of a jar application; leave out for PySpark'),
      releaseLabel: z.string().optional(),
      driver: z
        .object({ cores: z.number().optional(), memory: z.string().optional() })
        .optional()
        .describe('Driver cores and memory (2g); the driver runs On-Demand'),
      executor: z
        .object({
          cores: z.number().optional(),
          memory: z.string().optional(),
          instances: z.number().optional(),
          minExecutors: z.number().optional(),
          maxExecutors: z.number().optional(),
          localStorage: z.string().optional(),
        })
        .optional()
        .describe(
          'Executor cores, memory, count (fixed instances, or a min/max range for dynamic allocation) and local disk (50Gi)',
        ),
      spot: z
        .boolean()
        .optional()
        .describe('Executors on Spot (default) or On-Demand'),
      priorityTier: z.enum(PRIORITY_TIERS).optional(),
      sparkConf: z.record(z.string()).optional(),
      entityRef: z
        .string()
        .optional()
        .describe('Catalog entity of the job (component:default/daily-sales)'),
      tags: z.record(z.string()).optional(),
    })
    .strict()
    .describe('The job run, as POST /tenants/:name/job-runs takes it');

/**
 * Checks a request with the backend's own rules (no call), for dry runs;
 * the tenant's limits are the backend's to check.
 */
export function checkJobRequest(job: JobRunRequestInput): void {
  const parsed = parseJobRunRequest(job);
  if (!parsed.success) {
    throw new Error(`Invalid job run: ${formatIssues(parsed.issues)}`);
  }
}

/** The input `job:submit` and `spark:config` share: a job for a tenant. */
export const tenantJobInputSchema = {
  tenant: (z: Zod) => z.string().describe('Tenant name'),
  job: jobRequestInputSchema,
};
