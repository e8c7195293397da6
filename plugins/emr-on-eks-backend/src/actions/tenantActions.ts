import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  emrOnEksClusterReadPermission,
  type Tenant,
} from '@spot-spark/plugin-emr-on-eks-common';
import { plain, TENANT_DESCRIPTION } from './schemas';
import { registerAudited } from './actionAudit';
import type { ActionServices } from './types';

/**
 * What a tenant's owners should know of its state, in words: a failed or
 * pending step, changes not applied yet, a cluster no longer configured.
 */
export function tenantWarnings(tenant: Tenant): string[] {
  const { status } = tenant;
  const warnings: string[] = [];
  if (status.phase === 'Failed') {
    warnings.push(
      `The tenant is Failed${
        status.message ? `: ${status.message}` : ''
      }; the platform team can retry its reconcile once the cause is fixed.`,
    );
  }
  if (status.phase === 'Deleting') {
    warnings.push('The tenant is being offboarded: no new runs can start.');
  }
  if (status.observedGeneration < tenant.generation) {
    warnings.push(
      `Its latest change (generation ${tenant.generation}) is not applied yet (applied: ${status.observedGeneration}).`,
    );
  }
  for (const step of status.steps) {
    if (step.state === 'Failed') {
      warnings.push(`Step ${step.name} failed: ${step.message}`);
    }
  }
  if (!status.region) {
    warnings.push(
      `Its cluster (${tenant.spec.cluster}) is no longer configured on this Backstage.`,
    );
  }
  return warnings;
}

/**
 * `get-tenant-status` and `get-cluster-preflight`, with the permission
 * checks of `GET /tenants/:name` and `GET /clusters` (admins only; anyone
 * else gets not found, as for every hidden thing).
 */
export function registerTenantActions(services: ActionServices) {
  const { access, clusters } = services;

  registerAudited(services, {
    name: 'get-tenant-status',
    title: 'Get an EMR on EKS tenant’s status',
    description: `The state of a tenant (a team's space on the EMR on EKS platform): its phase (Pending, Reconciling, Ready, Failed, Deleting; only Ready and Reconciling tenants can run jobs), each onboarding step (Kubernetes objects, IAM role, pod identity, pod templates, log group, virtual cluster) with its message, and warnings in plain words. Use it for "why can't my team run jobs" or "is our tenant ready". A tenant the user may not read answers "not found".`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({ tenant: z.string().max(64).describe(TENANT_DESCRIPTION) }),
      output: z =>
        z.object({
          name: z.string(),
          uid: z
            .string()
            .describe(
              'The tenant incarnation: its costs and runs belong to it.',
            ),
          owner: z.string().describe('The owning group, an entity ref.'),
          cluster: z.string(),
          phase: z.string(),
          message: z.string().optional(),
          generation: z.number(),
          observedGeneration: z.number(),
          lastReconciledAt: z.string().optional(),
          virtualClusterId: z.string().optional(),
          namespace: z.string(),
          steps: z.array(
            z.object({
              name: z.string(),
              state: z.string(),
              message: z.string(),
              updatedAt: z.string(),
            }),
          ),
          warnings: z.array(z.string()),
        }),
    },
    audit: {
      severityLevel: 'low',
      meta: input => ({ tenant: input.tenant }),
    },
    action: async ({ input, credentials }) => {
      const tenant = await access.visibleTenant(input.tenant, credentials);
      const { status } = tenant;
      return {
        output: {
          name: tenant.name,
          uid: tenant.uid,
          owner: tenant.spec.owner,
          cluster: tenant.spec.cluster,
          phase: status.phase,
          message: status.message,
          generation: tenant.generation,
          observedGeneration: status.observedGeneration,
          lastReconciledAt: status.lastReconciledAt,
          virtualClusterId: status.virtualClusterId,
          namespace: status.namespace,
          steps: status.steps.map(step => ({
            name: step.name,
            state: step.state,
            message: step.message,
            updatedAt: step.updatedAt,
          })),
          warnings: tenantWarnings(tenant),
        },
      };
    },
  });

  if (!clusters) {
    return;
  }
  const requireAdmin = async (
    credentials: BackstageCredentials,
    what: string,
  ) => {
    if (!(await access.allowed(emrOnEksClusterReadPermission, credentials))) {
      throw new NotFoundError(`${what} not found`);
    }
  };

  registerAudited(services, {
    name: 'get-cluster-preflight',
    title: 'Get the EMR on EKS clusters’ preflight',
    description: `For platform admins: each configured EKS cluster's preflight, the checks that tell whether Spark jobs can run on it (EMR access, Karpenter node pools, Spot capacity, identity, ...), each pass, warn, fail or skipped with what was found and, when it did not pass, the exact fix. Give \`cluster\` for one cluster (the name tenants use); \`refresh\` runs the checks again instead of reusing recent results. Anyone but a platform admin gets "not found".`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          cluster: z
            .string()
            .max(64)
            .optional()
            .describe(
              'One cluster by the name tenants use (every cluster when left out).',
            ),
          refresh: z
            .boolean()
            .default(false)
            .describe(
              'Run the checks again (slower) instead of reusing recent results.',
            ),
        }),
      output: z =>
        z.object({
          items: z.array(
            z
              .object({
                name: z.string(),
                ready: z.boolean().describe('True when no check failed.'),
                checks: z.array(
                  z
                    .object({
                      id: z.string(),
                      title: z.string(),
                      status: z.string(),
                      detail: z.string(),
                      advice: z.string().optional(),
                    })
                    .passthrough(),
                ),
                checkedAt: z.string(),
              })
              .passthrough(),
          ),
        }),
    },
    audit: {
      severityLevel: 'low',
      meta: input => ({
        cluster: input.cluster ?? null,
        refresh: input.refresh,
      }),
    },
    action: async ({ input, credentials }) => {
      const what = input.cluster ? `cluster ${input.cluster}` : 'clusters';
      await requireAdmin(credentials, what);
      const all = await clusters.listClusters({ refresh: input.refresh });
      const items = input.cluster
        ? all.filter(c => c.name === input.cluster)
        : all;
      if (input.cluster && items.length === 0) {
        throw new NotFoundError(`${what} not found`);
      }
      return { output: { items: plain(items) } };
    },
  });
}
