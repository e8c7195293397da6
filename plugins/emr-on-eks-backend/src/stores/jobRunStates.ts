import type {
  JobRun,
  JobRunState,
  JobRunStateChange,
} from '@spot-spark/plugin-emr-on-eks-common';
import { TERMINAL_JOB_RUN_STATES } from '@spot-spark/plugin-emr-on-eks-common';
import type { Knex } from 'knex';
import { movesTo } from '../domain/jobRun/stateOrder';
import { isPostgres, toDate, toIso } from './database';
import { toJobRun, type JobRunRow, type Timestamp } from './jobRunRows';

/*
 * Observations of a job run applied to its row, one run at a time under a
 * row lock, with each state it enters recorded in `emr_job_run_states`.
 */

/** How Backstage learned of a state. */
export type JobRunStateSource = JobRunStateChange['source'];

/** What one source saw of a run at one moment. */
export interface JobRunObservation {
  state: JobRunState;
  source: JobRunStateSource;
  /** When the run entered the state, if the source says (an event's time); else now. */
  at?: Date;
  /** The driver attempt it belongs to (1 for the first), if known. */
  attempt?: number;
  /** `retryPolicyConfiguration.maxAttempts`, if known. */
  maxAttempts?: number;
  /** Who caused it (a user ref), for submissions and cancels. */
  by?: string;
  stateDetails?: string;
  failureReason?: string;
  finishedAt?: Date;
  emrJobRunId?: string;
  arn?: string;
  /** Set once: who cancelled the run through Backstage. */
  cancelledBy?: string;
  /** Details for the history (defaults to `stateDetails`). */
  details?: string;
  /** Move only a run in one of these states (EMR refused a submission). */
  onlyFrom?: JobRunState[];
}

/** What applying an observation did. */
export interface AppliedObservation {
  /** The run's row was written (its state or anything else). */
  changed: boolean;
  /** The run entered a new state or driver attempt (a history row was added). */
  stateChanged: boolean;
  /** Its state before. */
  previousState: JobRunState;
  /** The run afterwards. */
  run: JobRun;
}

const TERMINAL = TERMINAL_JOB_RUN_STATES as JobRunState[];

/** The row of a run, locked until the transaction ends (PostgreSQL; SQLite serialises writers). */
export async function lockRun(
  tx: Knex.Transaction,
  id: string,
): Promise<JobRunRow | undefined> {
  const query = tx<JobRunRow>('emr_job_runs').where({ id });
  return isPostgres(tx) ? query.forUpdate().first() : query.first();
}

function time(value: Timestamp | null | undefined): number | null {
  return value === null || value === undefined ? null : toDate(value).getTime();
}

/**
 * Applies an observation to a locked row: the state never goes backwards
 * (see `movesTo`), duplicates change nothing, and fields only an earlier
 * observation knew (the EMR id, who cancelled) are kept.
 */
export async function applyToRow(
  tx: Knex.Transaction,
  row: JobRunRow,
  observation: JobRunObservation,
  now: Date = new Date(),
): Promise<AppliedObservation> {
  const knownAttempt =
    row.attempts === null || row.attempts === undefined
      ? undefined
      : Number(row.attempts);
  const allowed =
    !observation.onlyFrom || observation.onlyFrom.includes(row.state);
  const moved =
    allowed &&
    movesTo(
      { state: row.state, attempt: knownAttempt },
      { state: observation.state, attempt: observation.attempt },
    );
  const same = !moved && observation.state === row.state;
  const attempts =
    observation.attempt !== undefined
      ? Math.max(knownAttempt ?? 0, observation.attempt)
      : knownAttempt ?? null;
  const update: Partial<JobRunRow> = {
    emr_job_id: row.emr_job_id ?? observation.emrJobRunId ?? null,
    arn: row.arn ?? observation.arn ?? null,
    attempts,
    max_attempts: observation.maxAttempts ?? row.max_attempts ?? null,
    cancelled_by: row.cancelled_by ?? observation.cancelledBy ?? null,
  };
  if (moved) {
    Object.assign(update, {
      state: observation.state,
      state_details: observation.stateDetails ?? null,
      failure_reason: observation.failureReason ?? null,
      finished_at: TERMINAL.includes(observation.state)
        ? observation.finishedAt ?? now
        : null,
    });
  } else if (same) {
    // A repeat of the current state may say more about it, never less.
    Object.assign(update, {
      state_details: observation.stateDetails ?? row.state_details,
      failure_reason: observation.failureReason ?? row.failure_reason,
      finished_at: row.finished_at ?? observation.finishedAt ?? null,
    });
  }
  const changed =
    moved ||
    update.emr_job_id !== row.emr_job_id ||
    update.arn !== row.arn ||
    (update.attempts ?? null) !== (row.attempts ?? null) ||
    (update.max_attempts ?? null) !== (row.max_attempts ?? null) ||
    (update.cancelled_by ?? null) !== (row.cancelled_by ?? null) ||
    (same &&
      (update.state_details !== row.state_details ||
        update.failure_reason !== row.failure_reason ||
        time(update.finished_at) !== time(row.finished_at)));
  const previousState = row.state;
  if (!changed) {
    return { changed, stateChanged: false, previousState, run: toJobRun(row) };
  }
  const written = { ...update, updated_at: now };
  await tx('emr_job_runs').where({ id: row.id }).update(written);
  if (moved) {
    await recordState(tx, row.id, observation, attempts, now);
  }
  return {
    changed,
    stateChanged: moved,
    previousState,
    run: toJobRun({ ...row, ...written } as JobRunRow),
  };
}

/** Adds a state to a run's history. */
export async function recordState(
  tx: Knex | Knex.Transaction,
  runId: string,
  observation: Pick<
    JobRunObservation,
    'state' | 'source' | 'at' | 'by' | 'details' | 'stateDetails'
  >,
  attempt: number | null,
  now: Date = new Date(),
): Promise<void> {
  await tx('emr_job_run_states').insert({
    run_id: runId,
    state: observation.state,
    at: observation.at ?? now,
    attempt,
    source: observation.source,
    changed_by: observation.by ?? null,
    details: observation.details ?? observation.stateDetails ?? null,
  });
}

/** Every state a run passed through, oldest first. */
export async function listStates(
  db: Knex,
  runId: string,
): Promise<JobRunStateChange[]> {
  const rows = await db('emr_job_run_states')
    .where('run_id', runId)
    .orderBy('id', 'asc')
    .limit(1000);
  return rows.map(row => ({
    state: row.state,
    at: toIso(row.at),
    ...(row.attempt !== null ? { attempt: Number(row.attempt) } : {}),
    source: row.source,
    ...(row.changed_by ? { by: row.changed_by } : {}),
    ...(row.details ? { details: row.details } : {}),
  }));
}
