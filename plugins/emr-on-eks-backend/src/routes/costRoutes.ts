import { InputError } from '@backstage/errors';
import {
  addCostDays,
  COST_GROUP_BY,
  costDaySchema,
  emrOnEksCostReadPermission,
  emrOnEksCostRefreshPermission,
  emrOnEksCostSummaryReadPermission,
  emrOnEksTenantHistoryReadPermission,
  jobRunRequestSchema,
  type CostGroupBy,
  type CostReport,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { Response, Router } from 'express';
import { z } from 'zod';
import type { CostPeriod, CostService } from '../services/costs/CostService';
import type { TenantService } from '../services/tenants/TenantService';
import { ApiAccess } from './access';
import { parseQuery } from './query';

/** Groupings of a tenant's or an entity's report; `tenant` is the summary's. */
const REPORT_GROUP_BY = COST_GROUP_BY.filter(g => g !== 'tenant');

const groupBySchema = z
  .string()
  .max(100)
  .transform((value, ctx) => {
    const parts = value.split(',').map(part => part.trim());
    const unknown = parts.filter(
      part => !(REPORT_GROUP_BY as readonly string[]).includes(part),
    );
    if (unknown.length > 0 || parts.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: `must be one or more of ${REPORT_GROUP_BY.join(
          ', ',
        )}, separated by commas (not ${unknown.join(', ') || 'empty'})`,
      });
      return z.NEVER;
    }
    return [...new Set(parts)] as CostGroupBy[];
  });

const periodShape = {
  from: costDaySchema.optional(),
  to: costDaySchema.optional(),
};

const reportQuerySchema = z
  .object({
    ...periodShape,
    groupBy: groupBySchema.optional(),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict();

const entityQuerySchema = reportQuerySchema
  .extend({
    // Parsed and normalised as on submission, so any spelling finds the rows.
    entityRef: jobRunRequestSchema.shape.entityRef.unwrap(),
  })
  .strict();

const summaryQuerySchema = z
  .object({ ...periodShape, format: z.enum(['json', 'csv']).default('json') })
  .strict();

const refreshQuerySchema = z
  .object({ from: costDaySchema, to: costDaySchema })
  .strict();

/**
 * Chargeback: a tenant's costs, an entity's, every tenant's (admins) and a
 * refresh of the rollups (admins). Reads come from the rollup tables only.
 */
export function addCostRoutes(
  router: Router,
  options: { access: ApiAccess; costs: CostService; tenants: TenantService },
) {
  const { access, costs, tenants } = options;
  const maxDays = () => costs.maxRangeDays;

  /** The period asked for: 30 days to today by default, `from` ≤ `to`, bounded. */
  function period(query: {
    from?: string;
    to?: string;
    groupBy?: CostGroupBy[];
  }): CostPeriod {
    const to = query.to ?? costs.today();
    const from = query.from ?? addCostDays(to, -29);
    if (from > to) {
      throw new InputError(
        `Invalid query: from: must not be after to (${from} > ${to})`,
      );
    }
    const days =
      (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) /
        86_400_000 +
      1;
    if (days > maxDays()) {
      throw new InputError(
        `Invalid query: to: the period from ${from} to ${to} is ${days} days; ask for at most ${maxDays()} (emrOnEks.costs.maxRangeDays)`,
      );
    }
    return { from, to, groupBy: query.groupBy ?? ['day'] };
  }

  function send(
    res: Response,
    report: CostReport,
    format: 'json' | 'csv',
    name: string,
  ) {
    if (format === 'csv') {
      res
        .type('text/csv')
        .attachment(
          `costs-${name.replace(/[^A-Za-z0-9_-]+/g, '-')}-${report.from}-${
            report.to
          }.csv`,
        )
        .send(costs.csv(report));
      return;
    }
    res.json(report);
  }

  router.get('/tenants/:name/costs', async (req, res) => {
    const credentials = await access.credentials(req);
    // Who may not read the tenant's costs learns nothing: 404, as for none.
    const tenant = await access.visibleTenant(
      req.params.name,
      credentials,
      emrOnEksCostReadPermission,
    );
    const query = parseQuery(reportQuerySchema, req.query);
    const report = await costs.report(
      { tenantUids: [tenant.uid] },
      period(query),
    );
    send(res, report, query.format, tenant.name);
  });

  router.get('/tenant-history/:uid/costs', async (req, res) => {
    const credentials = await access.credentials(req);
    // An offboarded incarnation's costs: for who may read tenant history
    // (admins), never for whoever holds the name now.
    const tenant = await access.visibleOffboardedTenant(
      req.params.uid,
      credentials,
    );
    const query = parseQuery(reportQuerySchema, req.query);
    const report = await costs.report(
      { tenantUids: [tenant.uid] },
      period(query),
    );
    send(res, report, query.format, `${tenant.name}-offboarded`);
  });

  router.get('/costs/summary', async (req, res) => {
    const credentials = await access.credentials(req);
    await access.requireBasic(emrOnEksCostSummaryReadPermission, credentials);
    const query = parseQuery(summaryQuerySchema, req.query);
    const { from, to } = period(query);
    const summary = await costs.summary({ from, to });
    send(res, summary, query.format, 'summary');
  });

  router.get('/costs', async (req, res) => {
    const credentials = await access.credentials(req);
    const query = parseQuery(entityQuerySchema, req.query);
    const range = period(query);
    // The entity's rows in the current tenants the caller may read, and in
    // offboarded ones for who may read tenant history; others are left out,
    // not refused, so the answer says nothing of them. Only the tenants with
    // rows of the entity are asked about (usually one).
    const uids = await costs.tenantUidsWithCostsOf(query.entityRef, range);
    const current = uids.length ? await tenants.listIdentities(uids) : [];
    const allowed = await access.allowedOn(
      emrOnEksCostReadPermission,
      current.map(c => c.name),
      credentials,
    );
    const isCurrent = new Set(current.map(c => c.uid));
    const offboarded = uids.filter(uid => !isCurrent.has(uid));
    const readable = [
      ...current.filter((_, i) => allowed[i]).map(c => c.uid),
      ...(offboarded.length > 0 &&
      (await access.allowed(emrOnEksTenantHistoryReadPermission, credentials))
        ? offboarded
        : []),
    ];
    const report = await costs.report(
      { tenantUids: readable, entityRef: query.entityRef },
      range,
    );
    send(res, report, query.format, query.entityRef);
  });

  router.post('/costs/refresh', async (req, res) => {
    const credentials = await access.credentials(req);
    const result = await access.audited(
      req,
      'cost-refresh',
      {
        from: String(req.query.from ?? ''),
        to: String(req.query.to ?? ''),
      },
      async () => {
        await access.requireBasic(emrOnEksCostRefreshPermission, credentials);
        const query = parseQuery(refreshQuerySchema, req.query);
        const range = period(query);
        return costs.refresh({ from: range.from, to: range.to });
      },
    );
    res.json(result);
  });
}
