import {
  parseQuantity,
  parseS3Prefix,
  PRIORITY_TIERS,
  QUOTA_KEYS,
  TENANT_DEFAULTS,
} from '@spot-spark/plugin-emr-on-eks-common';
import { z } from 'zod';
import { parseCidr } from '../domain/cidrs';
import { parseImageAllowEntry } from '../domain/images';

/*
 * emrOnEks.clusters[].guardrails: what the platform decides for every tenant
 * of a cluster. A team's spec may ask for anything inside these, nothing
 * outside; changing them is a config change, not an API call.
 */

/** Namespaces of common cluster add-ons, reserved unless the config lists its own. */
export const DEFAULT_RESERVED_NAMESPACES = [
  'amazon-cloudwatch',
  'amazon-guardduty',
  'argocd',
  'aws-observability',
  'backstage',
  'cert-manager',
  'external-dns',
  'external-secrets',
  'flux-system',
  'gatekeeper-system',
  'ingress-nginx',
  'istio-system',
  'karpenter',
  'kubecost',
  'kyverno',
  'logging',
  'monitoring',
  'opencost',
  'prometheus',
  'velero',
];

/** Default of `guardrails.maxRetries`: driver retries a job may ask for. */
export const DEFAULT_MAX_RETRIES = 2;

/** Pod Security Standard levels, least strict first. */
export const POD_SECURITY_LEVELS = [
  'privileged',
  'baseline',
  'restricted',
] as const;

/** Placeholders a data-access pattern may use. */
const PLACEHOLDERS = /\{(tenant|namespace)\}/g;

const quantity = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const text = String(value);
  if (parseQuantity(text) === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not a Kubernetes quantity (like 64, 500m or 256Gi)`,
    });
    return z.NEVER;
  }
  return text;
});

/** `count` times a default quantity, in the default's unit. */
function times(text: string, count: number): string {
  const match = /^(\d+)(.*)$/.exec(text)!;
  return `${Number(match[1]) * count}${match[2]}`;
}

const dataAccessPattern = z
  .object({
    s3: z.string().refine(
      // A sample name stands in for the placeholders.
      pattern =>
        parseS3Prefix(pattern.replace(PLACEHOLDERS, 'x')) !== undefined,
      {
        message:
          'must be s3://bucket/prefix/ ending in /, with optional {tenant} and {namespace} placeholders',
      },
    ),
    access: z.enum(['read', 'read-write']),
    shared: z.boolean().default(false),
  })
  .strict();

export const guardrailsSchema = z
  .object({
    dataAccess: z.array(dataAccessPattern).default([]),
    maxQuota: z
      .partialRecord(z.enum(QUOTA_KEYS), quantity)
      .default(
        Object.fromEntries(
          Object.entries(TENANT_DEFAULTS.quota).map(([key, value]) => [
            key,
            times(value!, 4),
          ]),
        ),
      ),
    maxLimitRange: z
      .object({ cpu: quantity.optional(), memory: quantity.optional() })
      .strict()
      .default({
        cpu: times(TENANT_DEFAULTS.limitRange.max.cpu!, 4),
        memory: times(TENANT_DEFAULTS.limitRange.max.memory!, 4),
      }),
    allowedEgressCidrs: z
      .array(
        z.string().refine(text => parseCidr(text) !== undefined, {
          message: 'must be a CIDR block like 10.0.0.0/8',
        }),
      )
      .default([]),
    minPodSecurity: z.enum(POD_SECURITY_LEVELS).default('baseline'),
    allowedPriorityTiers: z
      .array(z.enum(PRIORITY_TIERS))
      .min(1, { message: 'must allow at least one tier' })
      .default(['low', 'standard']),
    reservedNamespaces: z
      .array(z.string().min(1))
      .default(DEFAULT_RESERVED_NAMESPACES),
    /** Spark key patterns jobs may set beyond the built-in allow-list (`*` at the end). */
    extraSparkConfKeys: z
      .array(
        z.string().regex(/^spark\.[A-Za-z0-9._-]+\*?$/, {
          message: 'must be a Spark key or a key prefix ending in *',
        }),
      )
      .default([]),
    /**
     * Most driver retries a job may ask for (`retries`; EMR's
     * `retryPolicyConfiguration.maxAttempts` is retries + 1). Default 2:
     * enough to ride out a lost driver node or a passing outage, while a
     * job that failed three times on the same input seldom passes a fourth,
     * and EMR bills every attempt as a job run of its own.
     */
    maxRetries: z
      .number()
      .int({ message: 'must be a whole number' })
      .min(0, { message: 'must be 0 or more' })
      .max(10, { message: 'must be at most 10 (a request allows 10)' })
      .default(DEFAULT_MAX_RETRIES),
    /** Maven repositories spark.jars.packages may resolve from; none allows no packages. */
    mavenRepositories: z.array(z.string().url()).default([]),
    /**
     * Image repositories the Spark image keys may name; left out, the EMR
     * release images of the cluster's region (filled in with the cluster).
     */
    allowedImages: z
      .array(
        z.string().superRefine((entry, ctx) => {
          const parsed = parseImageAllowEntry(entry);
          if (!parsed.ok) {
            ctx.addIssue({
              code: 'custom',
              message: `${parsed.reason}: an entry is registry/ or registry/path/ (every repository below it) or registry/repository (that one), lowercase, without tag or digest, like 123456789012.dkr.ecr.eu-west-1.amazonaws.com/spark-custom/`,
            });
          }
        }),
      )
      .optional(),
  })
  .strict();

/** A cluster's validated guardrails, defaults filled in. */
export type Guardrails = z.output<typeof guardrailsSchema>;
/** One pattern of S3 locations tenants may be granted. */
export type DataAccessPattern = Guardrails['dataAccess'][number];
