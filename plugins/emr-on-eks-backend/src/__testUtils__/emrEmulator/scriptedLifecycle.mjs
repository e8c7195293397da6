// @ts-check
// Scripted runs, for tests: a run follows a script of states and moves one
// step only when the test calls `advance`, so every state can be observed.
import { CANCELLED, isTerminal } from './states.mjs';

/** @typedef {import('./states.mjs').JobRunStatus} JobRunStatus */
/** @typedef {import('./states.mjs').RunStatus} RunStatus */
/**
 * @template P
 * @typedef {import('./jobRuns.mjs').Run<P>} Run
 */
/** @typedef {import('./jobRuns.mjs').RunFields} RunFields */

/**
 * The script a run follows unless told otherwise.
 * @type {JobRunStatus[]}
 */
export const DEFAULT_SCRIPT = [
  { state: 'PENDING' },
  { state: 'SUBMITTED' },
  { state: 'RUNNING' },
  { state: 'COMPLETED' },
];

/**
 * A run's place in its script. `current` leaves the script on cancel
 * (CANCEL_PENDING, then CANCELLED).
 * @typedef {object} ScriptProgress
 * @property {JobRunStatus[]} script
 * @property {number} position
 * @property {JobRunStatus} current
 * @property {number} [finishedAt] Epoch milliseconds.
 */

/** @param {readonly JobRunStatus[]} script */
function copyScript(script) {
  if (script.length === 0) {
    throw new Error('a script needs at least one state');
  }
  return script.map(step => ({ ...step }));
}

/**
 * @param {Pick<RunFields, 'createdAt'>} run
 * @param {ScriptProgress} progress
 * @param {JobRunStatus} step
 * @param {number} now
 */
function enter(run, progress, step, now) {
  progress.current = { ...step };
  // A terminal state never predates createdAt, even for runs dated in the future.
  progress.finishedAt = isTerminal(step.state)
    ? Math.max(now, run.createdAt)
    : undefined;
}

/** Runs that follow scripts, one step per `advance`. */
export class ScriptedLifecycle {
  /**
   * The script of runs created by StartJobRun (copied when one starts).
   * @type {JobRunStatus[]}
   */
  defaultScript = copyScript(DEFAULT_SCRIPT);

  /**
   * @param {Pick<RunFields, 'createdAt'>} run
   * @param {number} now
   * @param {readonly JobRunStatus[]} [script] Default `defaultScript`.
   * @returns {ScriptProgress}
   */
  begin(run, now, script = this.defaultScript) {
    const copied = copyScript(script);
    /** @type {ScriptProgress} */
    const progress = { script: copied, position: 0, current: copied[0] };
    enter(run, progress, copied[0], now);
    return progress;
  }

  /**
   * @param {Run<ScriptProgress>} run
   * @returns {RunStatus}
   */
  status(run) {
    return { ...run.progress.current, finishedAt: run.progress.finishedAt };
  }

  /**
   * @param {Run<ScriptProgress>} run
   * @param {number} now
   */
  cancel(run, now) {
    if (run.progress.current.state !== 'CANCEL_PENDING') {
      enter(run, run.progress, { state: 'CANCEL_PENDING' }, now);
    }
  }

  /**
   * One step along the script; CANCEL_PENDING becomes CANCELLED; an ended
   * run stays where it is.
   * @param {Run<ScriptProgress>} run
   * @param {number} now
   */
  advance(run, now) {
    const progress = run.progress;
    if (progress.current.state === 'CANCEL_PENDING') {
      enter(run, progress, CANCELLED, now);
    } else if (
      !isTerminal(progress.current.state) &&
      progress.position + 1 < progress.script.length
    ) {
      progress.position += 1;
      enter(run, progress, progress.script[progress.position], now);
    }
  }

  /**
   * Replaces a run's script and restarts it at the script's first state.
   * @param {Run<ScriptProgress>} run
   * @param {readonly JobRunStatus[]} script
   * @param {number} now
   */
  setScript(run, script, now) {
    run.progress = this.begin(run, now, script);
  }
}
