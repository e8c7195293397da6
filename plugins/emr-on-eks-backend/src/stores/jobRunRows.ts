import type { JobRun, JobRunState } from '@spot-spark/plugin-emr-on-eks-common';
import { toIso } from './database';

/* The job-run table's rows, and how they read as the API's JobRun. */

export type Timestamp = Date | string | number;

export type JobRunRow = {
  id: string;
  tenant: string;
  tenant_uid: string;
  virtual_cluster_id: string;
  emr_job_id: string | null;
  arn: string | null;
  name: string;
  state: JobRunState;
  state_details: string | null;
  failure_reason: string | null;
  release_label: string;
  entity_ref: string | null;
  submitted_by: string | null;
  spot: boolean | number | null;
  source: 'backstage' | 'external';
  idempotency_key: string | null;
  client_token: string | null;
  request_hash: string | null;
  /** The JobRunRequest as JSON (runs submitted here). */
  request?: string | null;
  /** The StartJobRun input as JSON (runs submitted here). */
  start_job_run?: string | null;
  requested: string | null;
  /** `retryPolicyConfiguration.maxAttempts` (null: unknown, or 1). */
  max_attempts?: number | null;
  /** `retryPolicyExecution.currentAttemptCount`, the highest seen. */
  attempts?: number | null;
  /** Who cancelled the run through Backstage. */
  cancelled_by?: string | null;
  created_at: Timestamp;
  finished_at: Timestamp | null;
  updated_at: Timestamp;
};

/** What a list reads of each run: not the request and StartJobRun texts. */
export const LIST_COLUMNS = [
  'id',
  'tenant',
  'tenant_uid',
  'virtual_cluster_id',
  'emr_job_id',
  'arn',
  'name',
  'state',
  'state_details',
  'failure_reason',
  'release_label',
  'entity_ref',
  'submitted_by',
  'spot',
  'source',
  'idempotency_key',
  'client_token',
  'requested',
  'max_attempts',
  'attempts',
  'cancelled_by',
  'created_at',
  'finished_at',
  'updated_at',
];

/**
 * A tag value of a run started outside Backstage, kept only if it fits its
 * column: tags are set by whoever started the run (EMR allows 256
 * characters), and one oversized value must not stop the tenant's sync.
 */
export function fitsColumn(value: string | undefined): string | null {
  return value !== undefined && value.length <= 255 ? value : null;
}

export function toJobRun(row: JobRunRow): JobRun {
  return {
    id: row.id,
    tenant: row.tenant,
    tenantUid: row.tenant_uid,
    virtualClusterId: row.virtual_cluster_id,
    ...(row.emr_job_id ? { emrJobRunId: row.emr_job_id } : {}),
    ...(row.arn ? { arn: row.arn } : {}),
    name: row.name,
    state: row.state,
    ...(row.state_details ? { stateDetails: row.state_details } : {}),
    ...(row.failure_reason ? { failureReason: row.failure_reason } : {}),
    createdAt: toIso(row.created_at),
    ...(row.finished_at ? { finishedAt: toIso(row.finished_at) } : {}),
    updatedAt: toIso(row.updated_at),
    releaseLabel: row.release_label,
    ...(row.entity_ref ? { entityRef: row.entity_ref } : {}),
    ...(row.submitted_by ? { submittedBy: row.submitted_by } : {}),
    ...(row.spot === null ? {} : { spot: Boolean(row.spot) }),
    ...(row.idempotency_key ? { idempotencyKey: row.idempotency_key } : {}),
    source: row.source,
    ...(row.requested ? { requested: JSON.parse(row.requested) } : {}),
    ...(row.max_attempts && Number(row.max_attempts) > 1
      ? { maxAttempts: Number(row.max_attempts) }
      : {}),
    ...(row.attempts ? { attempts: Number(row.attempts) } : {}),
    ...(row.cancelled_by ? { cancelledBy: row.cancelled_by } : {}),
    ...(row.request ? { request: JSON.parse(row.request) } : {}),
    ...(row.start_job_run
      ? { startJobRun: JSON.parse(row.start_job_run) }
      : {}),
  };
}
