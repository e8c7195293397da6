import { CostReport } from '@spot-spark/plugin-emr-on-eks-common';

/** The costs of the runs of one job (one name) over a period. */
export interface JobGroup {
  /** The job's name; for a run the plugin does not know, EMR's run id. */
  name: string;
  /** True when the name is a job name (its runs can be searched by it). */
  named: boolean;
  /** Runs of the job with costs in the period. */
  runs: number;
  /** First and last day of those costs (YYYY-MM-DD). */
  firstDate?: string;
  lastDate?: string;
  amount: number;
  /** True when any of it is an estimate. */
  estimated: boolean;
}

/**
 * The `count` costliest jobs of a `groupBy=job,day` report, costliest
 * first: runs grouped by job name (a daily job is one line, not five with
 * opaque ids), with how many runs and over which days. Costs of no run are
 * left out.
 */
export function jobGroups(report: CostReport, count = 5): JobGroup[] {
  const groups = new Map<string, JobGroup & { ids: Set<string> }>();
  for (const row of report.rows) {
    const runId = row.jobRunId ?? row.emrJobRunId;
    if (!runId || row.amount === 0) {
      continue;
    }
    const named = Boolean(row.jobName);
    const name = row.jobName || runId;
    const key = `${named ? 'name' : 'run'}:${name}`;
    const group = groups.get(key) ?? {
      name,
      named,
      runs: 0,
      amount: 0,
      estimated: false,
      ids: new Set<string>(),
    };
    group.ids.add(runId);
    group.runs = group.ids.size;
    group.amount += row.amount;
    group.estimated ||= row.estimated;
    if (row.date) {
      if (!group.firstDate || row.date < group.firstDate) {
        group.firstDate = row.date;
      }
      if (!group.lastDate || row.date > group.lastDate) {
        group.lastDate = row.date;
      }
    }
    groups.set(key, group);
  }
  return [...groups.values()]
    .filter(group => group.amount > 0)
    .sort((a, b) => b.amount - a.amount || a.name.localeCompare(b.name))
    .slice(0, count)
    .map(({ ids: _ids, ...group }) => group);
}

/** `2026-11-18`, or `2026-11-18 to 2026-11-20`. */
export function datesText(group: JobGroup): string {
  if (!group.firstDate) {
    return '';
  }
  return group.firstDate === group.lastDate || !group.lastDate
    ? group.firstDate
    : `${group.firstDate} to ${group.lastDate}`;
}
