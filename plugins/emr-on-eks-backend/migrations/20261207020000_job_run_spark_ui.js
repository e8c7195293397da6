// @ts-check

/**
 * A run's Spark UI: the id of the persistent application UI EMR made for it
 * (made once, reused), and who is making it until when, so that requests on
 * two replicas, or two at once, make one between them.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('emr_job_runs', table => {
    table
      .string('spark_ui_id', 256)
      .nullable()
      .comment(
        'EMR persistent application UI of the run (CreatePersistentAppUI)',
      );
    table
      .timestamp('spark_ui_claimed_until', { useTz: true })
      .nullable()
      .comment('Set while one request creates the run’s persistent app UI');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('emr_job_runs', table => {
    table.dropColumn('spark_ui_claimed_until');
    table.dropColumn('spark_ui_id');
  });
};
