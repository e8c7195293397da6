import type { LoggerService } from '@backstage/backend-plugin-api';
import { isError, ServiceUnavailableError } from '@backstage/errors';
import {
  addCostDays,
  costDays,
  type CostGroupBy,
  type CostRefreshResult,
  type CostReport,
  type CostSummary,
} from '@spot-spark/plugin-emr-on-eks-common';
import { clusterOfTenant, type EmrOnEksSettings } from '../config';
import { costReportCsv } from '../domain/costs/csv';
import { rollUpCosts, type CostTenant } from '../domain/costs/rollup';
import type { CostSources } from '../gateways/costs/createCostSources';
import type { CostScope, CostStore } from '../stores/CostStore';
import type { JobRunStore } from '../stores/JobRunStore';
import type { TenantStore } from '../stores/TenantStore';

/** A report's period and grouping, parsed. */
export interface CostPeriod {
  from: string;
  to: string;
  groupBy: CostGroupBy[];
}

/**
 * Chargeback: rolls the bill and the compute source up into daily rows per
 * tenant and job (scheduled, or on an admin's request), and answers reports
 * from those rows only: no page view reaches AWS, Kubecost or a file.
 */
export class CostService {
  private constructor(
    private readonly options: {
      settings: EmrOnEksSettings;
      costs: CostStore;
      jobs: JobRunStore;
      tenants: TenantStore;
      sources?: CostSources;
      logger: LoggerService;
      now: () => Date;
    },
  ) {}

  static create(options: {
    settings: EmrOnEksSettings;
    costs: CostStore;
    jobs: JobRunStore;
    tenants: TenantStore;
    sources?: CostSources;
    logger: LoggerService;
    now?: () => Date;
  }): CostService {
    return new CostService({ now: () => new Date(), ...options });
  }

  /** Whether `emrOnEks.costs` is configured. */
  get configured(): boolean {
    return this.options.sources !== undefined;
  }

  /** The longest period one request may ask for, in days. */
  get maxRangeDays(): number {
    return this.options.settings.costs?.maxRangeDays ?? 400;
  }

  /** A report as CSV, for finance. */
  csv(report: CostReport): string {
    return costReportCsv(report);
  }

  /** Today, UTC. */
  today(): string {
    return this.options.now().toISOString().slice(0, 10);
  }

  /**
   * Recomputes the rows of [from, to] from the sources and replaces them:
   * running it again replaces, never adds; days the bill now covers take the
   * bill's figures instead of the estimate, whose error is logged and kept.
   */
  async refresh(
    range: { from: string; to: string },
    options: { signal?: AbortSignal } = {},
  ): Promise<CostRefreshResult> {
    const { sources, settings, logger } = this.options;
    if (!sources) {
      throw new Error(
        'costs are not configured: set emrOnEks.costs (see the plugin README, Chargeback)',
      );
    }
    const costSettings = settings.costs!;
    const days = costDays(range.from, range.to);
    // A source that fails (a missing export, Athena refusing a query) is
    // the platform's to fix, not the caller's: 503 with what failed.
    const [uplift, compute] = await Promise.all([
      sources.uplift.uplift(range, options),
      sources.compute.compute(range, options),
    ]).catch(error => {
      throw new ServiceUnavailableError(
        `the cost sources failed, nothing was changed: ${
          isError(error) ? error.message : String(error)
        }`,
      );
    });
    options.signal?.throwIfAborted();
    const tenants = await this.costTenants();
    const pastVcs = await this.options.jobs.virtualClustersOf(
      tenants.map(t => t.uid),
    );
    for (const tenant of tenants) {
      tenant.pastVirtualClusterIds = (pastVcs.get(tenant.uid) ?? []).filter(
        vc => vc !== tenant.virtualClusterId,
      );
    }
    const runs = await this.options.jobs.runsForCosts({
      tenantUids: tenants.map(t => t.uid),
      from: new Date(`${range.from}T00:00:00Z`),
      to: new Date(`${addCostDays(range.to, 1)}T00:00:00Z`),
      emrJobIds: [
        ...uplift.rows.map(r => r.emrJobRunId),
        ...compute.flatMap(r => (r.emrJobRunId ? [r.emrJobRunId] : [])),
      ],
    });
    const now = this.options.now();
    const result = rollUpCosts({
      days,
      completeThrough: uplift.completeThrough,
      uplift: uplift.rows,
      compute,
      computeSource: sources.compute.source,
      tenants,
      runs,
      rates: costSettings.rates,
      currency: costSettings.currency,
      onDemandToSpotRatio: costSettings.onDemandToSpotRatio,
      now,
    });
    const { accuracy } = await this.options.costs.replaceDays({
      days,
      billedDays: result.billedDays,
      rows: result.rows,
      now,
    });
    if (result.ignored.rows > 0) {
      logger.info(
        `Cost rollup ${range.from}..${range.to}: ignored ${
          result.ignored.rows
        } rows of virtual clusters or namespaces that are no tenant's (virtual clusters: ${
          result.ignored.virtualClusters.join(', ') || 'none'
        }; namespaces: ${result.ignored.namespaces.join(', ') || 'none'})`,
      );
    }
    if (result.regionsWithoutRate.length > 0) {
      logger.warn(
        `Cost rollup: no uplift rate for ${result.regionsWithoutRate.join(
          ', ',
        )}; unbilled days of tenants there have no estimate. Set emrOnEks.costs.rates.<region>.`,
      );
    }
    for (const a of accuracy) {
      const error = a.actual === 0 ? null : (a.estimated - a.actual) / a.actual;
      logger.info(
        `Cost estimate for ${a.tenant} on ${
          a.date
        }: estimated ${a.estimated.toFixed(4)}, billed ${a.actual.toFixed(4)}${
          error === null ? '' : ` (${(error * 100).toFixed(1)}%)`
        }`,
      );
    }
    return {
      from: range.from,
      to: range.to,
      rows: result.rows.length,
      ignoredRows: result.ignored.rows,
      completeThrough: uplift.completeThrough,
      refreshedAt: now.toISOString(),
    };
  }

