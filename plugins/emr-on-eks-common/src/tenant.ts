import { z } from 'zod';
import { isCidr } from './cidr';
import { parseQuantity, QUANTITY_MAX_LENGTH } from './quantity';
import { parseS3Prefix } from './s3Prefix';
import {
  controlCharacterProblem,
  entityRefSchema,
  FieldIssue,
  ParseResult,
  zodIssues,
} from './validation';

/*
 * The tenant spec: what a platform team asks for when it onboards a data team.
 * One tenant = one team = one Kubernetes namespace = one EMR virtual cluster.
 * Every field except name, owner and cluster has a documented default.
 */

/**
 * Longest tenant name: a Kubernetes namespace is an RFC 1123 label (63
 * characters). The backend also checks that `roleNamePrefix + name` fits the
 * 64-character IAM role-name limit.
 *
 * @public
 */
export const TENANT_NAME_MAX_LENGTH = 63;

/** Priority tiers of tenants and job runs, lowest first. @public */
export const PRIORITY_TIERS = ['low', 'standard', 'high'] as const;
/** One of {@link PRIORITY_TIERS}. @public */
export type PriorityTier = (typeof PRIORITY_TIERS)[number];

/** Retention values that CloudWatch Logs accepts. @public */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
  2192, 2557, 2922, 3288, 3653,
] as const;

/** ResourceQuota keys a tenant may set, and whether they count objects. @public */
export const QUOTA_KEYS = [
  'requests.cpu',
  'requests.memory',
  'limits.cpu',
  'limits.memory',
  'requests.storage',
  'requests.ephemeral-storage',
  'limits.ephemeral-storage',
  'pods',
  'persistentvolumeclaims',
  'services',
  'configmaps',
  'secrets',
] as const;
/** One of {@link QUOTA_KEYS}. @public */
export type QuotaKey = (typeof QUOTA_KEYS)[number];
const COUNT_QUOTA_KEYS: ReadonlySet<string> = new Set([
  'pods',
  'persistentvolumeclaims',
  'services',
  'configmaps',
  'secrets',
]);

/** Container resources a LimitRange bound may set. @public */
export const LIMIT_RANGE_RESOURCES = [
  'cpu',
  'memory',
  'ephemeral-storage',
] as const;
/** One of {@link LIMIT_RANGE_RESOURCES}. @public */
export type LimitRangeResource = (typeof LIMIT_RANGE_RESOURCES)[number];
/**
 * Kubernetes quantities (`500m`, `4Gi`) per container resource.
 *
 * @public
 */
export type ResourceList = Partial<Record<LimitRangeResource, string>>;

/**
 * The container bounds of the LimitRange in a tenant's namespace: `max`,
 * `min`, `default` (limit) and `defaultRequest`, as in Kubernetes.
 *
 * @public
 */
export interface LimitRangeSpec {
  /** Largest limit a container may have. */
  max: ResourceList;
  /** Smallest request a container may have. */
  min: ResourceList;
  /** Limit of a container that sets none. */
  default: ResourceList;
  /** Request of a container that sets none. */
  defaultRequest: ResourceList;
}

/** Read or read-write access of a tenant's jobs to an S3 prefix. @public */
export interface DataAccessGrant {
  /** `s3://bucket/prefix/` (the prefix may be empty: the whole bucket). */
  s3: string;
  /** Read only, or read and write. */
  access: 'read' | 'read-write';
}

/**
 * A validated tenant spec with every default filled in.
 *
 * @public
 */
export interface TenantSpec {
  /** Tenant name, a DNS label; see {@link tenantNameSchema}. */
  name: string;
  /** Owning group or user, as a full entity ref (`group:default/team-a`). */
  owner: string;
  /** Name of a cluster from `emrOnEks.clusters`. */
  cluster: string;
  /** Kubernetes namespace; defaults to the tenant name. */
  namespace: string;
  /** Free text for people. */
  description?: string;
  /** ResourceQuota of the namespace: Kubernetes quantities per key. */
  quota: Partial<Record<QuotaKey, string>>;
  /** LimitRange of the namespace. */
  limitRange: LimitRangeSpec;
  /**
   * CIDR blocks the tenant's pods may reach on any port (the namespace itself,
   * cluster DNS and HTTPS are always allowed).
   */
  network: { egressCidrs: string[] };
  /** S3 prefixes the tenant's jobs may use. */
  dataAccess: DataAccessGrant[];
  /** Highest priority tier of the tenant's job runs. */
  priorityTier: PriorityTier;
  /** Retention of the tenant's CloudWatch log group; see {@link LOG_RETENTION_DAYS}. */
  logRetentionDays: number;
  /** Default EMR release label of the tenant's job runs. */
  releaseLabel: string;
  /** Pod Security Standard enforced on the namespace. */
  podSecurity: 'baseline' | 'restricted';
}

