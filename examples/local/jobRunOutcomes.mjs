// LOCAL ONLY: what a run does on `npm start`'s stack, for the job-run
// simulator (jobRunSimulator.mjs):
//
//   PENDING -> SUBMITTED -> RUNNING -> COMPLETED   (most runs)
//                                   -> FAILED       (some, with a reason)
//
// The tag `local-simulator/outcome` chooses (`COMPLETED`, `FAILED` or
// `LONG`: runs for an hour, for trying cancel); without it, one run in four
// fails, chosen by a hash of its id.
import { createHash } from 'node:crypto';
import { planOf } from '../../plugins/emr-on-eks-backend/src/__testUtils__/emrEmulator/index.mjs';

/** The tag that tells the simulator what a run does. */
export const OUTCOME_TAG = 'local-simulator/outcome';

/** Seconds spent in each state before the next. */
export const DEFAULT_TIMING = {
  pending: 5,
  submitted: 10,
  running: 60,
  long: 3600,
  cancelPending: 3,
};

/** Failures a run may end with: EMR's failure reasons, with details. */
const FAILURES = [
  {
    failureReason: 'USER_ERROR',
    stateDetails:
      'Job run failed: the Spark application exited with code 1 (java.lang.OutOfMemoryError: Java heap space in stage 3; raise spark.executor.memory or the number of partitions).',
  },
  {
    failureReason: 'USER_ERROR',
    stateDetails:
      "Job run failed: the driver could not read the entry point (py4j: FileNotFoundException: No such file or directory 's3://data-lake/input/2026-11-21/')",
  },
  {
    failureReason: 'CLUSTER_UNAVAILABLE',
    stateDetails:
      'Job run failed: no capacity was available for the driver within job-start-timeout (0/12 nodes are available: 12 Insufficient cpu).',
  },
];

function hashOf(text) {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

/**
 * Every duration divided by `speed` (2 runs twice as fast).
 * @param {number} speed
 */
export function timingAt(speed) {
  return Object.fromEntries(
    Object.entries(DEFAULT_TIMING).map(([key, seconds]) => [
      key,
      seconds / speed,
    ]),
  );
}

/**
 * The plan of a new run: its states and when it enters each, the last one
 * where it stays.
 * @param {typeof DEFAULT_TIMING} timing
 * @returns {(run: { id: string, tags: Record<string, string> }) =>
 *   Array<{ at: number, state: string, stateDetails?: string, failureReason?: string }>}
 */
export function outcomePlanner(timing) {
  return run => {
    const requested = String(run.tags[OUTCOME_TAG] ?? '').toUpperCase();
    const outcome =
      requested === 'COMPLETED' ||
      requested === 'FAILED' ||
      requested === 'LONG'
        ? requested
        : hashOf(run.id) % 4 === 0
        ? 'FAILED'
        : 'COMPLETED';
    const end =
      outcome === 'FAILED'
        ? { state: 'FAILED', ...FAILURES[hashOf(`${run.id}:why`) % 3] }
        : { state: 'COMPLETED' };
    return planOf([
      { state: 'PENDING', seconds: timing.pending },
      { state: 'SUBMITTED', seconds: timing.submitted },
      {
        state: 'RUNNING',
        seconds: outcome === 'LONG' ? timing.long : timing.running,
      },
      end,
    ]);
  };
}
