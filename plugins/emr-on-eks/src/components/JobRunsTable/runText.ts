import {
  isTerminalJobRunState,
  JobRun,
} from '@spot-spark/plugin-emr-on-eks-common';
import { formatMiB } from '../../lib/format';

/** Why a run is in its state: EMR's reason and details. */
export function runReason(run: JobRun): string {
  return [run.failureReason, run.stateDetails].filter(Boolean).join(': ');
}

/** Spot or On-Demand executors; unknown for runs started outside Backstage. */
export function capacityOf(run: JobRun): string {
  if (run.spot === undefined) {
    return 'Unknown';
  }
  return run.spot ? 'Spot' : 'On-Demand';
}

function executorsOf(run: JobRun): string {
  const r = run.requested;
  if (!r) {
    return '';
  }
  return r.minExecutors === r.maxExecutors
    ? `${r.maxExecutors}`
    : `${r.minExecutors}-${r.maxExecutors}`;
}

/** The resources a run asks for at its largest. */
export function requestedOf(run: JobRun): string {
  const r = run.requested;
  if (!r) {
    return '';
  }
  return `${r.maxCores} cores, ${formatMiB(r.maxMemoryMiB)} (${executorsOf(
    run,
  )} executors)`;
}

/**
 * The resources of a run in one short table cell: `42 cores · 229.6 GiB ·
 * 2-10 Spot`; empty when unknown.
 */
export function requestedShort(run: JobRun): string {
  const r = run.requested;
  if (!r) {
    return '';
  }
  const capacity = run.spot === undefined ? 'executors' : capacityOf(run);
  return `${r.maxCores} cores · ${formatMiB(r.maxMemoryMiB)} · ${executorsOf(
    run,
  )} ${capacity}`;
}

/** The driver's and each executor's size, for the short cell's tooltip. */
export function requestedDetail(run: JobRun): string {
  const r = run.requested;
  if (!r) {
    return '';
  }
  return `Driver ${r.driver.cores} cores, ${formatMiB(
    r.driver.memoryMiB,
  )}; ${executorsOf(run)} ${capacityOf(run)} executors of ${
    r.executor.cores
  } cores, ${formatMiB(r.executor.memoryMiB)}`;
}

/** How long a run took or has been going, in ms; undefined when unknown. */
export function durationMs(run: JobRun, now: number): number | undefined {
  const start = Date.parse(run.createdAt);
  const end = isTerminalJobRunState(run.state)
    ? Date.parse(run.finishedAt ?? run.updatedAt)
    : now;
  return Number.isNaN(start) || Number.isNaN(end) ? undefined : end - start;
}