  /** The scheduled rollup: the last `lookbackDays` days, today included. */
  async refreshRecent(options: { signal?: AbortSignal } = {}): Promise<void> {
    const lookback = this.options.settings.costs?.lookbackDays ?? 7;
    const to = this.today();
    await this.refresh({ from: addCostDays(to, 1 - lookback), to }, options);
  }

  /** A report over the rows of tenants (by uid), optionally of one entity. */
  async report(
    scope: { tenantUids: string[]; entityRef?: string },
    period: CostPeriod,
  ): Promise<CostReport> {
    return this.build({ ...scope, from: period.from, to: period.to }, period);
  }

  /** Tenants (uids) with rows of an entity in a period. */
  tenantUidsWithCostsOf(
    entityRef: string,
    period: CostPeriod,
  ): Promise<string[]> {
    return this.options.costs.tenantUidsWithCostsOf(
      entityRef,
      period.from,
      period.to,
    );
  }

  /** Every tenant's costs, idle and unallocated included, with estimate errors. */
  async summary(period: { from: string; to: string }): Promise<CostSummary> {
    const report = await this.build(period, { ...period, groupBy: ['tenant'] });
    return {
      ...report,
      estimateAccuracy: await this.options.costs.estimateAccuracy(
        period.from,
        period.to,
      ),
    };
  }

  private async build(
    scope: CostScope,
    period: CostPeriod,
  ): Promise<CostReport> {
    const { costs, settings } = this.options;
    const [totals, rows, coverage] = await Promise.all([
      costs.totals(scope),
      costs.grouped(scope, period.groupBy),
      costs.coverage(),
    ]);
    return {
      currency: totals.currencies[0] ?? settings.costs?.currency ?? 'USD',
      from: period.from,
      to: period.to,
      groupBy: period.groupBy,
      total: totals.total,
      estimatedTotal: totals.estimatedTotal,
      estimatedRange: { low: totals.estimatedLow, high: totals.estimatedHigh },
      completeThrough: coverage.completeThrough,
      spotSavings: totals.spotSavings,
      sources: {
        uplift: settings.costs ? settings.costs.uplift : null,
        compute: settings.costs ? settings.costs.compute : null,
      },
      refreshedAt: coverage.refreshedAt,
      rows,
    };
  }

  /** The current tenants, charged by virtual cluster and namespace. */
  private async costTenants(): Promise<CostTenant[]> {
    const { tenants, settings } = this.options;
    const names = await tenants.listNames();
    const found = await tenants.findTenants(names);
    return found.flatMap(tenant => {
      if (!tenant) {
        return [];
      }
      let region = tenant.status.region;
      if (!region) {
        try {
          region = clusterOfTenant(settings, tenant).region;
        } catch {
          return [];
        }
      }
      return [
        {
          name: tenant.name,
          uid: tenant.uid,
          virtualClusterId: tenant.status.virtualClusterId ?? null,
          namespace: tenant.status.namespace,
          region,
        },
      ];
    });
  }
}
