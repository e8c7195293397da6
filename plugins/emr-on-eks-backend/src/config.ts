import {
  LoggerService,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import path from 'node:path';
import { z } from 'zod';
import { costsSchema, type CostSettings } from './costsConfig';
import { emrReleaseImageRepositories } from './domain/emrReleaseImages';
import { guardrailsSchema } from './guardrailsConfig';

/** Capacity-type label values of the two node provisioners EKS users run. */
const KNOWN_CAPACITY_LABELS: Record<
  string,
  { onDemand: string; spot: string }
> = {
  'eks.amazonaws.com/capacityType': { onDemand: 'ON_DEMAND', spot: 'SPOT' },
  'karpenter.sh/capacity-type': { onDemand: 'on-demand', spot: 'spot' },
};

/** URL schemes the Git CLI is allowed to use for a gitops repository. */
const GIT_URL_SCHEMES = ['https:', 'http:', 'ssh:', 'file:'];

const gitRepositorySchema = z
  .object({
    url: z.string().superRefine((url, ctx) => {
      const problem = gitUrlProblem(url);
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem });
      }
    }),
    branch: z
      .string()
      .regex(
        /^(?![-./])(?!.*\.\.)(?!.*\/\/)(?!.*\/[.])(?!.*@\{)(?!.*\.lock(\/|$))(?!.*[./]$)[A-Za-z0-9._/-]+$/,
        { message: 'must be a Git branch name, like main or gitops/emr' },
      )
      .default('main'),
    path: z
      .string()
      .default('.')
      .transform(p => path.posix.normalize(p).replace(/(.)\/$/, '$1'))
      .refine(
        p =>
          !p.startsWith('/') &&
          !p.split('/').some(part => part === '..' || part === '.git'),
        {
          message:
            'must be a relative directory inside the repository (no .. or .git), like . or clusters/analytics',
        },
      ),
    author: z
      .object({
        name: z
          .string()
          .regex(/^[^<>\n]+$/, {
            message: 'must be a name without <, > or line breaks',
          })
          .default('Backstage EMR on EKS'),
        email: z
          .string()
          .regex(/^[^\s<>@]+@[^\s<>@]+$/, {
            message: 'must be an email address',
          })
          .default('emr-on-eks@backstage.invalid'),
      })
      .prefault({}),
    auth: z
      .object({
        /** Basic-auth user name; most hosts take any with a token. */
        username: z
          .string()
          .regex(/^[^:\s]+$/, { message: 'must not contain : or spaces' })
          .default('x-access-token'),
        token: z.string().min(1, { message: 'is required' }),
      })
      .optional(),
    /** The plugin's own clone; default under the OS temporary directory. */
    workdir: z.string().min(1).optional(),
    maxPushAttempts: z.number().int().min(1).max(20).default(5),
    timeoutSeconds: z.number().int().min(5).max(3600).default(120),
  })
  .superRefine((repository, ctx) => {
    const scheme = parseUrl(repository.url)?.protocol;
    if (
      repository.auth &&
      scheme !== undefined &&
      scheme !== 'https:' &&
      scheme !== 'http:'
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['auth'],
        message: `applies to https:// and http:// URLs only; ${scheme}// URLs use what the backend's environment provides (SSH keys, file permissions)`,
      });
    }
  });

/** Where gitops mode commits: a Git repository's branch and path. */
export type GitRepositorySettings = z.output<typeof gitRepositorySchema>;

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** Why `url` may not be a gitops repository URL, or undefined. */
function gitUrlProblem(url: string): string | undefined {
  const parsed = parseUrl(url);
  if (!parsed) {
    return /^[^/:@]+@[^/:]+:/.test(url)
      ? 'must be a URL: write the scp-like form user@host:path as ssh://user@host/path'
      : 'must be a URL (https://, http://, ssh:// or file://)';
  }
  if (!GIT_URL_SCHEMES.includes(parsed.protocol)) {
    return `must be an https://, http://, ssh:// or file:// URL, not ${parsed.protocol}//`;
  }
  // Never echo the URL here: it may hold the very secret being refused.
  if (parsed.password || (parsed.username && parsed.protocol !== 'ssh:')) {
    return 'must not contain credentials: put the token in kubernetes.repository.auth.token (a secret) instead';
  }
  if (parsed.protocol !== 'file:' && !parsed.hostname) {
    return 'must name a host';
  }
  return undefined;
}

