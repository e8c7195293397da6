import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  BudgetBasis,
  CostForecast,
} from '@spot-spark/plugin-emr-on-eks-common';
import { addCostDays } from '@spot-spark/plugin-emr-on-eks-common';
import type { NotificationSettings } from '../../config';
import { newlyCrossed } from '../../domain/costs/budget';
import { monthOf } from '../../domain/costs/forecast';
import { previousMonth } from '../../domain/costs/overview';
import type { BudgetStore } from '../../stores/costs/BudgetStore';
import { QuietNotifier, recipientRef } from '../events/JobRunChanges';
import type { BudgetService } from './BudgetService';

/** One threshold alert claimed by a check. */
export interface ClaimedAlert {
  tenant: string;
  tenantUid: string;
  month: string;
  threshold: number;
  basis: BudgetBasis;
}

/** What one check did. */
export interface BudgetCheckResult {
  /** Budgeted current tenants whose forecast was stored. */
  checked: number;
  /** The alerts this check claimed (and so sent). */
  claimed: ClaimedAlert[];
}

/**
 * The budget check, after each scheduled cost rollup: forecasts the month
 * of every current tenant with a budget (one read of their daily totals),
 * stores the forecasts (the admin's overview shows them), and for each
 * threshold crossed, by the month to date or the forecast, claims its alert
 * in the database. Only the claimer notifies, so each threshold of a month
 * is announced once across checks and replicas (docs/chargeback.md, Budget
 * alerts).
 */
export class BudgetAlerts {
  private constructor(
    private readonly options: {
      budgets: BudgetService;
      store: BudgetStore;
      notifier: QuietNotifier;
      settings: NotificationSettings;
      logger: LoggerService;
      /** Days the scheduled rollup refreshes (`costs.lookbackDays`). */
      lookbackDays: number;
      now: () => Date;
    },
  ) {}

  static create(options: {
    budgets: BudgetService;
    store: BudgetStore;
    /** Notifications, shared with the other senders. */
    notifier: QuietNotifier;
    settings: NotificationSettings;
    logger: LoggerService;
    /** Days the scheduled rollup refreshes; 7 as its default. */
    lookbackDays?: number;
    now?: () => Date;
  }): BudgetAlerts {
    return new BudgetAlerts({
      now: () => new Date(),
      ...options,
      lookbackDays: options.lookbackDays ?? 7,
    });
  }

  /**
   * Checks every budgeted current tenant's month; see the class comment.
   * While the rollup's look-back still reaches into the previous month, a
   * late bill can still change it, so that month is checked too (a finished
   * month's forecast is its total): the bill of the 30th landing on the 2nd
   * alerts November, not nobody.
   */
  async checkAll(
    options: { signal?: AbortSignal } = {},
  ): Promise<BudgetCheckResult> {
    const { store, lookbackDays } = this.options;
    const now = this.options.now();
    const today = now.toISOString().slice(0, 10);
    const month = monthOf(today);
    const months =
      addCostDays(today, 1 - lookbackDays) < `${month}-01`
        ? [previousMonth(month), month]
        : [month];
    const tenants = await store.budgetedTenants();
    const result: BudgetCheckResult = { checked: 0, claimed: [] };
    if (tenants.length === 0) {
      return result;
    }
    for (const checked of months) {
      const ofMonth = await this.checkMonth(checked, tenants, now, options);
      result.checked += ofMonth.checked;
      result.claimed.push(...ofMonth.claimed);
    }
    return result;
  }

