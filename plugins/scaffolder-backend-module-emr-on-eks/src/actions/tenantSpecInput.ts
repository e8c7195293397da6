import {
  formatIssues,
  LOG_RETENTION_DAYS,
  parseTenantSpec,
  PRIORITY_TIERS,
  QUOTA_KEYS,
  TenantSpecInput,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { Zod } from './zod';

const resources = (z: Zod) =>
  z
    .object({ cpu: z.string().optional(), memory: z.string().optional() })
    .strict();

/**
 * The tenant spec as action input, in the scaffolder's zod: typed and
 * described for the template editor. The backend's own schema (the same
 * one its API uses) decides what is valid; see {@link checkTenantSpec}.
 */
export const tenantSpecInputSchema = {
  name: (z: Zod) =>
    z
      .string()
      .describe(
        'Tenant name: a DNS label (lowercase letters, digits and -, at most 63 characters); it becomes the namespace and part of IAM and EMR names',
      ),
  owner: (z: Zod) =>
    z
      .string()
      .describe('Owning group, as an entity ref (group:default/team-a)'),
  cluster: (z: Zod) =>
    z.string().describe('Cluster, one of the names in emrOnEks.clusters'),
  namespace: (z: Zod) =>
    z
      .string()
      .optional()
      .describe('Kubernetes namespace; the tenant name when left out'),
  description: (z: Zod) => z.string().optional().describe('Free text'),
  quota: (z: Zod) =>
    z
      .record(z.union([z.string(), z.number()]))
      .optional()
      .describe(
        `ResourceQuota of the namespace, Kubernetes quantities per key (${QUOTA_KEYS.join(
          ', ',
        )})`,
      ),
  limitRange: (z: Zod) =>
    z
      .object({
        max: resources(z).optional(),
        min: resources(z).optional(),
        default: resources(z).optional(),
        defaultRequest: resources(z).optional(),
      })
      .strict()
      .optional()
      .describe(
        'LimitRange of the namespace: { max, min, default, defaultRequest } of { cpu, memory }',
      ),
  network: (z: Zod) =>
    z
      .object({ egressCidrs: z.array(z.string()).optional() })
      .strict()
      .optional()
      .describe("CIDR blocks the tenant's pods may reach"),
  dataAccess: (z: Zod) =>
    z
      .array(
        z
          .object({ s3: z.string(), access: z.enum(['read', 'read-write']) })
          .strict(),
      )
      .optional()
      .describe("S3 prefixes the tenant's jobs may use (s3://bucket/prefix/)"),
  priorityTier: (z: Zod) =>
    z
      .enum(PRIORITY_TIERS)
      .optional()
      .describe("Highest priority tier of the tenant's job runs"),
  logRetentionDays: (z: Zod) =>
    z
      .number()
      .int()
      .optional()
      .describe(`Log retention in days: ${LOG_RETENTION_DAYS.join(', ')}`),
  releaseLabel: (z: Zod) =>
    z.string().optional().describe('Default EMR release label of its runs'),
  podSecurity: (z: Zod) =>
    z
      .enum(['baseline', 'restricted'])
      .optional()
      .describe('Pod Security Standard enforced on the namespace'),
};

/** The spec part of an action input, without the fields left out. */
export function tenantSpecOf(input: Record<string, unknown>): TenantSpecInput {
  const spec: Record<string, unknown> = {};
  for (const key of Object.keys(tenantSpecInputSchema)) {
    if (input[key] !== undefined) {
      spec[key] = input[key];
    }
  }
  return spec as TenantSpecInput;
}

/**
 * Checks a spec with the backend's own rules (no call), for dry runs: the
 * same field-named message the backend's 400 would give.
 */
export function checkTenantSpec(spec: TenantSpecInput): void {
  const parsed = parseTenantSpec(spec);
  if (!parsed.success) {
    throw new Error(`Invalid tenant: ${formatIssues(parsed.issues)}`);
  }
}
