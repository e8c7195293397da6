// @ts-check

/**
 * Who is sending a SUBMITTING run's StartJobRun, until when: requests racing
 * on one idempotency key (two replicas, or two retries) send one between them.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('emr_job_runs', table => {
    table
      .timestamp('submit_claimed_until', { useTz: true })
      .nullable()
      .comment(
        'Set while one request sends the StartJobRun of a SUBMITTING run',
      );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('emr_job_runs', table => {
    table.dropColumn('submit_claimed_until');
  });
};