  private async checkMonth(
    month: string,
    tenants: Awaited<ReturnType<BudgetStore['budgetedTenants']>>,
    now: Date,
    options: { signal?: AbortSignal },
  ): Promise<BudgetCheckResult> {
    const { budgets, store, logger } = this.options;
    const forecasts = await budgets.forecastMany(
      tenants,
      month,
      new Map(tenants.map(t => [t.uid, t.budget])),
    );
    options.signal?.throwIfAborted();
    await store.upsertForecasts(
      forecasts.map(f => ({
        tenantUid: f.tenantUid,
        month,
        monthToDate: f.monthToDate.total,
        forecast: f.forecast.amount,
        low: f.forecast.low,
        high: f.forecast.high,
        status: f.status,
        computedAt: now,
      })),
    );
    // What earlier checks alerted is skipped without a write; the claim
    // decides between checks running at the same time.
    const alerted = await store.alertedThresholds(
      tenants.map(t => t.uid),
      month,
    );
    const claimed: ClaimedAlert[] = [];
    const owners = new Map(tenants.map(t => [t.uid, t.owner]));
    for (const forecast of forecasts) {
      if (!forecast.status || !forecast.budget) {
        continue;
      }
      const mine: ClaimedAlert[] = [];
      for (const { threshold, basis } of newlyCrossed(
        forecast.status,
        alerted.get(forecast.tenantUid) ?? new Set(),
      )) {
        options.signal?.throwIfAborted();
        const won = await store.claimAlert(
          forecast.tenantUid,
          month,
          threshold,
          {
            basis,
            monthToDate: forecast.monthToDate.total,
            forecast: forecast.forecast.amount,
            budget: forecast.budget.amount,
            now,
          },
        );
        if (won) {
          mine.push({
            tenant: forecast.tenant,
            tenantUid: forecast.tenantUid,
            month,
            threshold,
            basis,
          });
        }
      }
      if (mine.length > 0) {
        claimed.push(...mine);
        await this.notifyOwner(owners.get(forecast.tenantUid)!, forecast, mine);
      }
    }
    if (claimed.length > 0) {
      logger.info(
        `Budget check ${month}: ${claimed
          .map(c => `${c.tenant} ${c.threshold}% (${c.basis})`)
          .join(', ')}`,
      );
      await this.sendDigest(month, claimed, forecasts);
    }
    return { checked: forecasts.length, claimed };
  }

  /** One notification per tenant and check, naming each threshold claimed. */
  private async notifyOwner(
    owner: string,
    forecast: CostForecast,
    alerts: ClaimedAlert[],
  ): Promise<void> {
    const recipient = recipientRef(owner);
    if (!this.options.settings.budgetThreshold || !recipient) {
      return;
    }
    const top = alerts[alerts.length - 1];
    const reached =
      top.basis === 'actual'
        ? `has reached ${top.threshold} % of its ${forecast.month} budget`
        : `is forecast to reach ${top.threshold} % of its ${forecast.month} budget`;
    await this.options.notifier.send({
      recipients: { type: 'entity', entityRef: recipient },
      payload: {
        title: `Tenant ${forecast.tenant} ${reached}`,
        description: `${figures(forecast)} Thresholds crossed: ${alerts
          .map(a => `${a.threshold} % (${a.basis})`)
          .join(', ')}.`.slice(0, 1000),
        link: `/catalog/default/resource/${encodeURIComponent(
          forecast.tenant,
        )}`,
        severity: top.threshold >= 100 ? 'high' : 'normal',
        topic: 'emr-on-eks:budgets',
        // A resend of the same alert replaces it rather than adding one.
        scope: `emr-on-eks:budget:${forecast.tenantUid}:${
          forecast.month
        }:${alerts.map(a => a.threshold).join('-')}`,
      },
    });
  }

  /** The admins' digest of the alerts this check claimed. */
  private async sendDigest(
    month: string,
    claimed: ClaimedAlert[],
    forecasts: CostForecast[],
  ): Promise<void> {
    const { budgetDigest } = this.options.settings;
    if (budgetDigest.length === 0) {
      return;
    }
    const byUid = new Map(forecasts.map(f => [f.tenantUid, f]));
    const tenants = [...new Set(claimed.map(c => c.tenantUid))];
    const lines = tenants.map(uid => {
      const forecast = byUid.get(uid)!;
      const crossed = claimed
        .filter(c => c.tenantUid === uid)
        .map(c => `${c.threshold} % (${c.basis})`)
        .join(', ');
      return `${forecast.tenant}: ${crossed}. ${figures(forecast)}`;
    });
    await this.options.notifier.send({
      recipients: { type: 'entity', entityRef: budgetDigest },
      payload: {
        title: `Budget alerts for ${month}: ${tenants.length} tenant${
          tenants.length === 1 ? '' : 's'
        }`,
        description: lines.join('\n').slice(0, 2000),
        // The admin's Costs tab (the example app mounts the page at /emr-on-eks).
        link: '/emr-on-eks/costs',
        severity: claimed.some(c => c.threshold >= 100) ? 'high' : 'normal',
        topic: 'emr-on-eks:budgets',
      },
    });
  }
}

/** The month's figures in words: month to date, forecast, budget. */
function figures(forecast: CostForecast): string {
  const { currency, budget, status } = forecast;
  const money = (value: number) => `${value.toFixed(2)} ${currency}`;
  const percent = (value: number | undefined) =>
    value === undefined ? '' : ` (${value.toFixed(1)} %)`;
  return `Month to date ${money(forecast.monthToDate.total)}${percent(
    status?.actualPercent,
  )}, forecast ${money(forecast.forecast.amount)}${percent(
    status?.forecastPercent,
  )}, budget ${budget ? money(budget.amount) : 'none'}.`;
}
