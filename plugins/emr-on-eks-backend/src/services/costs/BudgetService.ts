import { InputError } from '@backstage/errors';
import {
  budgetInputSchema,
  formatIssues,
  zodIssues,
  type CostForecast,
  type TenantBudget,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { EmrOnEksSettings } from '../../config';
import { budgetStatus } from '../../domain/costs/budget';
import {
  forecastMonth,
  forecastReadsFrom,
  monthBounds,
  monthOf,
} from '../../domain/costs/forecast';
import type { BudgetStore } from '../../stores/costs/BudgetStore';
import type { BudgetLookup, BudgetOfMonth } from './BudgetLookup';

/** A tenant incarnation, as the forecast needs it. */
export interface ForecastTenant {
  name: string;
  uid: string;
  /** When it was onboarded; read from the store when left out. */
  createdAt?: Date;
}

/**
 * Budgets per tenant incarnation, and each month's forecast from the daily
 * cost rows (docs/chargeback.md, Budgets and Forecast). Reads come from the
 * rollup tables only.
 */
export class BudgetService implements BudgetLookup {
  private constructor(
    private readonly options: {
      settings: EmrOnEksSettings;
      store: BudgetStore;
      now: () => Date;
    },
  ) {}

  static create(options: {
    settings: EmrOnEksSettings;
    store: BudgetStore;
    now?: () => Date;
  }): BudgetService {
    return new BudgetService({ now: () => new Date(), ...options });
  }

  /** The bill's currency: every budget is in it. */
  get currency(): string {
    return this.options.settings.costs?.currency ?? 'USD';
  }

  /** The incarnation's budget; null without one. */
  async getBudget(tenant: { uid: string }): Promise<TenantBudget | null> {
    return (await this.options.store.getBudget(tenant.uid)) ?? null;
  }

  /**
   * Sets the incarnation's budget (replacing any) from a request's body
   * (`budgetInputSchema`); 400 naming the field when it does not parse. The
   * amount is compared with the bill, so it must be in the bill's currency.
   */
  async setBudget(
    tenant: { name: string; uid: string },
    input: unknown,
    actor: string,
  ): Promise<TenantBudget> {
    const result = budgetInputSchema.safeParse(input ?? {});
    if (!result.success) {
      throw new InputError(
        `Invalid budget: ${formatIssues(zodIssues(result.error))}`,
      );
    }
    const parsed = result.data;
    if (parsed.currency !== this.currency) {
      throw new InputError(
        `currency: the bill is in ${this.currency} (emrOnEks.costs.currency); set the budget in ${this.currency}, not ${parsed.currency}`,
      );
    }
    return this.options.store.upsertBudget({
      tenant: tenant.name,
      tenantUid: tenant.uid,
      amount: parsed.amount,
      currency: parsed.currency,
      thresholds: parsed.thresholds,
      updatedBy: actor,
      updatedAt: this.options.now().toISOString(),
    });
  }

  /** Removes the incarnation's budget; whether it had one. */
  deleteBudget(tenant: { uid: string }): Promise<boolean> {
    return this.options.store.deleteBudget(tenant.uid);
  }

  /**
   * A month's forecast for a tenant incarnation, live from its daily rows:
   * the current UTC month by default; a past month is its actual total; a
   * month not begun is refused (400).
   */
  async forecast(
    tenant: { name: string; uid: string },
    month?: string,
  ): Promise<CostForecast> {
    const budget = await this.options.store.getBudget(tenant.uid);
    const [forecast] = await this.forecastMany(
      // Only the identity: the start is read from the store.
      [{ name: tenant.name, uid: tenant.uid }],
      month ?? monthOf(this.today()),
      new Map([[tenant.uid, budget ?? null]]),
    );
    return forecast;
  }

  /**
   * The forecasts of many incarnations for one month, from one read of
   * their daily totals; `budgets` gives each one's budget (absent: none).
   */
  async forecastMany(
    tenants: ForecastTenant[],
    month: string,
    budgets: ReadonlyMap<string, TenantBudget | null>,
  ): Promise<CostForecast[]> {
    const { store } = this.options;
    const today = this.today();
    const current = monthOf(today);
    if (month > current) {
      throw new InputError(
        `month: ${month} has not begun; ask for ${current} or an earlier month`,
      );
    }
    if (tenants.length === 0) {
      return [];
    }
    const asOf = month === current ? today : monthBounds(month).last;
    const uids = tenants.map(t => t.uid);
    const unknownStart = tenants.filter(t => !t.createdAt).map(t => t.uid);
    const [totals, created, firstRolledUp] = await Promise.all([
      store.dailyTotals(uids, forecastReadsFrom(month, asOf), asOf),
      unknownStart.length
        ? store.createdAtOf(unknownStart)
        : Promise.resolve(new Map<string, Date>()),
      store.firstRolledUpDay(),
    ]);
    const daily = new Map<string, Map<string, number>>();
    const estimated = new Map<string, number>();
    const { first } = monthBounds(month);
    for (const t of totals) {
      const days = daily.get(t.tenantUid) ?? new Map<string, number>();
      days.set(t.date, t.amount);
      daily.set(t.tenantUid, days);
      if (t.date >= first) {
        estimated.set(
          t.tenantUid,
          (estimated.get(t.tenantUid) ?? 0) + t.estimated,
        );
      }
    }
    return tenants.map(tenant => {
      const createdAt = tenant.createdAt ?? created.get(tenant.uid);
      const createdDay = createdAt
        ? new Date(createdAt).toISOString().slice(0, 10)
        : undefined;
      // History starts when both the tenant and the rollup had begun.
      let historyStart = firstRolledUp;
      if (historyStart !== null && createdDay && createdDay > historyStart) {
        historyStart = createdDay;
      }
      const f = forecastMonth({
        month,
        asOf,
        historyStart,
        daily: daily.get(tenant.uid) ?? new Map(),
      });
      const budget = budgets.get(tenant.uid) ?? null;
      const estimatedPart = estimated.get(tenant.uid) ?? 0;
      return {
        tenant: tenant.name,
        tenantUid: tenant.uid,
        month,
        currency: this.currency,
        asOf: f.asOf,
        daysInMonth: f.daysInMonth,
        daysElapsed: f.daysElapsed,
        monthToDate: {
          total: f.monthToDate,
          billed: f.monthToDate - estimatedPart,
          estimated: estimatedPart,
        },
        forecast: {
          amount: f.amount,
          low: f.low,
          high: f.high,
          method: f.method,
        },
        budget,
        // A budget in another currency (the bill's changed since) cannot be compared.
        status:
          budget && budget.currency === this.currency
            ? budgetStatus(budget, f.monthToDate, f.amount)
            : null,
      };
    });
  }

  /** {@inheritDoc BudgetLookup.budgetsOfMonth} */
  async budgetsOfMonth(
    tenantUids: string[] | 'all',
    month: string,
  ): Promise<Map<string, BudgetOfMonth>> {
    const found = await this.options.store.budgetsWithForecasts(
      tenantUids,
      month,
    );
    return new Map(
      found.map(({ budget, forecast }) => [
        budget.tenantUid,
        {
          budget: budget.amount,
          forecast: forecast?.forecast ?? null,
          status: forecast?.status ?? null,
        },
      ]),
    );
  }

  private today(): string {
    return this.options.now().toISOString().slice(0, 10);
  }
}
