import type {
  BudgetBasis,
  BudgetStatus,
  TenantBudget,
} from '@spot-spark/plugin-emr-on-eks-common';
import { Knex } from 'knex';
import { chunks, toDate, toIso } from '../database';

/** A month's forecast of an incarnation as the last check stored it. */
export interface StoredForecast {
  tenantUid: string;
  month: string;
  monthToDate: number;
  forecast: number;
  low: number;
  high: number;
  /** Null without a budget. */
  status: BudgetStatus | null;
  computedAt: Date;
}

/** A budgeted incarnation's budget with its stored forecast of a month. */
export interface BudgetWithForecast {
  budget: TenantBudget;
  /** Null before a check stored one. */
  forecast: StoredForecast | null;
}

/** A current tenant with a budget, as the threshold check reads it. */
export interface BudgetedTenant {
  uid: string;
  name: string;
  owner: string;
  createdAt: Date;
  budget: TenantBudget;
}

/** A day's costs of one incarnation: the total and its estimated part. */
export interface DailyCostTotal {
  tenantUid: string;
  date: string;
  amount: number;
  estimated: number;
}

/** The figures an alert was sent with. */
export interface AlertFigures {
  basis: BudgetBasis;
  monthToDate: number;
  forecast: number;
  budget: number;
  now: Date;
}

/** Statements bind at most this many uids (SQLite allows 999 values). */
const UIDS_PER_QUERY = 500;

/**
 * Budgets (by tenant uid), the forecasts of the last threshold check, the
 * alerts sent (one per incarnation, month and threshold), and the daily
 * totals the forecasts are made from (read from `emr_cost_daily`).
 */
export class BudgetStore {
  constructor(private readonly db: Knex) {}

  async getBudget(tenantUid: string): Promise<TenantBudget | undefined> {
    const row = await this.db('emr_tenant_budgets')
      .where('tenant_uid', tenantUid)
      .first();
    return row ? toBudget(row) : undefined;
  }

  /** Sets an incarnation's budget, replacing any; answers what is stored. */
  async upsertBudget(budget: TenantBudget): Promise<TenantBudget> {
    await this.db('emr_tenant_budgets')
      .insert({
        tenant_uid: budget.tenantUid,
        tenant: budget.tenant,
        amount: budget.amount,
        currency: budget.currency,
        thresholds: JSON.stringify(budget.thresholds),
        updated_by: budget.updatedBy,
        updated_at: new Date(budget.updatedAt),
      })
      .onConflict('tenant_uid')
      .merge();
    return (await this.getBudget(budget.tenantUid))!;
  }

  /** Removes an incarnation's budget; whether it had one. */
  async deleteBudget(tenantUid: string): Promise<boolean> {
    const deleted = await this.db('emr_tenant_budgets')
      .where('tenant_uid', tenantUid)
      .delete();
    return deleted > 0;
  }

  /** Every budget, by tenant name then uid. */
  async listBudgets(): Promise<TenantBudget[]> {
    const rows = await this.db('emr_tenant_budgets').orderBy([
      'tenant',
      'tenant_uid',
    ]);
    return rows.map(toBudget);
  }

  /** The current tenants with a budget, with their owner and first day. */
  async budgetedTenants(): Promise<BudgetedTenant[]> {
    const rows = await this.db('emr_tenant_budgets as b')
      .join('emr_tenants as t', 't.uid', 'b.tenant_uid')
      .orderBy('t.name')
      .select(
        'b.*',
        't.name as current_name',
        't.owner as owner',
        't.created_at as created_at',
      );
    return rows.map(row => ({
      uid: String(row.tenant_uid),
      name: String(row.current_name),
      owner: String(row.owner),
      createdAt: toDate(row.created_at),
      budget: toBudget(row),
    }));
  }

  /** When each incarnation (current or offboarded) was onboarded, when known. */
  async createdAtOf(tenantUids: string[]): Promise<Map<string, Date>> {
    const found = new Map<string, Date>();
    for (const uids of chunks(tenantUids, UIDS_PER_QUERY)) {
      const rows = await this.db('emr_tenants')
        .whereIn('uid', uids)
        .select('uid', 'created_at')
        .unionAll(q =>
          q
            .from('emr_tenant_history')
            .whereIn('uid', uids)
            .whereNotNull('created_at')
            .select('uid', 'created_at'),
        );
      for (const row of rows) {
        found.set(String(row.uid), toDate(row.created_at));
      }
    }
    return found;
  }

  /** The first day the rollup covers; null before any rollup. */
  async firstRolledUpDay(): Promise<string | null> {
    const [row] = await this.db('emr_cost_days').min({ first: 'date' });
    return row?.first ? String(row.first) : null;
  }