/** gitops mode: into a plain directory, or a Git repository's branch. */
export type GitOpsSettings =
  | { mode: 'gitops'; directory: string }
  | { mode: 'gitops'; repository: GitRepositorySettings };

const gitopsSchema = z
  .object({
    mode: z.literal('gitops'),
    directory: z.string().min(1).optional(),
    repository: gitRepositorySchema.optional(),
  })
  .transform((kubernetes, ctx): GitOpsSettings => {
    const { mode, directory, repository } = kubernetes;
    if (directory !== undefined && repository !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['repository'],
        message:
          'and kubernetes.directory are exclusive in gitops mode: set directory to write a plain directory, or repository to commit into a Git repository',
      });
      return z.NEVER;
    }
    if (repository !== undefined) {
      return { mode, repository };
    }
    if (directory !== undefined) {
      return { mode, directory };
    }
    ctx.addIssue({
      code: 'custom',
      path: ['directory'],
      message:
        'is required in gitops mode (or kubernetes.repository, to commit into a Git repository)',
    });
    return z.NEVER;
  });

const kubernetesSchema = z.discriminatedUnion('mode', [
  gitopsSchema,
  z
    .object({
      mode: z.literal('direct'),
      url: z.string().url().optional(),
      caData: z.string().optional(),
      /** `aws`: EKS tokens made from the backend's AWS credentials. */
      authProvider: z.enum(['token', 'aws']).default('token'),
      token: z.string().optional(),
      kubeconfig: z.string().optional(),
      context: z.string().optional(),
      skipTLSVerify: z.boolean().optional(),
      /** Each Kubernetes API call's time limit. */
      requestTimeoutSeconds: z.number().int().min(1).max(600).default(30),
    })
    .refine(k => k.url !== undefined || k.kubeconfig !== undefined, {
      message:
        'direct mode needs url (with token or authProvider aws) or kubeconfig',
    })
    .refine(
      k =>
        k.kubeconfig !== undefined ||
        k.authProvider === 'aws' ||
        k.token !== undefined,
      {
        message:
          'direct mode with url needs a token, or authProvider: aws to use EKS tokens from the AWS credentials',
      },
    ),
]);

const bucketName = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
  message: 'must be an S3 bucket name',
});

const clusterSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
      message: 'must be lowercase letters, digits and -',
    }),
    accountId: z
      .union([z.string(), z.number()])
      .transform(String)
      .refine(id => /^\d{12}$/.test(id), {
        message: 'must be a 12-digit AWS account id (quote it in YAML)',
      }),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, {
      message: 'must be an AWS region like us-east-1',
    }),
    eksClusterName: z.string().regex(/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/, {
      message: 'must be an EKS cluster name',
    }),
    oidcIssuer: z
      .string()
      .transform(issuer => issuer.replace(/^https:\/\//, '').replace(/\/$/, ''))
      .refine(issuer => /^[a-z0-9.-]+(\/[A-Za-z0-9._-]+)*$/.test(issuer), {
        message:
          'must be the cluster OIDC issuer, like oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE',
      }),
    capacityTypeLabel: z
      .string()
      .regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9._-]+$/, {
        message: 'must be a node label key',
      })
      .default('eks.amazonaws.com/capacityType'),
    capacityTypeValues: z
      .object({ onDemand: z.string().min(1), spot: z.string().min(1) })
      .optional(),
    assetsBucket: bucketName.optional(),
    /** @deprecated the old name of assetsBucket, still read. */
    podTemplateBucket: bucketName.optional(),
    kubernetes: kubernetesSchema,
    guardrails: guardrailsSchema.prefault({}),
  })
  .transform((cluster, ctx) => {
    const { podTemplateBucket, assetsBucket, ...rest } = cluster;
    const values =
      cluster.capacityTypeValues ??
      KNOWN_CAPACITY_LABELS[cluster.capacityTypeLabel];
    if (!values) {
      ctx.addIssue({
        code: 'custom',
        path: ['capacityTypeValues'],
        message: `is required for the custom capacityTypeLabel ${cluster.capacityTypeLabel}`,
      });
    }
    if (
      assetsBucket &&
      podTemplateBucket &&
      assetsBucket !== podTemplateBucket
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['podTemplateBucket'],
        message: `is the deprecated name of assetsBucket and names another bucket (${podTemplateBucket}, not ${assetsBucket}); remove it`,
      });
    }
    const bucket = assetsBucket ?? podTemplateBucket;
    cluster.guardrails.dataAccess.forEach((pattern, index) => {
      if (bucket && pattern.s3.startsWith(`s3://${bucket}/`)) {
        ctx.addIssue({
          code: 'custom',
          path: ['guardrails', 'dataAccess', index, 's3'],
          message: `is in the assets bucket ${bucket}, which holds every tenant's pod templates and logs and is never granted to a tenant`,
        });
      }
    });
    if (!bucket) {
      ctx.addIssue({
        code: 'custom',
        path: ['assetsBucket'],
        message:
          "is required: the existing S3 bucket for the tenants' pod templates, logs and Spark scratch",
      });
    }
    if (!values || !bucket) {
      return z.NEVER;
    }
    const guardrails = {
      ...rest.guardrails,
      allowedImages:
        rest.guardrails.allowedImages ??
        emrReleaseImageRepositories(rest.region),
    };
    return {
      ...rest,
      assetsBucket: bucket,
      capacityTypeValues: values,
      guardrails,
    };
  });

