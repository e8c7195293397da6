import { ConflictError } from '@backstage/errors';
import {
  JobRun,
  JobRunRequest,
  JobRunStateChange,
  JobRunPage,
  JobRunState,
  RequestedResources,
  TERMINAL_JOB_RUN_STATES,
} from '@spot-spark/plugin-emr-on-eks-common';
import { Knex } from 'knex';
import type { EmrJobRun } from '../gateways/aws/JobRunGateway';
import { decodeCursor, encodeCursor } from './cursor';
import { toDate } from './database';
import {
  applyToRow,
  listStates,
  lockRun,
  recordState,
  type AppliedObservation,
  type JobRunObservation,
} from './jobRunStates';
import { mergeEmrRuns } from './jobRunEmrMerge';
import { LIST_COLUMNS, toJobRun, type JobRunRow } from './jobRunRows';

/** A run recorded before StartJobRun is called. */
export interface NewSubmission {
  id: string;
  tenant: string;
  tenantUid: string;
  virtualClusterId: string;
  name: string;
  releaseLabel: string;
  entityRef?: string;
  submittedBy: string;
  spot: boolean;
  idempotencyKey?: string;
  clientToken: string;
  /** Tells a retry (same hash) from a new request reusing the key. */
  requestHash: string;
  requested: RequestedResources;
  /** The request as submitted, shown on the run's page and re-run from there. */
  request: JobRunRequest;
}

/** Filters of a job-run list; results are newest first. */
export interface JobRunQuery {
  /** Runs of these tenant incarnations (uids) only. */
  tenantUids?: string[];
  entityRef?: string;
  states?: JobRunState[];
  createdAfter?: Date;
  createdBefore?: Date;
  /** Runs whose job name contains this text, ignoring case. */
  name?: string;
  limit: number;
  cursor?: string;
}

/** Tags of a run that carry what the sync reads back. */
export interface JobTagKeys {
  entityRef: string;
  submittedBy: string;
  submissionId: string;
}

const TERMINAL = TERMINAL_JOB_RUN_STATES as JobRunState[];

/** Text for a LIKE pattern escaped with a backslash: `%`, `_` and `\` match themselves. */
function likeEscaped(text: string): string {
  return text.replace(/[\\%_]/g, character => `\\${character}`);
}

/** Job runs in the plugin's database (the client of an already migrated database). */
export class JobRunStore {
  constructor(private readonly db: Knex) {}

  /**
   * Records a run before it is submitted. When the tenant already has a run
   * with the same idempotency key (a retry, or a concurrent twin), returns
   * that one instead and inserts nothing, unless that run was for another
   * request (a ConflictError naming the key). Either way it returns the
   * client token recorded for the run, which every StartJobRun for it must use.
   */
  async insertSubmission(
    run: NewSubmission,
  ): Promise<{ run: JobRun; inserted: boolean; clientToken: string }> {
    const existing = async () => {
      const row = run.idempotencyKey
        ? await this.db<JobRunRow>('emr_job_runs')
            .where({
              tenant_uid: run.tenantUid,
              idempotency_key: run.idempotencyKey,
            })
            .first()
        : undefined;
      if (row?.request_hash && row.request_hash !== run.requestHash) {
        throw new ConflictError(
          `idempotencyKey "${run.idempotencyKey}" was already used for a different request (job run ${row.id}); send a new key for a new request, or the same request to retry`,
        );
      }
      return row
        ? {
            run: toJobRun(row),
            inserted: false,
            clientToken: row.client_token!,
          }
        : undefined;
    };
    const earlier = await existing();
    if (earlier) {
      return earlier;
    }
    const now = new Date();
    try {
      await this.db<JobRunRow>('emr_job_runs').insert({
        id: run.id,
        tenant: run.tenant,
        tenant_uid: run.tenantUid,
        virtual_cluster_id: run.virtualClusterId,
        emr_job_id: null,
        arn: null,
        name: run.name,
        state: 'SUBMITTING',
        state_details: null,
        failure_reason: null,
        release_label: run.releaseLabel,
        entity_ref: run.entityRef ?? null,
        submitted_by: run.submittedBy,
        spot: run.spot,
        source: 'backstage',
        idempotency_key: run.idempotencyKey ?? null,
        client_token: run.clientToken,
        request_hash: run.requestHash,
        requested: JSON.stringify(run.requested),
        request: JSON.stringify(run.request),
        created_at: now,
        finished_at: null,
        updated_at: now,
      });
      await recordState(
        this.db,
        run.id,
        {
          state: 'SUBMITTING',
          source: 'submit',
          by: run.submittedBy,
          at: now,
        },
        null,
      );
    } catch (error) {
      // Lost a race on the idempotency key: the winner's run is the run
      // (or, for another request, a conflict).
      const winner = await existing();
      if (winner) {
        return winner;
      }
      throw error;
    }
    return {
      run: (await this.getRun(run.id))!,
      inserted: true,
      clientToken: run.clientToken,
    };
  }