/** Defaults applied to fields a spec leaves out. @public */
export const TENANT_DEFAULTS = {
  quota: {
    'requests.cpu': '32',
    'requests.memory': '128Gi',
    'limits.cpu': '64',
    'limits.memory': '256Gi',
    'requests.storage': '1Ti',
    pods: '200',
  } as Partial<Record<QuotaKey, string>>,
  limitRange: {
    max: { cpu: '8', memory: '64Gi' },
    min: { cpu: '100m', memory: '64Mi' },
    default: { cpu: '1', memory: '2Gi' },
    defaultRequest: { cpu: '500m', memory: '1Gi' },
  } as LimitRangeSpec,
  priorityTier: 'standard' as PriorityTier,
  logRetentionDays: 30,
  releaseLabel: 'emr-7.5.0-latest',
  podSecurity: 'baseline' as const,
};

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Why a name cannot be a tenant name or namespace, or undefined when it can.
 *
 * @public
 */
export function reservedNameReason(name: string): string | undefined {
  if (name === 'default' || name.startsWith('kube-')) {
    return `"${name}" is reserved by Kubernetes (default and kube-* namespaces cannot be tenants)`;
  }
  return undefined;
}

const dnsLabel = (what: string) =>
  z
    .string()
    .min(1, { message: 'must not be empty' })
    .max(TENANT_NAME_MAX_LENGTH, {
      message: `must be at most ${TENANT_NAME_MAX_LENGTH} characters (a Kubernetes namespace is a DNS label)`,
    })
    .regex(DNS_LABEL, {
      message: `must be lowercase letters, digits and '-', start with a letter and end with a letter or digit (no dots, underscores or capitals: the ${what} becomes a Kubernetes namespace and part of IAM and EMR names)`,
    })
    .refine(value => !reservedNameReason(value), {
      error: issue => reservedNameReason(String(issue.input)) ?? 'reserved',
    });

/** Schema of a tenant name. @public */
export const tenantNameSchema = dnsLabel('name');

const quantityText = z
  .union([z.string(), z.number()])
  .transform(value => String(value))
  .superRefine((value, ctx) => {
    const parsed = parseQuantity(value);
    if (value.length > QUANTITY_MAX_LENGTH) {
      ctx.addIssue({
        code: 'custom',
        message: `must be at most ${QUANTITY_MAX_LENGTH} characters`,
      });
    } else if (parsed === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(
          value,
        )} is not a Kubernetes quantity (examples: 500m, 2, 4Gi)`,
      });
    } else if (parsed < 0) {
      ctx.addIssue({
        code: 'custom',
        message: `"${value}" is negative`,
      });
    }
  });

const resourceList = z
  .object({
    cpu: quantityText.optional(),
    memory: quantityText.optional(),
    'ephemeral-storage': quantityText.optional(),
  })
  .strict();

/**
 * The owner: a group or user, validated by the catalog's rules and stored in
 * the catalog's comparison form (lower case, namespace filled in). Its name
 * becomes a Kubernetes label value, which the catalog's name rules fit.
 */
const ownerRef = entityRefSchema({
  kinds: ['group', 'user'],
  example: 'group:default/team-a',
});

/** Longest cluster name (the `cluster` column). */
const CLUSTER_NAME_MAX_LENGTH = 63;

/** Longest description (a Namespace annotation; stored in the spec). */
const DESCRIPTION_MAX_LENGTH = 1024;

/**
 * EMR release labels (`emr-7.5.0-latest`, `emr-6.15.0-20240105`). Version
 * parts have at most three digits, so that a label fits the 64-character
 * `release_label` column and compares as numbers.
 */
export const RELEASE_LABEL_PATTERN =
  /^emr-\d{1,3}\.\d{1,3}\.\d{1,3}-(latest|\d{8})$/;

/** Schema of an EMR release label; see {@link RELEASE_LABEL_PATTERN}. */
export const releaseLabelSchema = z
  .string()
  .max(64, { message: 'must be at most 64 characters' })
  .regex(RELEASE_LABEL_PATTERN, {
    message:
      'must look like emr-7.5.0-latest or emr-6.15.0-20240105 (version parts of at most 3 digits)',
  });

const cidr = z.string().refine(isCidr, {
  error: issue =>
    `${JSON.stringify(
      String(issue.input).slice(0, 80),
    )} is not a CIDR block like 10.0.0.0/8 or fd00::/8`,
});

/**
 * The spec as the API accepts it (before defaults).
 *
 * @public
 */
export const tenantSpecInputSchema = z
  .object({
    name: tenantNameSchema,
    owner: ownerRef,
    cluster: z
      .string()
      .min(1, { message: 'must not be empty' })
      .max(CLUSTER_NAME_MAX_LENGTH, {
        message: `must be at most ${CLUSTER_NAME_MAX_LENGTH} characters`,
      }),
    namespace: dnsLabel('namespace').optional(),
    description: z
      .string()
      .max(DESCRIPTION_MAX_LENGTH, {
        message: `must be at most ${DESCRIPTION_MAX_LENGTH} characters`,
      })
      .refine(value => !controlCharacterProblem(value), {
        message: 'must not contain control characters',
      })
      .optional(),
    quota: z
      .object(
        Object.fromEntries(
          QUOTA_KEYS.map(key => [key, quantityText.optional()]),
        ),
      )
      .strict()
      .optional(),
    limitRange: z
      .object({
        max: resourceList.optional(),
        min: resourceList.optional(),
        default: resourceList.optional(),
        defaultRequest: resourceList.optional(),
      })
      .strict()
      .optional(),
    network: z
      .object({ egressCidrs: z.array(cidr).max(50).default([]) })
      .strict()
      .optional(),
    dataAccess: z
      .array(
        z
          .object({
            s3: z.string().refine(text => parseS3Prefix(text) !== undefined, {
              error: issue =>
                `${JSON.stringify(
                  String(issue.input).slice(0, 80),
                )} is not an S3 prefix of the form s3://bucket/prefix/ (ending in '/', no wildcards)`,
            }),
            access: z.enum(['read', 'read-write']),
          })
          .strict(),
      )
      .max(50)
      .optional(),
    priorityTier: z.enum(PRIORITY_TIERS).optional(),
    logRetentionDays: z
      .number()
      .int()
      .refine(
        days => (LOG_RETENTION_DAYS as readonly number[]).includes(days),
        {
          message: `must be one of ${LOG_RETENTION_DAYS.join(
            ', ',
          )} (the values CloudWatch Logs accepts)`,
        },
      )
      .optional(),
    releaseLabel: releaseLabelSchema.optional(),
    podSecurity: z.enum(['baseline', 'restricted']).optional(),
  })
  .strict();

