import type { Knex } from 'knex';
import type { CostRun } from '../../domain/costs/rollup';
import { chunks, toDate } from '../database';

const COLUMNS = [
  'id',
  'emr_job_id',
  'virtual_cluster_id',
  'tenant_uid',
  'name',
  'source',
  'entity_ref',
  'created_at',
  'finished_at',
  'requested',
];

/** The job runs as chargeback reads them (the `emr_job_runs` table). */
export class CostRunStore {
  constructor(private readonly db: Knex) {}

  /**
   * Runs a cost rollup names or estimates: those of the given tenants that
   * ran during [from, to), and those EMR knows by the given job ids.
   * `entityRef` only for runs submitted here, whose entity was checked
   * against the tenant: a tag on a run started elsewhere proves nothing.
   */
  async runsForCosts(options: {
    tenantUids: string[];
    from: Date;
    to: Date;
    emrJobIds: string[];
  }): Promise<CostRun[]> {
    if (options.tenantUids.length === 0) {
      return [];
    }
    const seen = new Map<string, CostRun>();
    const keep = (rows: any[]) => {
      for (const row of rows) {
        if (row.emr_job_id) {
          seen.set(row.id, {
            jobRunId: row.id,
            emrJobRunId: row.emr_job_id,
            virtualClusterId: row.virtual_cluster_id,
            tenantUid: row.tenant_uid,
            name: row.name,
            entityRef: row.source === 'backstage' ? row.entity_ref : null,
            createdAt: toDate(row.created_at),
            finishedAt: row.finished_at ? toDate(row.finished_at) : null,
            requested: row.requested ? JSON.parse(row.requested) : null,
          });
        }
      }
    };
    keep(
      await this.db('emr_job_runs')
        .whereIn('tenant_uid', options.tenantUids)
        .where('created_at', '<', options.to)
        .where(q =>
          q.whereNull('finished_at').orWhere('finished_at', '>=', options.from),
        )
        .select(COLUMNS),
    );
    for (const ids of chunks([...new Set(options.emrJobIds)], 500)) {
      keep(
        await this.db('emr_job_runs')
          .whereIn('tenant_uid', options.tenantUids)
          .whereIn('emr_job_id', ids)
          .select(COLUMNS),
      );
    }
    return [...seen.values()];
  }
}
