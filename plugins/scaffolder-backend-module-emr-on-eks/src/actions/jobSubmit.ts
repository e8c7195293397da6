import { parseEntityRef } from '@backstage/catalog-model';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JobRunRequestInput } from '@spot-spark/plugin-emr-on-eks-common';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BackendClientDeps } from './backendClient';
import { describeBackendError } from './backendErrors';
import { checkJobRequest, tenantJobInputSchema } from './jobRequestInput';
import { examples } from './jobSubmit.examples';
import { AppLinks, tenantUrl } from './tenantOutputs';

/**
 * The idempotency key of a submission from a task: the same for every retry
 * of one step of one task, different across steps and tasks.
 */
export function taskIdempotencyKey(taskId: string, stepId = ''): string {
  const step = createHash('sha256')
    .update(`${taskId}/${stepId}`)
    .digest('hex')
    .slice(0, 12);
  // Task ids are UUIDs; anything else is hashed whole to stay in the
  // backend's alphabet and length.
  const task = /^[A-Za-z0-9-]{1,40}$/.test(taskId)
    ? taskId
    : createHash('sha256').update(taskId).digest('hex').slice(0, 40);
  return `task-${task}-${step}`;
}

/**
 * Where the app shows a run: its drawer on the entity's job-runs tab when the
 * run names an entity, else the tenant's page.
 */
export function runUrl(
  links: AppLinks,
  tenant: string,
  runId: string,
  entityRef?: string,
): string {
  if (!entityRef) {
    return tenantUrl(links, tenant);
  }
  const ref = parseEntityRef(entityRef);
  const path = [ref.namespace, ref.kind, ref.name]
    .map(part => encodeURIComponent(part.toLocaleLowerCase('en-US')))
    .join('/');
  return `${links.baseUrl}/catalog/${path}/emr-job-runs?${new URLSearchParams({
    run: runId,
  })}`;
}

/**
 * Waits until the catalog shows the entity to the user (a location
 * registered a moment ago is processed in the background). Gives up quietly
 * when the time is up: the backend then says what is wrong with the ref.
 */
async function waitForEntity(options: {
  catalog: CatalogService;
  entityRef: string;
  credentials: BackstageCredentials;
  timeoutMs: number;
  pollIntervalMs: number;
  log(message: string): void;
  signal?: AbortSignal;
}) {
  const { catalog, entityRef, credentials } = options;
  const deadline = Date.now() + options.timeoutMs;
  let logged = false;
  while (!(await catalog.getEntityByRef(entityRef, { credentials }))) {
    if (Date.now() >= deadline) {
      return;
    }
    if (!logged) {
      options.log(`Waiting for ${entityRef} to appear in the catalog`);
      logged = true;
    }
    await sleep(
      Math.min(options.pollIntervalMs, Math.max(0, deadline - Date.now())),
      undefined,
      { signal: options.signal },
    );
  }
}

/**
 * `emr-on-eks:job:submit`: submits a Spot-ready job run to a tenant as the
 * user running the template, once per task step.
 *
 * @public
 */
export function createJobSubmitAction(
  options: BackendClientDeps & {
    links: AppLinks;
    catalog: CatalogService;
    /** How often to look for the run's entity while waiting for it. */
    pollIntervalSeconds: number;
  },
) {
  return createTemplateAction({
    id: 'emr-on-eks:job:submit',
    description:
      "Submits a Spark job run to an EMR on EKS tenant as the user running the template (driver On-Demand, executors Spot unless asked otherwise), checked against the tenant's limits; a retried task submits once.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...tenantJobInputSchema,
        idempotencyKey: z =>
          z
            .string()
            .optional()
            .describe(
              'At most one run per tenant and key (default: from the task and step)',
            ),
        waitForEntityMinutes: z =>
          z
            .number()
            .min(0)
            .max(30)
            .optional()
            .describe(
              "How long to wait for the job's entity (job.entityRef) to appear in the catalog first, for a component a previous step just registered (default 0: no wait)",
            ),
      },
      output: {
        jobRunId: z => z.string().describe('Id of the run in Backstage'),
        emrJobRunId: z => z.string().describe('Id of the run in EMR'),
        runUrl: z => z.string().describe("The run's page in the app"),
      },
    },
    async handler(ctx) {
      const { tenant } = ctx.input;
      const job: JobRunRequestInput = {
        ...(ctx.input.job as JobRunRequestInput),
        idempotencyKey:
          ctx.input.idempotencyKey ??
          taskIdempotencyKey(ctx.task.id, ctx.step?.id),
      };
      if (ctx.isDryRun) {
        checkJobRequest(job);
        ctx.logger.info(
          `Dry run: would submit ${job.name} to tenant ${tenant}`,
        );
        return;
      }
      const credentials = await ctx.getInitiatorCredentials();
      if (job.entityRef && ctx.input.waitForEntityMinutes) {
        await waitForEntity({
          catalog: options.catalog,
          entityRef: job.entityRef,
          credentials,
          timeoutMs: ctx.input.waitForEntityMinutes * 60_000,
          pollIntervalMs: options.pollIntervalSeconds * 1000,
          log: message => ctx.logger.info(message),
          signal: ctx.signal,
        });
      }
      const client = options.emrOnEks.forCredentials(credentials);
      // The key already makes the backend answer a repeat with the same run;
      // the checkpoint spares the call.
      const run = await ctx.checkpoint({
        key: `emr-on-eks.job.submit.${tenant}.${job.idempotencyKey}`,
        fn: async () => {
          try {
            const result = await client.submitJobRun(tenant, job);
            ctx.logger.info(
              result.created
                ? `Submitted ${result.run.name} to tenant ${tenant}: ${result.run.state}`
                : `Tenant ${tenant} already has this submission: ${result.run.id}`,
            );
            return {
              id: result.run.id,
              emrJobRunId: result.run.emrJobRunId ?? '',
            };
          } catch (error) {
            throw describeBackendError(
              error,
              `Submitting ${job.name} to tenant ${tenant}`,
            );
          }
        },
      });
      ctx.output('jobRunId', run.id);
      ctx.output('emrJobRunId', run.emrJobRunId);
      ctx.output(
        'runUrl',
        runUrl(options.links, tenant, run.id, job.entityRef),
      );
    },
  });
}
