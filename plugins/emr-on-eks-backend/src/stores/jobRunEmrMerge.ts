import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import type { EmrJobRun } from '../gateways/aws/JobRunGateway';
import { chunks } from './database';
import type { JobTagKeys } from './JobRunStore';
import {
  recordState,
  type AppliedObservation,
  type JobRunObservation,
} from './jobRunStates';
import { fitsColumn, toJobRun, type JobRunRow } from './jobRunRows';

/**
 * Merges what EMR reported for one page of a tenant's runs into the table. A
 * run is matched by its EMR id, else by the submission id tag of a run
 * recorded here whose StartJobRun answer was lost; a match is observed (its
 * state never goes backwards); anything else is inserted as an external run,
 * unless another replica (or an event's sync) inserted it first. Rows are
 * only written when something changed.
 */
export async function mergeEmrRuns(
  db: Knex,
  observe: (
    id: string,
    observation: JobRunObservation,
  ) => Promise<AppliedObservation | undefined>,
  tenant: { name: string; uid: string },
  runs: EmrJobRun[],
  tagKeys: JobTagKeys,
): Promise<{ written: number; changes: AppliedObservation[] }> {
  const changes: AppliedObservation[] = [];
  if (runs.length === 0) {
    return { written: 0, changes };
  }
  const byEmrId = new Map<string, JobRunRow>();
  const byId = new Map<string, JobRunRow>();
  for (const chunk of chunks(runs, 200)) {
    const rows = await db<JobRunRow>('emr_job_runs')
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
      const submitted = await db<JobRunRow>('emr_job_runs')
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
      const applied = await observe(row.id, {
        state: run.state,
        source: 'sync',
        emrJobRunId: run.id,
        arn: run.arn,
        stateDetails: run.stateDetails,
        failureReason: run.failureReason,
        finishedAt: run.finishedAt,
        attempt: run.currentAttemptCount,
        maxAttempts: run.maxAttempts,
      });
      if (applied?.changed) {
        written++;
        changes.push(applied);
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
      max_attempts: run.maxAttempts ?? null,
      attempts: run.currentAttemptCount ?? null,
      created_at: run.createdAt,
      finished_at: run.finishedAt ?? null,
      updated_at: now,
    });
  }
  for (const chunk of chunks(inserts, 40)) {
    // Batches keep well under SQLite's bound-parameter limit. A run
    // another replica (or an event's sync) inserted meanwhile is its.
    const inserted = await db.transaction(async tx => {
      const ids: Array<{ id: string } | string> = await tx('emr_job_runs')
        .insert(chunk)
        .onConflict(['virtual_cluster_id', 'emr_job_id'])
        .ignore()
        .returning('id');
      const kept = new Set(ids.map(r => (typeof r === 'string' ? r : r.id)));
      const rows = chunk.filter(r => kept.has(r.id));
      for (const row of rows) {
        await recordState(
          tx,
          row.id,
          { state: row.state, source: 'sync' },
          null,
          now,
        );
      }
      return rows;
    });
    written += inserted.length;
    changes.push(
      ...inserted.map(row => ({
        changed: true,
        stateChanged: false,
        previousState: row.state,
        run: toJobRun(row),
      })),
    );
  }
  return { written, changes };
}
