import { z } from 'zod';
import { PRIORITY_TIERS, PriorityTier, releaseLabelSchema } from './tenant';
import {
  entityRefSchema,
  FieldIssue,
  ParseResult,
  zodIssues,
} from './validation';

/*
 * A job-run request: the short description of a Spark job that the backend
 * turns into a Spot-ready, validated StartJobRun.
 */

/** Job run states as EMR reports them, plus SUBMITTING (recorded, not yet accepted by EMR). @public */
export const JOB_RUN_STATES = [
  'SUBMITTING',
  'PENDING',
  'SUBMITTED',
  'RUNNING',
  'COMPLETED',
  'FAILED',
  'CANCEL_PENDING',
  'CANCELLED',
] as const;
/** State of a job run; see {@link JOB_RUN_STATES}. @public */
export type JobRunState = (typeof JOB_RUN_STATES)[number];

/** States after which a run never changes again. @public */
export const TERMINAL_JOB_RUN_STATES: ReadonlyArray<JobRunState> = [
  'COMPLETED',
  'FAILED',
  'CANCELLED',
];

/**
 * True when a run in this state never changes again (one of
 * {@link TERMINAL_JOB_RUN_STATES}).
 *
 * @public
 */
export function isTerminalJobRunState(state: string): boolean {
  return (TERMINAL_JOB_RUN_STATES as readonly string[]).includes(state);
}

/** `4g`, `512m`, `16G`: a Spark/JVM memory size. @public */
export const SPARK_MEMORY_PATTERN = /^[1-9]\d{0,6}[kmgtKMGT]$/;

/**
 * Parses a Spark memory size (`512m`, `4g`) into MiB. Spark requires a unit
 * for the sizes this plugin sets, so a bare number is refused.
 *
 * @public
 */
export function sparkMemoryToMiB(text: string): number | undefined {
  if (!SPARK_MEMORY_PATTERN.test(text)) {
    return undefined;
  }
  const value = Number(text.slice(0, -1));
  const unit = text.slice(-1).toLowerCase();
  const factors: Record<string, number> = {
    k: 1 / 1024,
    m: 1,
    g: 1024,
    t: 1024 * 1024,
  };
  return value * factors[unit];
}

const sparkMemory = z.string().regex(SPARK_MEMORY_PATTERN, {
  message: 'must be a Spark memory size with a unit, like 512m or 4g',
});

const cores = z
  .number()
  .int({ message: 'must be a whole number of cores' })
  .min(1, { message: 'must be at least 1' })
  .max(64, { message: 'must be at most 64' });

const s3OrLocalPath = z
  .string()
  .max(2048)
  .regex(/^(s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/\S+|local:\/\/\/\S+)$/, {
    message:
      'must be an S3 object (s3://bucket/key) or a file in the image (local:///path)',
  });

/**
 * The request accepted by `POST /tenants/:name/job-runs`.
 *
 * @public
 */
