// @ts-check

/**
 * What a run submitted through Backstage was asked to do: the request as
 * submitted and the StartJobRun sent for it, so a run's page shows both and a
 * person can re-run it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('emr_job_runs', table => {
    table.text('request').nullable().comment('JobRunRequest as JSON');
    table
      .text('start_job_run')
      .nullable()
      .comment('The StartJobRun input sent to EMR, as JSON');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('emr_job_runs', table => {
    table.dropColumn('request');
    table.dropColumn('start_job_run');
  });
};
