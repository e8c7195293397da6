import { InputError } from '@backstage/errors';
import {
  COST_GROUP_BY,
  costDaySchema,
  emrOnEksCostReadPermission,
  type CostGroupBy,
} from '@spot-spark/plugin-emr-on-eks-common';
import { readableCostTenantUids } from '../routes/costScope';
import type { CostPeriod } from '../services/costs/CostService';
import {
  normalisedEntityRef,
  requireOneScope,
  scopeAuditMeta,
} from './runScope';
import { TENANT_DESCRIPTION, plain, scopeInput, type Zod } from './schemas';
import { registerAudited } from './actionAudit';
import type { ActionServices } from './types';

/** Groupings of a tenant's or an entity's report (`tenant` is the admins' summary's). */
const REPORT_GROUP_BY = COST_GROUP_BY.filter(g => g !== 'tenant');

const DAY_DESCRIPTION = 'A calendar day, YYYY-MM-DD (UTC).';

/** A cost report: the totals named, each row kept whole. */
const costReportOutput = (z: Zod) =>
  z
    .object({
      currency: z.string(),
      from: z.string(),
      to: z.string(),
      groupBy: z.array(z.string()),
      total: z.number().describe('Everything charged in the period.'),
      estimatedTotal: z
        .number()
        .describe(
          'The part of the total that is estimated (days the bill does not cover yet).',
        ),
      completeThrough: z
        .string()
        .nullable()
        .describe(
          'The last day the AWS bill covers; later days are estimates.',
        ),
      spotSavings: z.number().nullable(),
      rows: z.array(z.object({ amount: z.number() }).passthrough()),
    })
    .passthrough();

/**
 * `get-costs` and `get-cost-forecast`: chargeback of a tenant or an entity,
 * and a tenant's month forecast against its budget, with the permission
 * checks of `GET /tenants/:name/costs`, `GET /costs?entityRef=` and `GET
 * /tenants/:name/costs/forecast`.
 */
export function registerCostActions(services: ActionServices) {
  const { access, costs, tenants, budgets } = services;

  /** The period asked for, as the REST API reads it: 30 days to today by default, bounded. */
  function period(input: {
    from?: string;
    to?: string;
    groupBy?: string[];
  }): CostPeriod {
    for (const field of ['from', 'to'] as const) {
      const value = input[field];
      if (value !== undefined && !costDaySchema.safeParse(value).success) {
        throw new InputError(
          `Invalid input: ${field}: must be a calendar day written YYYY-MM-DD (not ${value})`,
        );
      }
    }
    const groupBy = [...new Set(input.groupBy ?? ['day'])] as CostGroupBy[];
    return costs.period({ from: input.from, to: input.to, groupBy }, 'input');
  }

  registerAudited(services, {
    name: 'get-costs',
    title: 'Get Spark costs',
    description: `What a tenant (team) or a catalog entity (a Spark job) cost on EMR on EKS over a period, as the calling user may see it: the total in the bill's currency, the estimated part (days the AWS bill does not cover yet), Spot savings, and rows grouped by day, job, category (compute or EMR uplift) and/or capacity type. Give exactly one of \`tenant\` or \`entityRef\`. The period defaults to the last 30 days. A tenant the user may not read answers "not found"; an entity's costs in tenants the user may not read are left out. For "what did my failed job cost", group by job and match the run's emrJobRunId.`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          ...scopeInput(z),
          from: z
            .string()
            .optional()
            .describe(
              `${DAY_DESCRIPTION} First day; 29 days before \`to\` by default.`,
            ),
          to: z
            .string()
            .optional()
            .describe(
              `${DAY_DESCRIPTION} Last day, included; today by default.`,
            ),
          groupBy: z
            .array(z.enum(REPORT_GROUP_BY as unknown as [string, ...string[]]))
            .min(1)
            .max(4)
            .optional()
            .describe('How rows are grouped (default: by day).'),
        }),
      output: z => costReportOutput(z),
    },
    audit: {
      severityLevel: 'low',
      meta: scopeAuditMeta,
    },
    action: async ({ input, credentials }) => {
      requireOneScope(input, 'costs');
      if (input.tenant !== undefined) {
        // Who may not read the tenant's costs learns nothing: not found.
        const tenant = await access.visibleTenant(
          input.tenant,
          credentials,
          emrOnEksCostReadPermission,
        );
        const range = period(input);
        return {
          output: plain(
            await costs.report({ tenantUids: [tenant.uid] }, range),
          ),
        };
      }
      const entityRef = normalisedEntityRef(input.entityRef!);
      const range = period(input);
      const tenantUids = await readableCostTenantUids(
        access,
        costs,
        tenants,
        credentials,
        { entityRef },
        range,
      );
      return {
        output: plain(await costs.report({ tenantUids, entityRef }, range)),
      };
    },
  });

  if (budgets) {
    registerAudited(services, {
      name: 'get-cost-forecast',
      title: 'Get a tenant’s cost forecast and budget',
      description: `A tenant's (team's) costs for a calendar month against its budget: the month to date (billed and estimated), the forecast for the month's end with a low/high band, the monthly budget (amount, currency, alert thresholds; null when none is set) and its status (ok, at-risk when the forecast reaches the budget, over when the month to date has). Use it for "will we break our budget this month". The month defaults to the current one. A tenant the user may not read answers "not found".`,
      attributes: { readOnly: true, destructive: false, idempotent: true },
      schema: {
        input: z =>
          z.object({
            tenant: z.string().max(64).describe(TENANT_DESCRIPTION),
            month: z
              .string()
              .regex(/^2\d{3}-(0[1-9]|1[0-2])$/)
              .optional()
              .describe(
                'The calendar month, YYYY-MM (UTC); the current one by default.',
              ),
          }),
        output: z =>
          z
            .object({
              tenant: z.string(),
              month: z.string(),
              currency: z.string(),
              monthToDate: z
                .object({
                  total: z.number(),
                  billed: z.number(),
                  estimated: z.number(),
                })
                .passthrough(),
              forecast: z
                .object({
                  amount: z.number(),
                  low: z.number(),
                  high: z.number(),
                  method: z.string(),
                })
                .passthrough(),
              budget: z
                .object({ amount: z.number(), currency: z.string() })
                .passthrough()
                .nullable(),
              status: z.object({ state: z.string() }).passthrough().nullable(),
            })
            .passthrough(),
      },
      audit: {
        severityLevel: 'low',
        meta: input => ({ tenant: input.tenant, month: input.month ?? null }),
      },
      action: async ({ input, credentials }) => {
        const tenant = await access.visibleTenant(
          input.tenant,
          credentials,
          emrOnEksCostReadPermission,
        );
        return {
          output: plain(
            await budgets.forecast(
              { name: tenant.name, uid: tenant.uid },
              input.month,
            ),
          ),
        };
      },
    });
  }
}
