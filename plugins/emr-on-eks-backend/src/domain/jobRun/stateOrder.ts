import type { JobRunState } from '@spot-spark/plugin-emr-on-eks-common';

/*
 * The order of a job run's states, and what an observation of a run may
 * change. Observations come from the submission, the sync, EMR's events and
 * cancels, in any order and any number of times (EventBridge is best effort:
 * duplicates, gaps, out of order), so a state never goes backwards.
 */

/**
 * Rank of each state: SUBMITTING (recorded here, not yet accepted by EMR) <
 * PENDING < SUBMITTED < RUNNING < CANCEL_PENDING < terminal.
 */
const RANK: Record<JobRunState, number> = {
  SUBMITTING: 0,
  PENDING: 1,
  SUBMITTED: 2,
  RUNNING: 3,
  CANCEL_PENDING: 4,
  COMPLETED: 5,
  FAILED: 5,
  CANCELLED: 5,
};

/** Where a state stands in {@link RANK}'s order. */
export function stateRank(state: JobRunState): number {
  return RANK[state];
}

/** What is known of a run: its state and its latest driver attempt. */
export interface RunPosition {
  state: JobRunState;
  /** The highest driver attempt seen (1 for the first); unknown when absent. */
  attempt?: number;
}

/**
 * Whether an observation of a run moves it to the observed state: the state
 * ranks higher than the current one, or it belongs to a later driver attempt
 * (a new driver starts from an earlier state; an observation without an
 * attempt is taken as one of the latest). An ended run stays ended: EMR
 * never starts a run again after a terminal state, so a later attempt seen
 * after one is a late event, not a restart.
 */
export function movesTo(current: RunPosition, observed: RunPosition): boolean {
  if (RANK[current.state] === RANK.COMPLETED) {
    return false;
  }
  const laterAttempt =
    observed.attempt !== undefined && observed.attempt > (current.attempt ?? 1);
  return laterAttempt || RANK[observed.state] > RANK[current.state];
}
