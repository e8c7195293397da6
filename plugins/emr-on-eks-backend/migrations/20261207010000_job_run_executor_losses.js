// @ts-check

/**
 * What a finished run's driver log told of its lost executors (Spot
 * interruptions and other losses), kept once the run is terminal so the
 * log is read once, not on every look at the run. Nothing to fill in for
 * existing runs: a missing row is read from the log on first ask.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('emr_job_run_executor_losses', table => {
    table.comment(
      'Executor losses read from the driver log of each terminal job run',
    );
    table.string('job_run_id', 36).primary().notNullable();
    table.text('result').notNullable();
    table.timestamp('recorded_at', { useTz: true }).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('emr_job_run_executor_losses');
};
