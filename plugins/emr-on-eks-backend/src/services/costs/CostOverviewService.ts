import type { CostOverview } from '@spot-spark/plugin-emr-on-eks-common';
import { InputError } from '@backstage/errors';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { EmrOnEksSettings } from '../../config';
import { costOverviewCsv } from '../../domain/costs/csv';
import {
  costOverview,
  monthsUpTo,
  previousMonth,
  type IncarnationFacts,
} from '../../domain/costs/overview';
import type { CostMonthStore } from '../../stores/costs/CostMonthStore';
import type { CostStore } from '../../stores/costs/CostStore';
import type { IncarnationStore } from '../../stores/IncarnationStore';
import type { BudgetLookup } from './BudgetLookup';

const gzip = promisify(zlib.gzip);

/** Months of the estimate-versus-bill history, the asked month included. */
const ERROR_HISTORY_MONTHS = 12;

/** Months whose built overview a replica keeps (the most recently asked). */
const CACHED_MONTHS = 12;

/** The overview's formats as sent. */
export type OverviewFormat = 'json' | 'csv';

/** A built overview, its answers as sent, and what it was built from. */
interface Cached {
  version: string;
  overview: CostOverview;
  bodies: Partial<Record<OverviewFormat, string>>;
  gzipped: Partial<Record<OverviewFormat, Promise<Buffer>>>;
}

/** An overview as sent: its body, and the tag of that exact body. */
export interface SerialisedOverview {
  overview: CostOverview;
  body: string | Buffer;
  /** `gzip` when `body` is the gzipped text. */
  encoding: 'gzip' | 'identity';
  /**
   * A weak entity tag of this month, version, format and encoding, so a
   * browser that has the answer gets a 304 instead of 400 KiB again.
   */
  etag: string;
}

/**
 * The admin's cost overview: every tenant incarnation side by side for a
 * month, from the month sums the rollup keeps (a row per incarnation, not
 * per day), with the budgets when a budget lookup is given.
 *
 * Each replica keeps the last months it built in memory, keyed by a
 * version read first in one small statement (see `CostStore.overviewVersion`):
 * any write another replica makes to what the overview shows changes it, so
 * a hit is never stale; it costs that one statement.
 */
export class CostOverviewService {
  private readonly cache = new Map<string, Cached>();

  private constructor(
    private readonly options: {
      settings: EmrOnEksSettings;
      months: CostMonthStore;
      costs: CostStore;
      incarnations: IncarnationStore;
      budgets?: BudgetLookup;
      now: () => Date;
    },
  ) {}

  /**
   * @param options.budgets - the budgets' figures (read from the budget
   *   tables the version covers); without it every budget field is null
   */
  static create(options: {
    settings: EmrOnEksSettings;
    months: CostMonthStore;
    costs: CostStore;
    incarnations: IncarnationStore;
    budgets?: BudgetLookup;
    now?: () => Date;
  }): CostOverviewService {
    return new CostOverviewService({ now: () => new Date(), ...options });
  }

  /** The current month, UTC, YYYY-MM. */
  currentMonth(): string {
    return this.options.now().toISOString().slice(0, 7);
  }

  /**
   * A month's overview: the version (with the coverage), then on a miss the
   * month's and the previous month's sums (one query), the budgets (one
   * lookup) and the estimates' errors of the last 12 months, at once; a
   * second small query only for budgeted incarnations without costs in
   * either month.
   */
  async overview(month: string): Promise<CostOverview> {
    return (await this.built(month)).overview;
  }

  /**
   * The month's overview as sent: JSON or CSV text, serialised once per
   * version (1,000 tenants are some 400 KiB), and gzipped once when asked
   * (off the event loop), so a large answer is not compressed again for
   * every request.
   */
  async serialised(
    month: string,
    format: OverviewFormat,
    encoding: 'gzip' | 'identity' = 'identity',
  ): Promise<SerialisedOverview> {
    const cached = await this.built(month);
    cached.bodies[format] ??=
      format === 'csv'
        ? this.csv(cached.overview)
        : JSON.stringify(cached.overview);
    const text = cached.bodies[format]!;
    const tag = createHash('sha256')
      .update(`${month}\n${cached.version}\n${format}\n${encoding}`)
      .digest('base64url')
      .slice(0, 27);
    const etag = `W/"${tag}"`;
    if (encoding === 'identity') {
      return { overview: cached.overview, body: text, encoding, etag };
    }
    cached.gzipped[format] ??= gzip(text);
    return {
      overview: cached.overview,
      body: await cached.gzipped[format]!,
      encoding,
      etag,
    };
  }

  /** The overview as CSV, for finance. */
  csv(overview: CostOverview): string {
    return costOverviewCsv(overview);
  }

  private async built(month: string): Promise<Cached> {
    const current = this.currentMonth();
    if (month > current) {
      // As the forecast: a month not begun has no costs to show yet.
      throw new InputError(
        `month: ${month} has not begun; ask for ${current} or an earlier month`,
      );
    }
    const before = previousMonth(month);
    // Read before the data: a write in between leaves a newer overview
    // under an older version, rebuilt at the next request, never the
    // reverse.
    const version = await this.options.costs.overviewVersion(month, [
      before,
      month,
    ]);
    const hit = this.cache.get(month);
    if (hit && hit.version === version.key) {
      // Most recently used last, so the bound drops the least used.
      this.cache.delete(month);
      this.cache.set(month, hit);
      return hit;
    }
    const overview = await this.build(month, before, version);
    const cached: Cached = {
      version: version.key,
      overview,
      bodies: {},
      gzipped: {},
    };
    this.cache.delete(month);
    this.cache.set(month, cached);
    if (this.cache.size > CACHED_MONTHS) {
      this.cache.delete(this.cache.keys().next().value!);
    }
    return cached;
  }

  private async build(
    month: string,
    before: string,
    coverage: { completeThrough: string | null; refreshedAt: string | null },
  ): Promise<CostOverview> {
    const { months, incarnations, budgets, settings } = this.options;
    const history = monthsUpTo(month, ERROR_HISTORY_MONTHS);
    const [sums, budgetsOfMonth, errors] = await Promise.all([
      months.monthCosts([before, month]),
      budgets ? budgets.budgetsOfMonth('all', month) : new Map(),
      months.estimateMonths(history[0], month),
    ]);
    const current = sums.filter(s => s.month === month);
    const previous = sums.filter(s => s.month === before);
    const withCosts = new Set(sums.flatMap(s => s.tenantUid ?? []));
    const budgetedOnly = [...budgetsOfMonth.keys()].filter(
      uid => !withCosts.has(uid),
    );
    const facts: Map<string, IncarnationFacts> = budgetedOnly.length
      ? await incarnations.describe(budgetedOnly)
      : new Map();
    return costOverview({
      month,
      currency: settings.costs?.currency ?? 'USD',
      current,
      previous,
      budgets: budgetsOfMonth,
      incarnations: facts,
      completeThrough: coverage.completeThrough,
      refreshedAt: coverage.refreshedAt,
      estimateErrors: errors,
    });
  }
}
