import path from 'node:path';
import { z } from 'zod';
import { DEFAULTS } from './defaults';

/*
 * emrOnEks.clusters[].kubernetes: how the plugin reaches a cluster's
 * Kubernetes API (direct), or writes its objects for GitOps (a directory or
 * a Git repository's branch).
 */

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
    timeoutSeconds: z
      .number()
      .int()
      .min(5)
      .max(3600)
      .default(DEFAULTS.gitCommandTimeoutSeconds),
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

export const kubernetesSchema = z.discriminatedUnion('mode', [
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
      requestTimeoutSeconds: z
        .number()
        .int()
        .min(1)
        .max(600)
        .default(DEFAULTS.kubernetesRequestTimeoutSeconds),
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

/** How the plugin reaches a cluster's Kubernetes API. */
export type KubernetesSettings = z.output<typeof kubernetesSchema>;
