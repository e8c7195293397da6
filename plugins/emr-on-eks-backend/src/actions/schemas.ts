import { JOB_RUN_STATES } from '@spot-spark/plugin-emr-on-eks-common';
import type { z as zod } from 'zod/v3';

/*
 * Pieces of the actions' schemas. The actions registry takes zod 3 schemas
 * (it turns them into the JSON schemas MCP clients see), so these are built
 * from the `z` it hands over, not from the zod 4 schemas of the REST API;
 * the inputs are parsed again by those where the REST API does.
 */

/** The `z` the registry passes to an action's schema callbacks. */
export type Zod = typeof zod;

/** What tells an assistant what a tenant name is. */
export const TENANT_DESCRIPTION =
  'The tenant (team space on the EMR on EKS platform) by name, such as "team-a": lower-case letters, digits and hyphens, as shown on the EMR on EKS page and in the catalog Resource of type emr-virtual-cluster.';

/** What tells an assistant what a catalog entity ref is. */
export const ENTITY_REF_DESCRIPTION =
  'A catalog entity ref of the Spark job, such as "component:default/daily-sales" (kind:namespace/name; the kind and namespace default to component and default).';

/** What tells an assistant what a job-run id is. */
/**
 * A scoped action's input fields: a tenant or an entity, exactly one of
 * them (`requireOneScope` says so to a caller who gives both or neither).
 */
export const scopeInput = (z: Zod) => ({
  tenant: z.string().max(64).optional().describe(TENANT_DESCRIPTION),
  entityRef: z.string().max(512).optional().describe(ENTITY_REF_DESCRIPTION),
});

export const RUN_ID_DESCRIPTION =
  'The job run id as this plugin gives it: a UUID such as "2f1c9a7e-0b6d-4c3e-9a53-6f1d2b7c8e90" (the `id` of a listed run; not EMR\'s own job run id).';

/** A run's state, as EMR names it. */
export const jobRunState = (z: Zod) =>
  z.enum(JOB_RUN_STATES as unknown as [string, ...string[]]);

/** A job run as the REST API returns it: the fields an assistant needs named, the rest kept. */
export const jobRunOutput = (z: Zod) =>
  z
    .object({
      id: z.string().describe(RUN_ID_DESCRIPTION),
      tenant: z.string().describe('The tenant the run belongs to.'),
      tenantUid: z
        .string()
        .describe('The tenant incarnation (uid) the run belongs to.'),
      name: z.string().describe('The job name.'),
      state: z
        .string()
        .describe(
          'PENDING, SUBMITTED, RUNNING, COMPLETED, FAILED, CANCEL_PENDING or CANCELLED (SUBMITTING until EMR has accepted it).',
        ),
      stateDetails: z.string().optional(),
      failureReason: z.string().optional(),
      createdAt: z.string(),
      finishedAt: z.string().optional(),
      entityRef: z.string().optional(),
      submittedBy: z.string().optional(),
      emrJobRunId: z.string().optional(),
    })
    .passthrough();

/**
 * A value's type as plain object types (no interfaces), which the
 * registry's passthrough output types (with their open index signatures)
 * accept; the value itself is unchanged.
 */
export type Plain<T> = T extends (infer U)[]
  ? Plain<U>[]
  : T extends object
  ? { [K in keyof T]: Plain<T[K]> }
  : T;

/** The value, typed as {@link Plain} for an action's output. */
export function plain<T>(value: T): Plain<T> {
  return value as Plain<T>;
}
