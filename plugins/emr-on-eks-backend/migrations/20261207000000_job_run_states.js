// @ts-check

/**
 * Every state a job run passed through, as Backstage learned of it (the
 * submission, the sync, EMR's events, a cancel), and on each run how many
 * driver attempts EMR may make and has made, and who cancelled it.
 *
 * Existing runs get one row each: the state they are in now, as the sync
 * saw it last.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('emr_job_run_states', table => {
    table.comment('Every state each job run passed through, oldest first');
    table.bigIncrements('id').primary();
    table.string('run_id', 36).notNullable();
    table.string('state', 32).notNullable();
    table
      .timestamp('at', { useTz: true })
      .notNullable()
      .comment('When Backstage learned of it, or EMR’s time from an event');
    table
      .integer('attempt')
      .nullable()
      .comment('Driver attempt, 1 for the first');
    table
      .string('source', 16)
      .notNullable()
      .comment('submit, sync, event or cancel');
    table
      .string('changed_by', 255)
      .nullable()
      .comment('Who caused it (user ref)');
    table.text('details').nullable();
    table.index(['run_id', 'id'], 'emr_job_run_states_run_idx');
  });
  await knex.schema.alterTable('emr_job_runs', table => {
    table
      .integer('max_attempts')
      .nullable()
      .comment('retryPolicyConfiguration.maxAttempts, when EMR reports it');
    table
      .integer('attempts')
      .nullable()
      .comment('retryPolicyExecution.currentAttemptCount, the latest seen');
    table
      .string('cancelled_by', 255)
      .nullable()
      .comment('Who cancelled the run through Backstage');
  });

  const now = new Date();
  const runs = await knex('emr_job_runs').select('id', 'state', 'updated_at');
  for (let i = 0; i < runs.length; i += 200) {
    await knex('emr_job_run_states').insert(
      runs.slice(i, i + 200).map(run => ({
        run_id: run.id,
        state: run.state,
        at: run.updated_at ?? now,
        attempt: null,
        source: 'sync',
        changed_by: null,
        details: null,
      })),
    );
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('emr_job_runs', table => {
    table.dropColumn('max_attempts');
    table.dropColumn('attempts');
    table.dropColumn('cancelled_by');
  });
  await knex.schema.dropTable('emr_job_run_states');
};
