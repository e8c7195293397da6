import { ConflictError } from '@backstage/errors';
import {
  JobRun,
  JobRunRequest,
  JobRunPage,
  JobRunState,
  RequestedResources,
  TERMINAL_JOB_RUN_STATES,
} from '@spot-spark/plugin-emr-on-eks-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import type { EmrJobRun } from '../gateways/aws/JobRunGateway';
import { decodeCursor, encodeCursor } from './cursor';
import { chunks, toDate } from './database';
import {
  fitsColumn,
  LIST_COLUMNS,
  sameRow,
  toJobRun,
  type JobRunRow,
} from './jobRunRows';

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
    accepted: { emrJobRunId: string; arn?: string },
  ) {
    await this.db<JobRunRow>('emr_job_runs')
      .where({ id, state: 'SUBMITTING' })
      .update({
        emr_job_id: accepted.emrJobRunId,
        arn: accepted.arn ?? null,
        state: 'PENDING',
        updated_at: new Date(),
      });
  }

  /**
   * EMR refused the run for good. Only a run still SUBMITTING moves: a sync
   * that meanwhile attached it to an accepted EMR run wins.
   */
  async markFailed(id: string, failure: { reason: string; details: string }) {
    const now = new Date();
    await this.db<JobRunRow>('emr_job_runs')
      .where({ id, state: 'SUBMITTING' })
      .update({
        state: 'FAILED',
        failure_reason: failure.reason,
        state_details: failure.details,
        finished_at: now,
        updated_at: now,
      });
  }

  async setState(
    id: string,
    update: {
      state: JobRunState;
      stateDetails?: string;
      failureReason?: string;
      finishedAt?: Date;
    },
  ) {
    await this.db<JobRunRow>('emr_job_runs')
      .where({ id })
      .update({
        state: update.state,
        state_details: update.stateDetails ?? null,
        failure_reason: update.failureReason ?? null,
        finished_at: update.finishedAt ?? null,
        updated_at: new Date(),
      });
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
    if (runs.length === 0) {
      return 0;
    }
    return this.db.transaction(async tx => {
      const byEmrId = new Map<string, JobRunRow>();
      const byId = new Map<string, JobRunRow>();
      for (const chunk of chunks(runs, 200)) {
        const rows = await tx<JobRunRow>('emr_job_runs')
          .where('virtual_cluster_id', chunk[0].virtualClusterId)
          .whereIn(
            'emr_job_id',
            chunk.map(r => r.id),
          );
        rows.forEach(row => byEmrId.set(row.emr_job_id!, row));
        const submissionIds = chunk
          .map(r => r.tags[tagKeys.submissionId])
          .filter((id): id is string => Boolean(id));
        if (submissionIds.length > 0) {
          const submitted = await tx<JobRunRow>('emr_job_runs')
            .where('tenant_uid', tenant.uid)
            .whereIn('id', submissionIds);
          submitted.forEach(row => byId.set(row.id, row));
        }
      }

      let written = 0;
      const inserts: JobRunRow[] = [];
      const now = new Date();
      for (const run of runs) {
        const row =
          byEmrId.get(run.id) ?? byId.get(run.tags[tagKeys.submissionId] ?? '');
        if (row) {
          const update = {
            emr_job_id: run.id,
            arn: run.arn ?? row.arn,
            state: run.state,
            state_details: run.stateDetails ?? null,
            failure_reason: run.failureReason ?? null,
            finished_at: run.finishedAt ?? null,
          };
          if (!sameRow(row, update)) {
            await tx<JobRunRow>('emr_job_runs')
              .where('id', row.id)
              .update({ ...update, updated_at: now });
            written++;
          }
          continue;
        }
        inserts.push({
          id: randomUUID(),
          tenant: tenant.name,
          tenant_uid: tenant.uid,
          virtual_cluster_id: run.virtualClusterId,
          emr_job_id: run.id,
          arn: run.arn ?? null,
          name: run.name,
          state: run.state,
          state_details: run.stateDetails ?? null,
          failure_reason: run.failureReason ?? null,
          release_label: run.releaseLabel ?? 'unknown',
          entity_ref: fitsColumn(run.tags[tagKeys.entityRef]),
          submitted_by: fitsColumn(run.tags[tagKeys.submittedBy]),
          spot: null,
          source: 'external',
          idempotency_key: null,
          client_token: null,
          request_hash: null,
          requested: null,
          created_at: run.createdAt,
          finished_at: run.finishedAt ?? null,
          updated_at: now,
        });
      }
      // Batches keep well under SQLite's bound-parameter limit.
      for (const chunk of chunks(inserts, 40)) {
        await tx('emr_job_runs').insert(chunk);
      }
      return written + inserts.length;
    });
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
    if (query.cursor) {
      const after = decodeCursor(query.cursor);
      q = q.where(inner =>
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
