// @ts-check
// The states of an EMR on EKS job run, as DescribeJobRun reports them.

/**
 * A job run state as EMR on EKS reports it.
 * @typedef {'PENDING' | 'SUBMITTED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCEL_PENDING' | 'CANCELLED'} JobRunStateName
 */

/**
 * Why a run failed, as EMR on EKS reports it.
 * @typedef {'INTERNAL_ERROR' | 'USER_ERROR' | 'VALIDATION_ERROR' | 'CLUSTER_UNAVAILABLE'} FailureReason
 */

/**
 * A state and the details DescribeJobRun reports with it: one step of a
 * run's script or plan.
 * @typedef {object} JobRunStatus
 * @property {JobRunStateName} state
 * @property {string} [stateDetails]
 * @property {FailureReason} [failureReason]
 * @property {number} [attempt] The driver attempt the run is on (1 for the
 *   first), reported as `retryPolicyExecution.currentAttemptCount` for runs
 *   with a retry policy; 1 when left out.
 */

/**
 * Where a run stands: its status, and when it ended (epoch milliseconds)
 * once it has.
 * @typedef {JobRunStatus & { finishedAt?: number }} RunStatus
 */

/** States a run never leaves. */
const TERMINAL_STATES = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

/**
 * True for COMPLETED, FAILED and CANCELLED.
 * @param {string} state
 */
export function isTerminal(state) {
  return TERMINAL_STATES.has(state);
}

/**
 * What a cancelled run reports once EMR has stopped it.
 * @type {JobRunStatus}
 */
export const CANCELLED = {
  state: 'CANCELLED',
  stateDetails: 'Job run cancelled.',
};