  /**
   * Each incarnation's total per day over [from, to], with its estimated
   * part: one grouped query per 500 incarnations (on the (tenant_uid, date)
   * index). Days without costs are absent.
   */
  async dailyTotals(
    tenantUids: string[],
    from: string,
    to: string,
  ): Promise<DailyCostTotal[]> {
    const totals: DailyCostTotal[] = [];
    for (const uids of chunks(tenantUids, UIDS_PER_QUERY)) {
      const rows = await this.db('emr_cost_daily')
        .whereIn('tenant_uid', uids)
        .whereBetween('date', [from, to])
        .groupBy('tenant_uid', 'date')
        .select(
          'tenant_uid',
          'date',
          this.db.raw('sum(amount) as amount'),
          this.db.raw(
            'sum(case when estimated then amount else 0 end) as estimated',
          ),
        );
      for (const row of rows as any[]) {
        totals.push({
          tenantUid: String(row.tenant_uid),
          date: String(row.date),
          amount: Number(row.amount),
          estimated: Number(row.estimated),
        });
      }
    }
    return totals;
  }

  /** Stores forecasts, replacing those of the same incarnation and month. */
  async upsertForecasts(forecasts: StoredForecast[]): Promise<void> {
    // 9 values a row: 50 rows stay under SQLite's 999 bound values.
    for (const part of chunks(forecasts, 50)) {
      await this.db('emr_cost_forecasts')
        .insert(
          part.map(f => ({
            tenant_uid: f.tenantUid,
            month: f.month,
            month_to_date: f.monthToDate,
            forecast: f.forecast,
            low: f.low,
            high: f.high,
            status: f.status ? JSON.stringify(f.status) : null,
            computed_at: f.computedAt,
          })),
        )
        .onConflict(['tenant_uid', 'month'])
        .merge();
    }
  }

  /**
   * The budgets of the incarnations (or every one), each with its stored
   * forecast of the month: one query (per 500 uids).
   */
  async budgetsWithForecasts(
    tenantUids: string[] | 'all',
    month: string,
  ): Promise<BudgetWithForecast[]> {
    const query = (uids?: string[]) => {
      const q = this.db('emr_tenant_budgets as b')
        .leftJoin('emr_cost_forecasts as f', join =>
          join
            .on('f.tenant_uid', '=', 'b.tenant_uid')
            .andOn('f.month', '=', this.db.raw('?', [month])),
        )
        .select(
          'b.*',
          'f.month as f_month',
          'f.month_to_date as f_month_to_date',
          'f.forecast as f_forecast',
          'f.low as f_low',
          'f.high as f_high',
          'f.status as f_status',
          'f.computed_at as f_computed_at',
        );
      return uids ? q.whereIn('b.tenant_uid', uids) : q;
    };
    const rows =
      tenantUids === 'all'
        ? await query()
        : (
            await Promise.all(
              chunks(tenantUids, UIDS_PER_QUERY).map(uids => query(uids)),
            )
          ).flat();
    return rows.map(row => ({
      budget: toBudget(row),
      forecast:
        row.f_month === null || row.f_month === undefined
          ? null
          : {
              tenantUid: String(row.tenant_uid),
              month: String(row.f_month),
              monthToDate: Number(row.f_month_to_date),
              forecast: Number(row.f_forecast),
              low: Number(row.f_low),
              high: Number(row.f_high),
              status: row.f_status ? JSON.parse(row.f_status) : null,
              computedAt: toDate(row.f_computed_at),
            },
    }));
  }

  /**
   * Claims the alert of a threshold in a month for an incarnation: true for
   * the one caller whose insert made the row (on every replica, however many
   * try at once), false once it exists.
   */
  async claimAlert(
    tenantUid: string,
    month: string,
    threshold: number,
    figures: AlertFigures,
  ): Promise<boolean> {
    const inserted = await this.db('emr_budget_alerts')
      .insert({
        tenant_uid: tenantUid,
        month,
        threshold,
        basis: figures.basis,
        month_to_date: figures.monthToDate,
        forecast: figures.forecast,
        budget: figures.budget,
        notified_at: figures.now,
      })
      .onConflict(['tenant_uid', 'month', 'threshold'])
      .ignore()
      .returning('threshold');
    return inserted.length === 1;
  }

  /** The thresholds alerted for each incarnation in a month. */
  async alertedThresholds(
    tenantUids: string[],
    month: string,
  ): Promise<Map<string, Set<number>>> {
    const alerted = new Map<string, Set<number>>();
    for (const uids of chunks(tenantUids, UIDS_PER_QUERY)) {
      const rows = await this.db('emr_budget_alerts')
        .whereIn('tenant_uid', uids)
        .andWhere('month', month)
        .select('tenant_uid', 'threshold');
      for (const row of rows) {
        const set = alerted.get(row.tenant_uid) ?? new Set<number>();
        set.add(Number(row.threshold));
        alerted.set(row.tenant_uid, set);
      }
    }
    return alerted;
  }
}

function toBudget(row: any): TenantBudget {
  return {
    tenant: String(row.tenant),
    tenantUid: String(row.tenant_uid),
    amount: Number(row.amount),
    currency: String(row.currency),
    thresholds: JSON.parse(row.thresholds),
    updatedBy: String(row.updated_by),
    updatedAt: toIso(row.updated_at),
  };
}
