import { Knex } from 'knex';
import { toDate } from './database';

/** Where a tenant's incremental job-run sync stands. */
export interface SyncState {
  /** The virtual cluster the watermark belongs to; a new one starts over. */
  virtualClusterId: string;
  /** Newest `createdAt` seen in EMR. */
  watermark?: Date;
  lastSyncedAt?: Date;
  lastError?: string;
}

/** Each tenant's job-run sync watermark, in the plugin's (migrated) database. */
export class JobSyncStore {
  constructor(private readonly db: Knex) {}

  async getSyncState(tenant: string): Promise<SyncState | undefined> {
    const row = await this.db('emr_job_sync').where({ tenant }).first();
    if (!row) {
      return undefined;
    }
    return {
      virtualClusterId: row.virtual_cluster_id,
      ...(row.watermark ? { watermark: toDate(row.watermark) } : {}),
      ...(row.last_synced_at
        ? { lastSyncedAt: toDate(row.last_synced_at) }
        : {}),
      ...(row.last_error ? { lastError: row.last_error } : {}),
    };
  }

  async saveSyncState(tenant: string, state: SyncState): Promise<void> {
    await this.db('emr_job_sync')
      .insert({
        tenant,
        virtual_cluster_id: state.virtualClusterId,
        watermark: state.watermark ?? null,
        last_synced_at: state.lastSyncedAt ?? null,
        last_error: state.lastError ?? null,
      })
      .onConflict('tenant')
      .merge();
  }
}
