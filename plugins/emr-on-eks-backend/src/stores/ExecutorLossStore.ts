import type { SpotInterruptions } from '@spot-spark/plugin-emr-on-eks-common';
import { Knex } from 'knex';

const TABLE = 'emr_job_run_executor_losses';

/**
 * The executor losses of terminal runs, as their driver logs told them: a
 * finished run's log does not change, so it is read once.
 */
export class ExecutorLossStore {
  constructor(private readonly db: Knex) {}

  async find(jobRunId: string): Promise<SpotInterruptions | undefined> {
    const row = await this.db(TABLE)
      .where({ job_run_id: jobRunId })
      .first('result');
    return row ? (JSON.parse(row.result) as SpotInterruptions) : undefined;
  }

  /** Keeps the result; the first one kept wins (replicas may race). */
  async save(jobRunId: string, result: SpotInterruptions): Promise<void> {
    await this.db(TABLE)
      .insert({
        job_run_id: jobRunId,
        result: JSON.stringify(result),
        recorded_at: new Date(),
      })
      .onConflict('job_run_id')
      .ignore();
  }
}