  /**
   * Takes the right to send a SUBMITTING run's StartJobRun for `ttlMs`: one
   * caller at a time, so that requests racing on one idempotency key (on
   * two replicas, or two retries) send one StartJobRun between them. A
   * holder that died is replaced once its claim lapses. The claim records
   * the StartJobRun input the holder is about to send.
   */
  async claimSubmission(
    id: string,
    ttlMs: number,
    startJobRun: object,
  ): Promise<boolean> {
    const now = new Date();
    const updated = await this.db('emr_job_runs')
      .where({ id, state: 'SUBMITTING' })
      .andWhere(q =>
        q
          .whereNull('submit_claimed_until')
          .orWhere('submit_claimed_until', '<', now),
      )
      .update({
        submit_claimed_until: new Date(now.getTime() + ttlMs),
        start_job_run: JSON.stringify(startJobRun),
      });
    return updated === 1;
  }

  /** Gives the claim up (EMR did not answer): the next retry may send again. */
  async releaseSubmission(id: string): Promise<void> {
    await this.db('emr_job_runs')
      .where({ id })
      .update({ submit_claimed_until: null });
  }

  /**
   * EMR accepted the run. A sync that attached the run first (by its
   * submission tag) has already moved it on, and is left alone.
   */
  async markSubmitted(
    id: string,
    accepted: { emrJobRunId: string; arn?: string; by?: string },
  ): Promise<AppliedObservation | undefined> {
    return this.observe(id, {
      state: 'PENDING',
      source: 'submit',
      by: accepted.by,
      emrJobRunId: accepted.emrJobRunId,
      arn: accepted.arn,
    });
  }

  /**
   * EMR refused the run for good. Only a run still SUBMITTING moves: a sync
   * that meanwhile attached it to an accepted EMR run wins.
   */
  async markFailed(
    id: string,
    failure: { reason: string; details: string; by?: string },
  ): Promise<AppliedObservation | undefined> {
    return this.observe(id, {
      state: 'FAILED',
      source: 'submit',
      by: failure.by,
      failureReason: failure.reason,
      stateDetails: failure.details,
      onlyFrom: ['SUBMITTING'],
    });
  }

  /** Closes or moves a run on what the sync (or a cancel) learned. */
  async setState(
    id: string,
    update: {
      state: JobRunState;
      stateDetails?: string;
      failureReason?: string;
      finishedAt?: Date;
      source?: JobRunObservation['source'];
    },
  ): Promise<AppliedObservation | undefined> {
    return this.observe(id, { ...update, source: update.source ?? 'sync' });
  }

  /**
   * Applies one observation of a run in one transaction, the run's row
   * locked: its state never goes backwards, duplicates and late
   * observations change nothing, and `changed` / `stateChanged` say whether
   * this call was the one that changed it (so that whoever acts on a change
   * acts once, whichever replica saw it). Undefined: no such run.
   */
  async observe(
    id: string,
    observation: JobRunObservation,
  ): Promise<AppliedObservation | undefined> {
    return this.db.transaction(async tx => {
      const row = await lockRun(tx, id);
      return row ? applyToRow(tx, row, observation) : undefined;
    });
  }

  /** {@link JobRunStore.observe} of a run known by its EMR id; undefined when none is stored. */
  async observeEmrRun(
    virtualClusterId: string,
    emrJobRunId: string,
    observation: JobRunObservation,
  ): Promise<AppliedObservation | undefined> {
    const row = await this.db<JobRunRow>('emr_job_runs')
      .where({ virtual_cluster_id: virtualClusterId, emr_job_id: emrJobRunId })
      .first('id');
    return row ? this.observe(row.id, observation) : undefined;
  }

