import { useApi } from '@backstage/core-plugin-api';
import {
  addCostDays,
  CostReport,
  JobRun,
} from '@spot-spark/plugin-emr-on-eks-common';
import { useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { emrOnEksApiRef } from '../../api';
import { JobRunScope } from '../../hooks';
import { DayRange, todayUtc } from '../EntityEmrChargebackCard/periods';
import { isCostsConfigured } from '../EntityEmrChargebackCard/reports';

/** What a run cost so far. */
export interface RunCost {
  amount: number;
  /** True while part of it is an estimate (the bill has not covered its days). */
  estimated: boolean;
}

/** The costs of the runs on screen, from one `groupBy=job` report. */
export interface RunCosts {
  currency: string;
  /** A run's cost; undefined when the report has none for it. */
  of(run: JobRun): RunCost | undefined;
}

/**
 * The most days one cost request covers: within the backend's default bound
 * (`emrOnEks.costs.maxRangeDays`, 400); older runs show no cost.
 */
export const RUN_COST_MAX_DAYS = 366;

function utcDay(iso: string): string | undefined {
  const time = Date.parse(iso);
  return Number.isNaN(time)
    ? undefined
    : new Date(time).toISOString().slice(0, 10);
}

/** Days a cost request covers at least: the chargeback card's default period. */
export const RUN_COST_MIN_DAYS = 30;

/**
 * The days that cover runs: from the day the earliest was created (a run's
 * costs fall on the days it ran), or the last {@link RUN_COST_MIN_DAYS} days
 * if that is earlier, so the column agrees with the chargeback card's
 * default period, to today; at most {@link RUN_COST_MAX_DAYS}.
 */
export function runCostRange(
  runs: ReadonlyArray<JobRun>,
  today: string,
): DayRange | undefined {
  const days = runs
    .map(run => utcDay(run.createdAt))
    .filter((day): day is string => day !== undefined)
    .sort();
  if (days.length === 0) {
    return undefined;
  }
  const floor = addCostDays(today, 1 - RUN_COST_MAX_DAYS);
  const recent = addCostDays(today, 1 - RUN_COST_MIN_DAYS);
  const earliest = days[0] < recent ? days[0] : recent;
  let from = earliest < floor ? floor : earliest;
  if (from > today) {
    from = today;
  }
  return { from, to: today };
}

function toRunCosts(report: CostReport): RunCosts {
  const byRunId = new Map<string, RunCost>();
  const byEmrId = new Map<string, RunCost>();
  for (const row of report.rows) {
    const cost = { amount: row.amount, estimated: row.estimated };
    if (row.jobRunId) {
      byRunId.set(row.jobRunId, cost);
    }
    if (row.emrJobRunId) {
      byEmrId.set(row.emrJobRunId, cost);
    }
  }
  return {
    currency: report.currency,
    of: run =>
      byRunId.get(run.id) ??
      (run.emrJobRunId ? byEmrId.get(run.emrJobRunId) : undefined),
  };
}

/**
 * The costs of a page of runs: one request per page (not per row, and not
 * again when the list refreshes), undefined when costs are not configured,
 * not permitted or failed: the runs are shown without a cost column then.
 */
export function useRunCosts(
  scope: JobRunScope,
  runs: ReadonlyArray<JobRun>,
): RunCosts | undefined {
  const api = useApi(emrOnEksApiRef);
  const range = runCostRange(runs, todayUtc());
  const scopeKey =
    scope.kind === 'entity'
      ? `entity:${scope.entityRef}`
      : `tenant:${scope.tenant}`;
  // Keyed by the days, not the runs: a refresh of the list, with new run
  // objects, does not ask again.
  const { value } = useAsync(async () => {
    if (!range) {
      return undefined;
    }
    const query = { ...range, groupBy: 'job' as const };
    try {
      const report =
        scope.kind === 'tenant'
          ? await api.getTenantCosts(scope.tenant, query)
          : await api.getEntityCosts(scope.entityRef, query);
      return isCostsConfigured(report) ? report : undefined;
    } catch {
      // Costs are an extra of the list: never an error of it.
      return undefined;
    }
  }, [api, scopeKey, range?.from, range?.to]);
  return useMemo(() => (value ? toRunCosts(value) : undefined), [value]);
}
