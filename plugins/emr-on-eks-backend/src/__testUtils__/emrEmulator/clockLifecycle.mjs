// @ts-check
// Clock-driven runs, for the local stack: a run follows a plan that says
// when (seconds after its creation) it enters each state, and stays in the
// plan's last state. A cancelled run is CANCEL_PENDING for a while, then
// CANCELLED.
import { CANCELLED, isTerminal } from './states.mjs';

/** @typedef {import('./states.mjs').JobRunStatus} JobRunStatus */
/** @typedef {import('./states.mjs').RunStatus} RunStatus */
/**
 * A state and when a run enters it: `at` seconds after its creation.
 * @typedef {JobRunStatus & { at: number }} PlannedStep
 */

/**
 * A state and how long a run stays in it (`seconds`, none for the last).
 * @typedef {JobRunStatus & { seconds?: number }} TimedStep
 */

/**
 * A run's plan, and when it was cancelled (epoch milliseconds) if it was.
 * @typedef {object} ClockProgress
 * @property {PlannedStep[]} plan
 * @property {number} [cancelledAt]
 */

/**
 * @template P
 * @typedef {import('./jobRuns.mjs').Run<P>} Run
 */
/** @typedef {import('./jobRuns.mjs').RunFields} RunFields */

/**
 * The plan of steps given with durations.
 * @param {TimedStep[]} steps
 * @returns {PlannedStep[]}
 */
export function planOf(steps) {
  let at = 0;
  return steps.map(({ seconds = 0, ...status }) => {
    const step = { ...status, at };
    at += seconds;
    return step;
  });
}

/**
 * The step of a plan a run is in `elapsed` seconds after its creation.
 * @param {PlannedStep[]} plan
 * @param {number} elapsed
 */
function stepAt(plan, elapsed) {
  let step = plan[0];
  for (const candidate of plan) {
    if (candidate.at <= elapsed) {
      step = candidate;
    }
  }
  return step;
}

/** Runs that move through their plans as time passes. */
export class ClockLifecycle {
  /**
   * @param {{
   *   planFor: (run: RunFields) => PlannedStep[],
   *   cancelPendingSeconds: number,
   * }} options `planFor` decides what a new run does (the outcomes and
   *   durations); a cancelled run is CANCEL_PENDING for
   *   `cancelPendingSeconds`.
   */
  constructor(options) {
    this.planFor = options.planFor;
    this.cancelPendingSeconds = options.cancelPendingSeconds;
  }

  /**
   * @param {RunFields} run
   * @returns {ClockProgress}
   */
  begin(run) {
    return { plan: this.planFor(run) };
  }

  /**
   * @param {Run<ClockProgress>} run
   * @param {number} now
   * @returns {RunStatus}
   */
  status(run, now) {
    const { plan, cancelledAt } = run.progress;
    if (cancelledAt !== undefined) {
      const cancelledAfter = this.cancelPendingSeconds * 1000;
      // A cancelled run stays on the attempt it was cancelled in.
      const { attempt } = stepAt(plan, (cancelledAt - run.createdAt) / 1000);
      return now - cancelledAt >= cancelledAfter
        ? { ...CANCELLED, attempt, finishedAt: cancelledAt + cancelledAfter }
        : { state: 'CANCEL_PENDING', attempt };
    }
    const { at, ...status } = stepAt(plan, (now - run.createdAt) / 1000);
    return {
      ...status,
      finishedAt: isTerminal(status.state)
        ? run.createdAt + at * 1000
        : undefined,
    };
  }

  /**
   * @param {Run<ClockProgress>} run
   * @param {number} now
   */
  cancel(run, now) {
    run.progress.cancelledAt ??= now;
  }
}