export const jobRunRequestSchema = z
  .object({
    /** EMR job names allow letters, digits and . - _ / #. */
    name: z
      .string()
      .min(1, { message: 'must not be empty' })
      .max(64, { message: 'must be at most 64 characters' })
      .regex(/^[.\-_/#A-Za-z0-9]+$/, {
        message: 'may contain only letters, digits and . - _ / #',
      }),
    entryPoint: s3OrLocalPath,
    entryPointArguments: z
      .array(
        z.string().max(10240, { message: 'must be at most 10240 characters' }),
      )
      .max(200, { message: 'must have at most 200 arguments' })
      .default([]),
    /** Main class of a jar application; leave out for PySpark. */
    mainClass: z
      .string()
      .max(1024, { message: 'must be at most 1024 characters' })
      .regex(/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/, {
        message: 'must be a Java class name like com.example.Main',
      })
      .optional(),
    releaseLabel: releaseLabelSchema.optional(),
    driver: z
      .object({ cores: cores.default(1), memory: sparkMemory.default('2g') })
      .strict()
      .default({ cores: 1, memory: '2g' }),
    executor: z
      .object({
        cores: cores.default(2),
        memory: sparkMemory.default('4g'),
        /** Fixed number of executors; leave out to use dynamic allocation. */
        instances: z.number().int().min(1).max(1000).optional(),
        minExecutors: z.number().int().min(0).max(1000).optional(),
        maxExecutors: z.number().int().min(1).max(1000).optional(),
        /** Size of each executor's reusable local disk (PVC). */
        localStorage: z
          .string()
          .regex(/^[1-9]\d{0,5}Gi$/, {
            message: 'must be a size in Gi, like 50Gi',
          })
          .optional(),
      })
      .strict()
      .default({ cores: 2, memory: '4g' }),
    /** Executors on Spot (the default) or On-Demand; the driver is always On-Demand. */
    spot: z.boolean().default(true),
    priorityTier: z.enum(PRIORITY_TIERS).optional(),
    sparkConf: z
      .record(
        z
          .string()
          .max(256, {
            message: 'Spark configuration keys have at most 256 characters',
          })
          .regex(/^spark\.[A-Za-z0-9._/-]+$/, {
            message: 'Spark configuration keys start with spark.',
          }),
        z.string().max(4096, { message: 'must be at most 4096 characters' }),
      )
      .refine(conf => Object.keys(conf).length <= 200, {
        message: 'must have at most 200 keys',
      })
      .default({}),
    /**
     * The catalog entity the job belongs to, like component:default/daily-sales;
     * validated by the catalog's rules and normalised as the catalog compares
     * refs (lower case, namespace filled in).
     */
    entityRef: entityRefSchema({
      example: 'component:default/daily-sales',
    }).optional(),
    /** At most one run per tenant and key; a retry with the same key returns it. */
    idempotencyKey: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,64}$/, {
        message: 'must be 1-64 letters, digits and . _ : -',
      })
      .optional(),
    tags: z
      .record(
        z.string().regex(/^[\w.:/=+\-@]{1,128}$/, {
          message: 'tag keys are 1-128 letters, digits and _ . : / = + - @',
        }),
        z.string().regex(/^[\w.:/=+\-@ ]{0,256}$/, {
          message:
            'tag values are at most 256 letters, digits, spaces and _ . : / = + - @',
        }),
      )
      .refine(tags => Object.keys(tags).length <= 40, {
        message:
          'must have at most 40 tags (EMR allows 50, the plugin sets some)',
      })
      .default({}),
    /**
     * How many times EMR starts the driver again after it fails (0: never);
     * at most the cluster's `guardrails.maxRetries`.
     */
    retries: z
      .number()
      .int({ message: 'must be a whole number' })
      .min(0, { message: 'must be 0 or more' })
      .max(10, { message: 'must be at most 10' })
      .default(0),
  })
  .strict();

/**
 * A job-run request as clients send it: the input of
 * {@link jobRunRequestSchema}, before defaults are applied.
 *
 * @public
 */
export type JobRunRequestInput = z.input<typeof jobRunRequestSchema>;

/** A validated job-run request with its defaults. @public */
export interface JobRunRequest {
  /** Job name in EMR: letters, digits and . - _ / #. */
  name: string;
  /** The application: an S3 object (`s3://bucket/key`) or a file in the image (`local:///path`). */
  entryPoint: string;
  /** Arguments passed to the application. */
  entryPointArguments: string[];
  /** Main class of a jar application; absent for PySpark. */
  mainClass?: string;
  /** EMR release label; the tenant's when absent. */
  releaseLabel?: string;
  /** Driver cores and Spark memory size (`2g`). */
  driver: { cores: number; memory: string };
  /**
   * Executor cores, memory and count: a fixed number of `instances`, or a
   * dynamic-allocation range; `localStorage` sizes each executor's local disk.
   */
  executor: {
    cores: number;
    memory: string;
    instances?: number;
    minExecutors?: number;
    maxExecutors?: number;
    localStorage?: string;
  };
  /** Executors on Spot (true) or On-Demand; the driver is always On-Demand. */
  spot: boolean;
  /** Priority tier of the run; the tenant's when absent, and never above it. */
  priorityTier?: PriorityTier;
  /** Extra Spark configuration (`spark.*` keys). */
  sparkConf: Record<string, string>;
  /** Full ref of the catalog entity the job belongs to (`component:default/daily-sales`). */
  entityRef?: string;
  /** At most one run per tenant and key; a retry with the same key returns it. */
  idempotencyKey?: string;
  /** Tags put on the EMR job run, next to the plugin's own. */
  tags: Record<string, string>;
  /** Driver restarts EMR makes after a failure (`retryPolicyConfiguration.maxAttempts` is this + 1). */
  retries: number;
}

/**
 * Validates a job-run request on its own (the tenant's limits are checked by
 * the backend): field formats, and either fixed `instances` or a min/max range.
 *
 * @public
 */
