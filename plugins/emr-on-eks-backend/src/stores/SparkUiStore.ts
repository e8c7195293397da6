import { Knex } from 'knex';

/*
 * The Spark UI columns of `emr_job_runs`: the persistent app UI EMR made for
 * a run, and the claim of whoever is making it. Every write is conditional,
 * so requests on any number of replicas make at most one UI per run while
 * its claim holds.
 */

/** The Spark UI of each job run (the client of an already migrated database). */
export class SparkUiStore {
  constructor(private readonly db: Knex) {}

  /** The id of the run's persistent app UI, once one was made. */
  async sparkUiOf(runId: string): Promise<string | undefined> {
    const row = await this.db('emr_job_runs')
      .where({ id: runId })
      .first('spark_ui_id');
    return row?.spark_ui_id ?? undefined;
  }

  /**
   * Takes the right to make the run's UI for `ttlMs`: true for one caller
   * at a time, and only while the run has none. A holder that died is
   * replaced once its claim lapses.
   */
  async claim(runId: string, ttlMs: number): Promise<boolean> {
    const now = new Date();
    const updated = await this.db('emr_job_runs')
      .where({ id: runId })
      .whereNull('spark_ui_id')
      .andWhere(q =>
        q
          .whereNull('spark_ui_claimed_until')
          .orWhere('spark_ui_claimed_until', '<', now),
      )
      .update({ spark_ui_claimed_until: new Date(now.getTime() + ttlMs) });
    return updated === 1;
  }

  /** Keeps the UI the claim holder made, and ends the claim. */
  async save(runId: string, sparkUiId: string): Promise<void> {
    await this.db('emr_job_runs')
      .where({ id: runId })
      .whereNull('spark_ui_id')
      .update({ spark_ui_id: sparkUiId, spark_ui_claimed_until: null });
  }

  /** Gives the claim up (EMR did not make the UI): the next request may try. */
  async release(runId: string): Promise<void> {
    await this.db('emr_job_runs')
      .where({ id: runId })
      .whereNull('spark_ui_id')
      .update({ spark_ui_claimed_until: null });
  }

  /**
   * Forgets a UI EMR no longer knows, so that the next request makes a new
   * one; a newer UI someone saved meanwhile stays.
   */
  async forget(runId: string, sparkUiId: string): Promise<void> {
    await this.db('emr_job_runs')
      .where({ id: runId, spark_ui_id: sparkUiId })
      .update({ spark_ui_id: null, spark_ui_claimed_until: null });
  }
}