  /** Every state a run passed through, oldest first. */
  listStateChanges(id: string): Promise<JobRunStateChange[]> {
    return listStates(this.db, id);
  }

  /** The run with its request and StartJobRun (lists leave those out). */
  async getRun(id: string): Promise<JobRun | undefined> {
    const row = await this.db<JobRunRow>('emr_job_runs').where({ id }).first();
    return row ? toJobRun(row) : undefined;
  }

  /**
   * Stores what EMR reported for one page of a tenant's runs. A run is matched
   * by its EMR id, else by the submission id tag of a run recorded here whose
   * StartJobRun answer was lost, else inserted as an external run. Rows are
   * only written when something changed. Returns how many rows were written.
   */
  async upsertFromEmr(
    tenant: { name: string; uid: string },
    runs: EmrJobRun[],
    tagKeys: JobTagKeys,
  ): Promise<number> {
    return (await this.syncFromEmr(tenant, runs, tagKeys)).written;
  }

  /**
   * {@link JobRunStore.upsertFromEmr}, with what changed: each known run is
   * observed on its own (see `observe`), new ones are inserted (a run another
   * replica inserted first is left to it).
   */
  syncFromEmr(
    tenant: { name: string; uid: string },
    runs: EmrJobRun[],
    tagKeys: JobTagKeys,
  ): Promise<{ written: number; changes: AppliedObservation[] }> {
    return mergeEmrRuns(
      this.db,
      (id, observation) => this.observe(id, observation),
      tenant,
      runs,
      tagKeys,
    );
  }

  /** Runs of a tenant (uid) that may still change, created before `before` (if given). */
  async unfinishedRuns(tenantUid: string, before?: Date): Promise<JobRun[]> {
    let query = this.db<JobRunRow>('emr_job_runs')
      .where('tenant_uid', tenantUid)
      .whereNotIn('state', TERMINAL);
    if (before) {
      query = query.where('created_at', '<', before);
    }
    return (await query).map(toJobRun);
  }

  /** Tenant uids that have runs of an entity (to authorize before listing them). */
  async tenantUidsWithRunsOf(entityRef: string): Promise<string[]> {
    const rows = await this.db<JobRunRow>('emr_job_runs')
      .where('entity_ref', entityRef)
      .distinct('tenant_uid');
    return rows.map(row => row.tenant_uid).sort();
  }

  /** A page of runs, newest first, continuing after `cursor`. */
  async listRuns(query: JobRunQuery): Promise<JobRunPage> {
    let q = this.db<JobRunRow>('emr_job_runs');
    if (query.tenantUids) {
      if (query.tenantUids.length === 0) {
        return { items: [] };
      }
      q = q.whereIn('tenant_uid', query.tenantUids);
    }
    if (query.entityRef) {
      q = q.where('entity_ref', query.entityRef);
    }
    if (query.states && query.states.length > 0) {
      q = q.whereIn('state', query.states);
    }
    if (query.createdAfter) {
      q = q.where('created_at', '>=', query.createdAfter);
    }
    if (query.createdBefore) {
      q = q.where('created_at', '<', query.createdBefore);
    }
    if (query.name) {
      // Bound, with LIKE's wildcards taken literally: `50%_off` is text.
      q = q.whereRaw(`lower(name) like ? escape '\\'`, [
        `%${likeEscaped(query.name.toLowerCase())}%`,
      ]);
    }
    if (query.cursor) {
      const after = decodeCursor(query.cursor);
      // `created_at <=` first: a range on the (…, created_at, id) indexes,
      // so a deep page starts where the cursor is (the OR alone is no
      // range: the plan steps over every newer run, or sorts every older one).
      q = q
        .where('created_at', '<=', after.createdAt)
        .andWhere(inner =>
          inner
            .where('created_at', '<', after.createdAt)
            .orWhere(same =>
              same
                .where('created_at', '=', after.createdAt)
                .andWhere('id', '<', after.id),
            ),
        );
    }
    const rows: JobRunRow[] = await q
      .select(...LIST_COLUMNS)
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(query.limit + 1);
    const items = rows.slice(0, query.limit).map(toJobRun);
    const last = rows.length > query.limit ? rows[query.limit - 1] : undefined;
    return last
      ? { items, nextCursor: encodeCursor(toDate(last.created_at), last.id) }
      : { items };
  }
}
