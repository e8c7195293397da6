import {
  emrOnEksJobRunReadPermission,
  isTerminalJobRunState,
  type JobRun,
  type JobRunState,
} from '@spot-spark/plugin-emr-on-eks-common';
import { redactIdentifiers } from '../domain/redact';
import { readableRun } from '../routes/readableRun';
import {
  normalisedEntityRef,
  readableRunTenantUids,
  requireOneScope,
  scopeAuditMeta,
} from './runScope';
import {
  jobRunOutput,
  jobRunState,
  plain,
  scopeInput,
  RUN_ID_DESCRIPTION,
} from './schemas';
import { registerAudited } from './actionAudit';
import type { ActionServices } from './types';

/** Lines of the driver log's tail get-job-run answers unless told. */
const DEFAULT_LOG_LINES = 50;

/**
 * `list-job-runs` and `get-job-run`: a tenant's or an entity's runs, and one
 * run with its history, failure and the tail of its driver log. Read-only;
 * the permission checks are those of `GET /tenants/:name/job-runs`, `GET
 * /job-runs?entityRef=` and `GET /job-runs/:id`.
 */
export function registerJobRunReadActions(services: ActionServices) {
  const { access, jobs } = services;

  registerAudited(services, {
    name: 'list-job-runs',
    title: 'List Spark job runs',
    description: `Lists the Spark job runs of one EMR on EKS tenant or of one catalog entity (a Spark job component), newest first, as the calling user may see them. Use it to answer "what ran / what failed / what is running" for a team or a job. Give exactly one of \`tenant\` or \`entityRef\`. A tenant the user may not read answers "not found"; runs of an entity in tenants the user may not read are left out. Pages: pass \`nextCursor\` back as \`cursor\`. Each run's \`id\` (a UUID) is what get-job-run and cancel-job-run take.`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          ...scopeInput(z),
          states: z
            .array(jobRunState(z))
            .max(8)
            .optional()
            .describe('Only runs in these states (any of them).'),
          name: z
            .string()
            .min(1)
            .max(64)
            .optional()
            .describe(
              'Only runs whose job name contains this text (any case).',
            ),
          createdAfter: z
            .string()
            .datetime({ offset: true })
            .optional()
            .describe('Only runs created at or after this ISO 8601 time.'),
          createdBefore: z
            .string()
            .datetime({ offset: true })
            .optional()
            .describe('Only runs created before this ISO 8601 time.'),
          limit: z
            .number()
            .int()
            .min(1)
            .max(200)
            .default(20)
            .describe('Runs per page (1-200, default 20).'),
          cursor: z
            .string()
            .max(512)
            .optional()
            .describe('The `nextCursor` of the previous page.'),
        }),
      output: z =>
        z.object({
          items: z.array(jobRunOutput(z)),
          nextCursor: z
            .string()
            .optional()
            .describe(
              'Pass as `cursor` for the next page; absent on the last.',
            ),
        }),
    },
    audit: {
      severityLevel: 'low',
      meta: scopeAuditMeta,
    },
    action: async ({ input, credentials }) => {
      requireOneScope(input, 'runs');
      const query = {
        states: input.states as JobRunState[] | undefined,
        name: input.name,
        createdAfter: input.createdAfter
          ? new Date(input.createdAfter)
          : undefined,
        createdBefore: input.createdBefore
          ? new Date(input.createdBefore)
          : undefined,
        limit: input.limit,
        cursor: input.cursor,
      };
      if (input.tenant !== undefined) {
        const tenant = await access.visibleTenant(
          input.tenant,
          credentials,
          emrOnEksJobRunReadPermission,
        );
        return {
          output: plain(
            await jobs.listRuns({ ...query, tenantUids: [tenant.uid] }),
          ),
        };
      }
      const entityRef = normalisedEntityRef(input.entityRef!);
      return {
        output: plain(
          await jobs.listRuns({
            ...query,
            entityRef,
            tenantUids: await readableRunTenantUids(
              services,
              entityRef,
              credentials,
            ),
          }),
        ),
      };
    },
  });

  registerAudited(services, {
    name: 'get-job-run',
    title: 'Get a Spark job run',
    description: `One Spark job run by id, as the calling user may see it: its state, every state it passed through (\`history\`), why it failed (\`failureReason\`, \`stateDetails\`), what it asked for, and the last lines of its driver log (where Spark writes its errors). Use it to answer "why did my job fail". A run the user may not read answers "not found". \`driverLog.available\` is false, with a reason, when the log cannot be read (no logs yet, or log reading is not set up).`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          id: z.string().max(64).describe(RUN_ID_DESCRIPTION),
          logLines: z
            .number()
            .int()
            .min(0)
            .max(500)
            .default(DEFAULT_LOG_LINES)
            .describe(
              `Lines of the driver log's end to include (0-500, default ${DEFAULT_LOG_LINES}; 0 for none).`,
            ),
        }),
      output: z =>
        z.object({
          run: jobRunOutput(z),
          driverLog: z.object({
            available: z.boolean(),
            reason: z
              .string()
              .optional()
              .describe('Why the log is not included, when it is not.'),
            container: z.string().optional(),
            stream: z.string().optional(),
            lines: z
              .array(z.string())
              .describe('The last lines of the driver log, oldest first.'),
          }),
        }),
    },
    audit: {
      severityLevel: 'low',
      meta: input => ({ jobRun: input.id }),
    },
    action: async ({ input, credentials }) => {
      const run = await readableRun(services, input.id, credentials);
      const [history, driverLog] = await Promise.all([
        jobs.history(run.id),
        driverLogTail(services, run, input.logLines),
      ]);
      return { output: { run: plain({ ...run, history }), driverLog } };
    },
  });
}

/** The tail of the run's driver log (stderr first: Spark logs there). */
async function driverLogTail(
  services: Pick<ActionServices, 'logs'>,
  run: JobRun,
  lines: number,
) {
  const none = (reason: string) => ({ available: false, reason, lines: [] });
  const { logs } = services;
  if (!logs) {
    return none(
      'Log reading is not set up on this Backstage (the plugin has no logs capability).',
    );
  }
  if (lines === 0) {
    return none('Not asked for (logLines is 0).');
  }
  try {
    const streams = await logs.listStreams(run);
    const drivers = streams.items.filter(s => s.role === 'driver');
    const stream =
      drivers.find(s => s.stream === 'stderr') ??
      drivers.find(s => s.stream === 'stdout');
    if (!stream) {
      return none(
        streams.emptyReason ??
          (isTerminalJobRunState(run.state)
            ? 'The run has no driver log.'
            : 'The driver has not written a log yet.'),
      );
    }
    const page = await logs.page(run, stream.id, {});
    const text = page.text.endsWith('\n') ? page.text.slice(0, -1) : page.text;
    return {
      available: true,
      container: stream.container,
      stream: stream.stream,
      lines: text === '' ? [] : text.split('\n').slice(-lines),
    };
  } catch (error) {
    // The run is the answer; a log that cannot be read is said, not thrown.
    return none(
      `The driver log could not be read: ${redactIdentifiers(
        (error as Error).message,
      )}`,
    );
  }
}
