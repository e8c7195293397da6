import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import {
  emrOnEksJobRunCancelPermission,
  emrOnEksJobRunReadPermission,
  emrOnEksJobRunSubmitPermission,
  type FieldIssue,
  type JobRunRequest,
  parseJobRunRequest,
  type Tenant,
} from '@spot-spark/plugin-emr-on-eks-common';
import { actorOf } from '../routes/access';
import { readableRun } from '../routes/readableRun';
import {
  jobRunOutput,
  plain,
  RUN_ID_DESCRIPTION,
  TENANT_DESCRIPTION,
  type Zod,
} from './schemas';
import { registerAudited } from './actionAudit';
import type { ActionServices } from './types';

/** What an assistant needs to know to write a job request. */
const REQUEST_DESCRIPTION = `The job request, as POST /api/emr-on-eks/tenants/:name/job-runs takes it: { name (letters, digits and . - _ / #, at most 64), entryPoint ("s3://bucket/app.py" or "local:///path/in/image.jar"), entryPointArguments?: string[], mainClass? (for a jar), releaseLabel? (such as "emr-7.5.0-latest"; the tenant's when left out), driver?: { cores, memory ("2g") }, executor?: { cores, memory, instances? | minExecutors?/maxExecutors?, localStorage? ("50Gi") }, spot? (executors on Spot, default true), priorityTier? ("low" | "standard" | "high"), sparkConf?: { "spark.*": string }, entityRef? (the catalog component of the job), tags?, retries? }. Defaults fill what is left out; the tenant's guardrails bound the sizes.`;

/** The request as the assistant sends it: any object, parsed like the REST API's body. */
const requestInput = (z: Zod) =>
  z.record(z.string(), z.unknown()).describe(REQUEST_DESCRIPTION);

/** The tenant the caller may submit to: 404 if hidden, 403 without submit. */
async function submittableTenant(
  services: Pick<ActionServices, 'access'>,
  name: string,
  credentials: BackstageCredentials,
): Promise<Tenant> {
  const { access } = services;
  // Who may not see the tenant's runs learns nothing: not found, as for none.
  const tenant = await access.visibleTenant(
    name,
    credentials,
    emrOnEksJobRunReadPermission,
  );
  await access.requireOn(
    emrOnEksJobRunSubmitPermission,
    tenant.name,
    credentials,
  );
  return tenant;
}

/** The message of a refused request without the REST API's prefix. */
function issueOf(error: Error): FieldIssue {
  return {
    path: '',
    message: error.message.replace(/^Invalid job run: /, ''),
  };
}

/**
 * `dry-run-job-run`, `submit-job-run` and `cancel-job-run`, with the
 * permission checks of `POST /tenants/:name/job-runs` (`?dryRun=true`) and
 * `POST /job-runs/:id/cancel`.
 */
