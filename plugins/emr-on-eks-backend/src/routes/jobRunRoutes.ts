import { InputError } from '@backstage/errors';
import {
  emrOnEksJobRunCancelPermission,
  emrOnEksJobRunReadPermission,
  emrOnEksJobRunSubmitPermission,
  emrOnEksTenantHistoryReadPermission,
  formatIssues,
  JOB_RUN_STATES,
  jobRunRequestSchema,
  parseJobRunRequest,
  tenantNameSchema,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Request, Router } from 'express';
import { z } from 'zod';
import type { JobSubmissionService } from '../services/jobs/JobSubmissionService';
import type { TenantService } from '../services/tenants/TenantService';
import { actorOf, ApiAccess } from './access';
import { parseQuery } from './query';
import { readableRun } from './readableRun';

const state = z.enum(JOB_RUN_STATES);

const listQuerySchema = z
  .object({
    state: z.union([state, z.array(state)]).optional(),
    createdAfter: z.iso.datetime({ offset: true }).optional(),
    createdBefore: z.iso.datetime({ offset: true }).optional(),
    // A substring of the job name, any case (job names are 1-64 characters).
    name: z
      .string()
      .min(1, { message: 'must not be empty (leave it out for every run)' })
      .max(64, { message: 'must be at most 64 characters (a job name is)' })
      .optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(512).optional(),
    // Validated and normalised as on submission, so that any spelling of a
    // ref (Component:Default/Daily-Sales) finds the runs stored under it.
    entityRef: jobRunRequestSchema.shape.entityRef,
    tenant: tenantNameSchema.optional(),
  })
  .strict();

/** `dryRun` is `true`, `false` or absent; anything else is a mistake, not a submission. */
function dryRunOf(value: unknown): boolean {
  if (value === undefined || value === 'false') {
    return false;
  }
  if (value === 'true') {
    return true;
  }
  throw new InputError(
    'Invalid query: dryRun: must be true or false (or left out)',
  );
}

function parseListQuery(query: Request['query']) {
  const q = parseQuery(listQuerySchema, query);
  return {
    states:
      q.state === undefined
        ? undefined
        : ([] as (typeof JOB_RUN_STATES)[number][]).concat(q.state),
    createdAfter: q.createdAfter ? new Date(q.createdAfter) : undefined,
    createdBefore: q.createdBefore ? new Date(q.createdBefore) : undefined,
    name: q.name,
    limit: q.limit,
    cursor: q.cursor,
    entityRef: q.entityRef,
    tenant: q.tenant,
  };
}

/** The list query of one tenant's runs: no `entityRef` or `tenant` filter. */
function parseOneTenantListQuery(query: Request['query']) {
  const parsed = parseListQuery(query);
  if (parsed.entityRef !== undefined || parsed.tenant !== undefined) {
    throw new InputError(
      'Invalid query: entityRef and tenant filter /job-runs, not a tenant’s list',
    );
  }
  return parsed;
}

/** Job runs: submit (with dry run), list per tenant or entity, read, cancel. */
export function addJobRunRoutes(
  router: Router,
  options: {
    access: ApiAccess;
    jobs: JobSubmissionService;
    tenants: TenantService;
  },
) {
  const { access, jobs, tenants } = options;

  const visibleRun = (id: string, credentials: BackstageCredentials) =>
    readableRun(options, id, credentials);

  router.post('/tenants/:name/job-runs', async (req, res) => {
    const credentials = await access.credentials(req);
    const dryRun = dryRunOf(req.query.dryRun);
    const result = await access.audited(
      req,
      dryRun ? 'job-run-dry-run' : 'job-run-submit',
      { tenant: req.params.name, name: String(req.body?.name ?? '') },
      async () => {
        // Who may not see the tenant's runs learns nothing: 404, as for none.
        const tenant = await access.visibleTenant(
          req.params.name,
          credentials,
          emrOnEksJobRunReadPermission,
        );
        await access.requireOn(
          emrOnEksJobRunSubmitPermission,
          tenant.name,
          credentials,
        );
        const parsed = parseJobRunRequest(req.body);
        if (!parsed.success) {
          throw new InputError(
            `Invalid job run: ${formatIssues(parsed.issues)}`,
          );
        }
        return jobs.submit({
          tenant,
          request: parsed.data,
          actor: actorOf(credentials),
          credentials,
          dryRun,
        });
      },
    );
    if (dryRun) {
      res.json({
        startJobRun: result.startJobRun,
        podTemplates: result.podTemplates,
      });
      return;
    }
    res
      .status(result.created ? 201 : 200)
      .location(`../../job-runs/${result.run!.id}`)
      .json(result.run);
  });

  router.get('/tenants/:name/job-runs', async (req, res) => {
    const credentials = await access.credentials(req);
    const tenant = await access.visibleTenant(
      req.params.name,
      credentials,
      emrOnEksJobRunReadPermission,
    );
    const query = parseOneTenantListQuery(req.query);
    res.json(await jobs.listRuns({ ...query, tenantUids: [tenant.uid] }));
  });

  router.get('/job-runs', async (req, res) => {
    const credentials = await access.credentials(req);
    const query = parseListQuery(req.query);
    // Runs of the current tenants (of one, or with runs of the entity);
    // those of offboarded tenants only with the history permission.
    let candidates: Array<{ name: string; uid: string }>;
    let offboardedUids: string[] = [];
    if (query.tenant !== undefined) {
      const tenant = await tenants.findTenant(query.tenant);
      candidates = tenant ? [{ name: tenant.name, uid: tenant.uid }] : [];
    } else if (query.entityRef !== undefined) {
      const uids = await jobs.tenantUidsWithRunsOf(query.entityRef);
      candidates = await tenants.listIdentities(uids);
      const current = new Set(candidates.map(c => c.uid));
      offboardedUids = uids.filter(uid => !current.has(uid));
      if (
        offboardedUids.length > 0 &&
        !(await access.allowed(
          emrOnEksTenantHistoryReadPermission,
          credentials,
        ))
      ) {
        offboardedUids = [];
      }
    } else {
      candidates = await tenants.listIdentities();
    }
    // Runs of tenants the caller may not read are left out, not refused.
    const allowed = await access.allowedOn(
      emrOnEksJobRunReadPermission,
      candidates.map(c => c.name),
      credentials,
    );
    res.json(
      await jobs.listRuns({
        ...query,
        tenantUids: [
          ...candidates.filter((_, i) => allowed[i]).map(c => c.uid),
          ...offboardedUids,
        ],
      }),
    );
  });

  router.get('/tenant-history/:uid/job-runs', async (req, res) => {
    const credentials = await access.credentials(req);
    const query = parseOneTenantListQuery(req.query);
    const offboarded = await access.visibleOffboardedTenant(
      req.params.uid,
      credentials,
    );
    res.json(await jobs.listRuns({ ...query, tenantUids: [offboarded.uid] }));
  });

  router.get('/job-runs/:id', async (req, res) => {
    const credentials = await access.credentials(req);
    const run = await visibleRun(req.params.id, credentials);
    res.json({ ...run, history: await jobs.history(run.id) });
  });

  router.post('/job-runs/:id/cancel', async (req, res) => {
    const credentials = await access.credentials(req);
    const run = await access.audited(
      req,
      'job-run-cancel',
      { jobRun: req.params.id },
      async () => {
        const current = await visibleRun(req.params.id, credentials);
        await access.requireOn(
          emrOnEksJobRunCancelPermission,
          current.tenant,
          credentials,
        );
        return jobs.cancel(current, actorOf(credentials));
      },
    );
    res.json(run);
  });
}