const jobsSchema = z.object({
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
  startTimeoutSeconds: z.number().int().min(60).max(86400).default(900),
  sync: z
    .object({
      initialLookbackDays: z.number().int().min(1).max(365).default(30),
      safetyMarginSeconds: z.number().int().min(0).max(86400).default(300),
    })
    .prefault({}),
});

/** Defaults of composed job runs and of the job-run sync. */
export type JobSettings = z.output<typeof jobsSchema>;

const settingsSchema = z.object({
  aws: z
    .object({
      endpoint: z.string().url().optional(),
      /** Time limits of each AWS API call (retries have their own). */
      connectTimeoutSeconds: z.number().int().min(1).max(60).default(5),
      requestTimeoutSeconds: z.number().int().min(1).max(600).default(30),
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

/** One EKS cluster tenants can be onboarded to. */
export type ClusterSettings = z.output<typeof clusterSchema>;
/** How the plugin reaches a cluster's Kubernetes API. */
export type KubernetesSettings = ClusterSettings['kubernetes'];

/** Validated `emrOnEks` configuration. */
export interface EmrOnEksSettings {
  aws: {
    endpoint?: string;
    connectTimeoutSeconds: number;
    requestTimeoutSeconds: number;
  };
  iam: {
    roleNamePrefix: string;
    rolePath: string;
    permissionsBoundaryArn?: string;
  };
  clusters: ClusterSettings[];
  jobs: JobSettings;
  /** Chargeback sources; undefined when `emrOnEks.costs` is not configured. */
  costs?: CostSettings;
  reconcileSchedule: SchedulerServiceTaskScheduleDefinition;
  jobSyncSchedule: SchedulerServiceTaskScheduleDefinition;
  costSchedule: SchedulerServiceTaskScheduleDefinition;
}

const DEFAULT_COST_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { hours: 1 },
  timeout: { minutes: 15 },
  initialDelay: { seconds: 20 },
};

const DEFAULT_JOB_SYNC_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 1 },
  timeout: { minutes: 5 },
  initialDelay: { seconds: 30 },
};

const DEFAULT_RECONCILE_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 10 },
  timeout: { minutes: 5 },
  initialDelay: { seconds: 15 },
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
      DEFAULT_RECONCILE_SCHEDULE,
    ),
    jobSyncSchedule: schedule('jobs.sync.schedule', DEFAULT_JOB_SYNC_SCHEDULE),
    costSchedule: schedule('costs.schedule', DEFAULT_COST_SCHEDULE),
  };
}

/** The configured cluster a tenant lives on; throws if it was removed from config. */
export function clusterOfTenant(
  settings: Pick<EmrOnEksSettings, 'clusters'>,
  tenant: { name: string; spec: { cluster: string } },
): ClusterSettings {
  const cluster = settings.clusters.find(c => c.name === tenant.spec.cluster);
  if (!cluster) {
    throw new Error(
      `tenant ${tenant.name} refers to cluster ${tenant.spec.cluster}, which is no longer configured`,
    );
  }
  return cluster;
}
