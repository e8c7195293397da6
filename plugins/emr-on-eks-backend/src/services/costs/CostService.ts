import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  InputError,
  isError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  addCostDays,
  costDays,
  type CostGroupBy,
  type CostRefreshResult,
  type CostReport,
  type CostSummary,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { EmrOnEksSettings } from '../../config';
import { costReportCsv } from '../../domain/costs/csv';
import type { CostIncarnation } from '../../domain/costs/incarnations';
import { rollUpCosts } from '../../domain/costs/rollup';
import type { CostSources } from '../../gateways/costs/createCostSources';
import type { CostRunStore } from '../../stores/costs/CostRunStore';
import type { CostScope, CostStore } from '../../stores/costs/CostStore';
import type { IncarnationStore } from '../../stores/IncarnationStore';

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
      runs: CostRunStore;
      incarnations: IncarnationStore;
      sources?: CostSources;
      logger: LoggerService;
      now: () => Date;
    },
  ) {}

  static create(options: {
    settings: EmrOnEksSettings;
    costs: CostStore;
    runs: CostRunStore;
    incarnations: IncarnationStore;
    sources?: CostSources;
    logger: LoggerService;
    now?: () => Date;
  }): CostService {
    return new CostService({ now: () => new Date(), ...options });
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
   * The period a caller asked for: the 30 days to today by default, `from`
   * not after `to`, at most `maxRangeDays`. `where` names what the caller
   * sent (a REST `query`, an action's `input`) in the error.
   */
  period(
    asked: { from?: string; to?: string; groupBy?: CostGroupBy[] },
    where: 'query' | 'input' = 'query',
  ): CostPeriod {
    const to = asked.to ?? this.today();
    const from = asked.from ?? addCostDays(to, -29);
    if (from > to) {
      throw new InputError(
        `Invalid ${where}: from: must not be after to (${from} > ${to})`,
      );
    }
    const days =
      (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) /
        86_400_000 +
      1;
    if (days > this.maxRangeDays) {
      throw new InputError(
        `Invalid ${where}: to: the period from ${from} to ${to} is ${days} days; ask for at most ${this.maxRangeDays} (emrOnEks.costs.maxRangeDays)`,
      );
    }
    return { from, to, groupBy: asked.groupBy ?? ['day'] };
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
      // The caller cannot fix it, the platform can: say which key to set.
      throw new InputError(
        'costs are not configured: a platform admin sets emrOnEks.costs (see docs/chargeback.md)',
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
    const start = new Date(`${range.from}T00:00:00Z`);
    const end = new Date(`${addCostDays(range.to, 1)}T00:00:00Z`);
    // Every incarnation that lived during the days, offboarded ones too:
    // a day's costs are the incarnation's that held the namespace then.
    const incarnations = await this.incarnationsBetween(start, end);
    const runs = await this.options.runs.runsForCosts({
      tenantUids: incarnations.map(i => i.uid),
      from: start,
      to: end,
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
      incarnations,
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
    const { unallocated } = result;
    if (unallocated.rows > 0) {
      logger.info(
        `Cost rollup ${range.from}..${range.to}: charged ${
          unallocated.rows
        } rows to __unallocated__, their virtual cluster or namespace being no tenant's on their day (virtual clusters: ${
          unallocated.virtualClusters.join(', ') || 'none'
        }; namespaces: ${unallocated.namespaces.join(', ') || 'none'})`,
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
        `Cost estimate for ${a.tenant} (${a.tenantUid}) on ${
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
      unallocatedRows: unallocated.rows,
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

  /**
   * The incarnations an owner (entity ref, normalised) holds or held that may
   * have costs in the period: current ones, and offboarded ones that lived
   * into it. One query.
   */
  incarnationsOwnedBy(
    ownerRef: string,
    period: { from: string },
  ): Promise<Array<{ uid: string; name: string; offboarded: boolean }>> {
    return this.options.incarnations.ownedBy(
      ownerRef,
      new Date(`${period.from}T00:00:00Z`),
    );
  }

  /**
   * Every incarnation's costs, offboarded ones marked, idle and unallocated
   * included, with the estimates' errors.
   */
  async summary(period: { from: string; to: string }): Promise<CostSummary> {
    const [report, accuracy] = await Promise.all([
      this.build(period, { ...period, groupBy: ['tenant'] }),
      this.options.costs.estimateAccuracy(period.from, period.to),
    ]);
    const offboarded = await this.options.incarnations.offboardedAmong([
      ...report.rows.flatMap(r => (r.tenantUid ? [r.tenantUid] : [])),
      ...accuracy.map(a => a.tenantUid),
    ]);
    return {
      ...report,
      rows: report.rows.map(row => ({
        ...row,
        offboarded: row.tenantUid ? offboarded.has(row.tenantUid) : false,
      })),
      estimateAccuracy: accuracy.map(a => ({
        ...a,
        offboarded: offboarded.has(a.tenantUid),
      })),
    };
  }

  private async build(
    scope: CostScope,
    period: CostPeriod,
  ): Promise<CostReport> {
    const { costs, settings } = this.options;
    // One statement: sums, groups and coverage on one pooled connection.
    const { totals, rows, coverage } = await costs.report(
      scope,
      period.groupBy,
    );
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

  /** The incarnations that lived during [from, to), with their cluster's region. */
  private async incarnationsBetween(
    from: Date,
    to: Date,
  ): Promise<CostIncarnation[]> {
    const { clusters } = this.options.settings;
    const stored = await this.options.incarnations.livedBetween(from, to);
    return stored.map(incarnation => ({
      ...incarnation,
      region:
        clusters.find(c => c.name === incarnation.cluster)?.region ?? null,
    }));
  }
}