export function registerJobRunWriteActions(services: ActionServices) {
  const { access, jobs } = services;

  registerAudited(services, {
    name: 'dry-run-job-run',
    title: 'Check a Spark job request (dry run)',
    description: `Checks a Spark job request against a tenant without running anything: answers what would be sent to EMR (the StartJobRun request and the driver/executor pod templates), or, when the request is not valid for the tenant, \`ok: false\` with the errors (each with the dotted path of the field and what to fix). Use it before submit-job-run, or to explain what a request would do. Needs the right to submit runs on the tenant; a tenant the user may not see answers "not found".`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          tenant: z.string().max(64).describe(TENANT_DESCRIPTION),
          request: requestInput(z),
        }),
      output: z =>
        z.object({
          ok: z.boolean().describe('True when the request would be accepted.'),
          errors: z
            .array(z.object({ path: z.string(), message: z.string() }))
            .describe(
              'What to fix, when ok is false (path empty: the whole request).',
            ),
          startJobRun: z
            .record(z.string(), z.unknown())
            .optional()
            .describe(
              'The StartJobRun request EMR would get (without its per-submission token).',
            ),
          podTemplates: z
            .record(z.string(), z.unknown())
            .optional()
            .describe(
              'The pod templates the run would use (YAML text per role).',
            ),
        }),
    },
    audit: {
      severityLevel: 'low',
      meta: input => ({
        tenant: input.tenant,
        name: String(input.request.name ?? ''),
      }),
    },
    action: async ({ input, credentials }) => {
      const tenant = await submittableTenant(
        services,
        input.tenant,
        credentials,
      );
      const parsed = parseJobRunRequest(input.request);
      if (!parsed.success) {
        return { output: { ok: false, errors: parsed.issues } };
      }
      try {
        const result = await jobs.submit({
          tenant,
          request: parsed.data,
          actor: actorOf(credentials),
          credentials,
          dryRun: true,
        });
        return {
          output: {
            ok: true,
            errors: [],
            startJobRun: result.startJobRun as Record<string, unknown>,
            podTemplates: result.podTemplates as unknown as
              | Record<string, unknown>
              | undefined,
          },
        };
      } catch (error) {
        // The guardrails' verdict (or a tenant not Ready) is the answer.
        if (error instanceof InputError || error instanceof ConflictError) {
          return { output: { ok: false, errors: [issueOf(error)] } };
        }
        throw error;
      }
    },
  });

  registerAudited(services, {
    name: 'submit-job-run',
    title: 'Submit a Spark job run',
    description: `Submits a Spark job to run on a tenant's EMR on EKS virtual cluster, as the calling user (it costs money: run dry-run-job-run first and confirm with the user). \`idempotencyKey\` is required: calling again with the same key returns the run the first call made instead of starting another (\`created: false\`), so a retry never runs a job twice; use a new key for a new run. Answers the run; follow it with get-job-run. Needs the right to submit runs on the tenant; a tenant the user may not see answers "not found"; an invalid request answers an input error saying what to fix.`,
    attributes: { readOnly: false, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          tenant: z.string().max(64).describe(TENANT_DESCRIPTION),
          request: requestInput(z),
          idempotencyKey: z
            .string()
            .regex(/^[A-Za-z0-9._:-]{1,64}$/)
            .describe(
              'At most one run per tenant and key: 1-64 letters, digits and . _ : - (for example "daily-sales-2026-12-07").',
            ),
        }),
      output: z =>
        z.object({
          created: z
            .boolean()
            .describe(
              'False when a run with this idempotency key already existed (it is the one answered).',
            ),
          run: jobRunOutput(z),
        }),
    },
    audit: {
      severityLevel: 'medium',
      meta: input => ({
        tenant: input.tenant,
        name: String(input.request.name ?? ''),
        idempotencyKey: input.idempotencyKey,
      }),
    },
    action: async ({ input, credentials }) => {
      const tenant = await submittableTenant(
        services,
        input.tenant,
        credentials,
      );
      const given = input.request.idempotencyKey;
      if (given !== undefined && given !== input.idempotencyKey) {
        throw new InputError(
          'Invalid input: request.idempotencyKey differs from idempotencyKey; give the key once, as idempotencyKey',
        );
      }
      const parsed = parseJobRunRequest({
        ...input.request,
        idempotencyKey: input.idempotencyKey,
      });
      if (!parsed.success) {
        throw new InputError(
          `Invalid job run: ${parsed.issues
            .map(i => (i.path ? `request.${i.path}: ${i.message}` : i.message))
            .join('; ')}`,
        );
      }
      const result = await jobs.submit({
        tenant,
        request: parsed.data as JobRunRequest,
        actor: actorOf(credentials),
        credentials,
      });
      return {
        output: { created: result.created, run: plain(result.run!) },
      };
    },
  });

  registerAudited(services, {
    name: 'cancel-job-run',
    title: 'Cancel a Spark job run',
    description: `Cancels a running or pending Spark job run by id, as the calling user; the run ends CANCELLED and cannot be resumed (confirm with the user first). Needs the right to cancel runs on the run's tenant; a run the user may not see answers "not found"; a run that has already ended answers a conflict.`,
    attributes: { readOnly: false, destructive: true, idempotent: false },
    schema: {
      input: z =>
        z.object({ id: z.string().max(64).describe(RUN_ID_DESCRIPTION) }),
      output: z => z.object({ run: jobRunOutput(z) }),
    },
    audit: {
      severityLevel: 'medium',
      meta: input => ({ jobRun: input.id }),
    },
    action: async ({ input, credentials }) => {
      const current = await readableRun(services, input.id, credentials);
      await access.requireOn(
        emrOnEksJobRunCancelPermission,
        current.tenant,
        credentials,
      );
      return {
        output: {
          run: plain(await jobs.cancel(current, actorOf(credentials))),
        },
      };
    },
  });
}