/**
 * A tenant spec as clients send it: the input of
 * {@link tenantSpecInputSchema}, before defaults are applied.
 *
 * @public
 */
export type TenantSpecInput = z.input<typeof tenantSpecInputSchema>;

/**
 * Validates a tenant spec, fills in the defaults and checks the rules that
 * span fields (LimitRange `min <= defaultRequest <= default <= max`).
 *
 * @public
 */
export function parseTenantSpec(input: unknown): ParseResult<TenantSpec> {
  const parsed = tenantSpecInputSchema.safeParse(input);
  if (!parsed.success) {
    return { success: false, issues: zodIssues(parsed.error) };
  }
  const given = parsed.data;
  const limits = given.limitRange ?? {};
  const spec: TenantSpec = {
    name: given.name,
    owner: given.owner,
    cluster: given.cluster,
    namespace: given.namespace ?? given.name,
    ...(given.description ? { description: given.description } : {}),
    quota: { ...TENANT_DEFAULTS.quota, ...definedOnly(given.quota ?? {}) },
    limitRange: {
      max: { ...TENANT_DEFAULTS.limitRange.max, ...definedOnly(limits.max) },
      min: { ...TENANT_DEFAULTS.limitRange.min, ...definedOnly(limits.min) },
      default: {
        ...TENANT_DEFAULTS.limitRange.default,
        ...definedOnly(limits.default),
      },
      defaultRequest: {
        ...TENANT_DEFAULTS.limitRange.defaultRequest,
        ...definedOnly(limits.defaultRequest),
      },
    },
    network: { egressCidrs: given.network?.egressCidrs ?? [] },
    dataAccess: given.dataAccess ?? [],
    priorityTier: given.priorityTier ?? TENANT_DEFAULTS.priorityTier,
    logRetentionDays:
      given.logRetentionDays ?? TENANT_DEFAULTS.logRetentionDays,
    releaseLabel: given.releaseLabel ?? TENANT_DEFAULTS.releaseLabel,
    podSecurity: given.podSecurity ?? TENANT_DEFAULTS.podSecurity,
  };
  const issues = [
    ...checkQuota(spec.quota),
    ...checkLimitRange(spec.limitRange),
  ];
  return issues.length > 0
    ? { success: false, issues }
    : { success: true, data: spec };
}

function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(
    Object.entries(value ?? {}).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}

function checkQuota(quota: TenantSpec['quota']): FieldIssue[] {
  return Object.entries(quota)
    .filter(
      ([key, value]) =>
        COUNT_QUOTA_KEYS.has(key) && !/^\d+$/.test(String(value)),
    )
    .map(([key, value]) => ({
      path: `quota.${key}`,
      message: `"${value}" must be a whole number of objects`,
    }));
}

/** Order a LimitRange's bounds must respect, lowest first. */
const LIMIT_ORDER = ['min', 'defaultRequest', 'default', 'max'] as const;

function checkLimitRange(limitRange: LimitRangeSpec): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const resource of LIMIT_RANGE_RESOURCES) {
    for (let i = 0; i < LIMIT_ORDER.length; i++) {
      for (let j = i + 1; j < LIMIT_ORDER.length; j++) {
        const low = limitRange[LIMIT_ORDER[i]][resource];
        const high = limitRange[LIMIT_ORDER[j]][resource];
        if (low === undefined || high === undefined) {
          continue;
        }
        if (parseQuantity(low)! > parseQuantity(high)!) {
          issues.push({
            path: `limitRange.${LIMIT_ORDER[j]}.${resource}`,
            message: `${LIMIT_ORDER[j]} ${resource} (${high}) is below ${LIMIT_ORDER[i]} ${resource} (${low})`,
          });
        }
      }
    }
  }
  return issues;
}
