import { InputError, NotFoundError } from '@backstage/errors';
import {
  COST_GROUP_BY,
  costDaySchema,
  emrOnEksCostReadPermission,
  emrOnEksCostRefreshPermission,
  costMonthSchema,
  emrOnEksCostSummaryReadPermission,
  jobRunRequestSchema,
  tenantSpecInputSchema,
  type CostGroupBy,
  type CostReport,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { Response, Router } from 'express';
import { z } from 'zod';
import type { CostOverviewService } from '../services/costs/CostOverviewService';
import type { CostPeriod, CostService } from '../services/costs/CostService';
import type { TenantService } from '../services/tenants/TenantService';
import { ApiAccess } from './access';
import { type CostReadScope, readableCostTenantUids } from './costScope';
import { parseQuery } from './query';

/**
 * Groupings of a tenant's or an entity's report; `tenant` is the summary's
 * and an owner's (whose report spans tenants).
 */
const REPORT_GROUP_BY = COST_GROUP_BY.filter(g => g !== 'tenant');

function groupByOf(allowed: readonly CostGroupBy[]) {
  return z
    .string()
    .max(100)
    .transform((value, ctx) => {
      const parts = value.split(',').map(part => part.trim());
      const unknown = parts.filter(
        part => !(allowed as readonly string[]).includes(part),
      );
      if (unknown.length > 0 || parts.length === 0) {
        ctx.addIssue({
          code: 'custom',
          message: `must be one or more of ${allowed.join(
            ', ',
          )}, separated by commas (not ${unknown.join(', ') || 'empty'})`,
        });
        return z.NEVER;
      }
      return [...new Set(parts)] as CostGroupBy[];
    });
}

const groupBySchema = groupByOf(REPORT_GROUP_BY);

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

const ownerQuerySchema = reportQuerySchema
  .extend({
    // Parsed and normalised as a tenant's owner is stored (a group or user).
    ownerRef: tenantSpecInputSchema.shape.owner,
    groupBy: groupByOf(COST_GROUP_BY).optional(),
  })
  .strict();

const overviewQuerySchema = z
  .object({
    month: costMonthSchema.optional(),
    format: z.enum(['json', 'csv']).default('json'),
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
  options: {
    access: ApiAccess;
    costs: CostService;
    tenants: TenantService;
    /** The admin's monthly overview; the endpoint is absent without it. */
    overview?: CostOverviewService;
  },
) {
  const { access, costs, tenants, overview } = options;
  const period = (query: {
    from?: string;
    to?: string;
    groupBy?: CostGroupBy[];
  }): CostPeriod => costs.period(query);

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

  if (overview) {
    router.get('/costs/overview', async (req, res) => {
      const credentials = await access.credentials(req);
      // Every tenant side by side, for admins only. Others get 404, as for
      // the clusters: the page reveals every tenant's name and spend.
      if (
        !(await access.allowed(emrOnEksCostSummaryReadPermission, credentials))
      ) {
        throw new NotFoundError('cost overview not found');
      }
      const query = parseQuery(overviewQuerySchema, req.query);
      // Serialised (and gzipped) once per month and version, on each
      // replica; a browser holding this version gets a 304.
      const gzip = req.acceptsEncodings('gzip', 'identity') === 'gzip';
      const sent = await overview.serialised(
        query.month ?? overview.currentMonth(),
        query.format,
        gzip ? 'gzip' : 'identity',
      );
      res
        .set('Cache-Control', 'private, no-cache')
        .set('ETag', sent.etag)
        .vary('Accept-Encoding');
      if (sent.encoding === 'gzip') {
        // The compression middleware leaves an encoded answer as it is.
        res.set('Content-Encoding', 'gzip');
      }
      if (query.format === 'csv') {
        res
          .type('text/csv')
          .attachment(`cost-overview-${sent.overview.month}.csv`);
      } else {
        res.type('application/json');
      }
      res.send(sent.body);
    });
  }

  router.get('/costs', async (req, res) => {
    const credentials = await access.credentials(req);
    // An entity's rows, or every tenant of an owner: exactly one of them.
    const byOwner = req.query.ownerRef !== undefined;
    if (byOwner === (req.query.entityRef !== undefined)) {
      throw new InputError(
        'Invalid query: entityRef, ownerRef: give exactly one of them (an entity such as component:default/daily-sales, or an owner such as group:default/team-a)',
      );
    }
    let query: z.output<typeof reportQuerySchema>;
    let scope: CostReadScope;
    if (byOwner) {
      const { ownerRef, ...rest } = parseQuery(ownerQuerySchema, req.query);
      query = rest;
      scope = { ownerRef };
    } else {
      const { entityRef, ...rest } = parseQuery(entityQuerySchema, req.query);
      query = rest;
      scope = { entityRef };
    }
    const range = period(query);
    // The current tenants the caller may read, and offboarded ones for who
    // may read tenant history; others are left out, not refused, so the
    // answer says nothing of them.
    const readable = await readableCostTenantUids(
      access,
      costs,
      tenants,
      credentials,
      scope,
      range,
    );
    const report = await costs.report(
      'entityRef' in scope
        ? { tenantUids: readable, entityRef: scope.entityRef }
        : { tenantUids: readable },
      range,
    );
    send(
      res,
      report,
      query.format,
      'ownerRef' in scope ? scope.ownerRef : scope.entityRef,
    );
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