export function parseJobRunRequest(input: unknown): ParseResult<JobRunRequest> {
  const parsed = jobRunRequestSchema.safeParse(input);
  if (!parsed.success) {
    return { success: false, issues: zodIssues(parsed.error) };
  }
  const request = parsed.data as JobRunRequest;
  const issues: FieldIssue[] = [];
  const { instances, minExecutors, maxExecutors } = request.executor;
  if (
    instances !== undefined &&
    (minExecutors !== undefined || maxExecutors !== undefined)
  ) {
    issues.push({
      path: 'executor.instances',
      message:
        'give either a fixed number of instances or minExecutors/maxExecutors, not both',
    });
  }
  if (
    minExecutors !== undefined &&
    maxExecutors !== undefined &&
    minExecutors > maxExecutors
  ) {
    issues.push({
      path: 'executor.minExecutors',
      message: `minExecutors (${minExecutors}) is above maxExecutors (${maxExecutors})`,
    });
  }
  return issues.length > 0
    ? { success: false, issues }
    : { success: true, data: request };
}

/** Resources a run asks for, at its largest. @public */
export interface RequestedResources {
  /** Driver cores and memory in MiB, overhead included. */
  driver: { cores: number; memoryMiB: number };
  /** Cores and memory in MiB of each executor, overhead included. */
  executor: { cores: number; memoryMiB: number };
  /** Executors at the start (fixed count, or dynamic allocation's minimum). */
  minExecutors: number;
  /** Executors at most (fixed count, or dynamic allocation's maximum). */
  maxExecutors: number;
  /** Spark cores and memory (with overhead) of driver + maxExecutors executors. */
  maxCores: number;
  /** Memory in MiB (with overhead) of driver + maxExecutors executors. */
  maxMemoryMiB: number;
}

/** A job run as the REST API returns it. @public */
export interface JobRun {
  /** This plugin's id of the run (stable from submission on). */
  id: string;
  /** Name of the tenant the run belongs to. */
  tenant: string;
  /** Uid of the tenant the run belongs to (see `Tenant.uid`). */
  tenantUid: string;
  /** EMR virtual cluster the run was submitted to. */
  virtualClusterId: string;
  /** EMR's job run id, once EMR accepted the run. */
  emrJobRunId?: string;
  /** ARN of the EMR job run, once EMR accepted the run. */
  arn?: string;
  /** Job name. */
  name: string;
  /** Current state, as last seen in EMR. */
  state: JobRunState;
  /** EMR's details on the state, such as why a run failed. */
  stateDetails?: string;
  /** EMR's failure reason of a failed run (for example `USER_ERROR`). */
  failureReason?: string;
  /** When the run was created (ISO 8601). */
  createdAt: string;
  /** When the run reached a terminal state (ISO 8601). */
  finishedAt?: string;
  /** When this record last changed (ISO 8601). */
  updatedAt: string;
  /** EMR release label the run uses. */
  releaseLabel: string;
  /** Full ref of the catalog entity the job belongs to. */
  entityRef?: string;
  /** Who submitted the run, when known. */
  submittedBy?: string;
  /** Whether executors run on Spot; unknown for runs started outside Backstage. */
  spot?: boolean;
  /** The idempotency key the run was submitted with. */
  idempotencyKey?: string;
  /** `backstage` for runs submitted here, `external` for runs found by the sync. */
  source: 'backstage' | 'external';
  /** Resources the run asks for; known for runs submitted through Backstage. */
  requested?: RequestedResources;
  /**
   * The request as submitted (defaults filled in), for runs submitted through
   * Backstage; only on `GET /job-runs/:id`, not in lists. Re-run it with a new
   * idempotency key.
   */
  request?: JobRunRequest;
  /** The StartJobRun input sent to EMR; only on `GET /job-runs/:id`. */
  startJobRun?: Record<string, unknown>;
  /** Driver attempts EMR may make (`retryPolicyConfiguration.maxAttempts`); absent when 1. */
  maxAttempts?: number;
  /** Driver attempts EMR has made so far (`retryPolicyExecution.currentAttemptCount`). */
  attempts?: number;
  /** Who cancelled the run through Backstage, when someone did. */
  cancelledBy?: string;
  /**
   * Every state the run passed through, oldest first, as Backstage saw it
   * (submission, sync and EMR events); only on `GET /job-runs/:id`.
   */
  history?: JobRunStateChange[];
}

/** One state a run passed through. @public */
export interface JobRunStateChange {
  /** The state the run entered. */
  state: JobRunState;
  /** When Backstage learned of it (ISO 8601); EMR's own time when an event carried one. */
  at: string;
  /** Driver attempt the state belongs to (1 for the first), when known. */
  attempt?: number;
  /** How Backstage learned of it. */
  source: 'submit' | 'sync' | 'event' | 'cancel';
  /** Who caused it, for submissions and cancels through Backstage (a user entity ref). */
  by?: string;
  /** EMR's details on the state, such as why an attempt failed. */
  details?: string;
}

/** A page of job runs, newest first. @public */
export interface JobRunPage {
  /** The runs of this page. */
  items: JobRun[];
  /** Pass as `cursor` to get the next page; absent on the last page. */
  nextCursor?: string;
}
