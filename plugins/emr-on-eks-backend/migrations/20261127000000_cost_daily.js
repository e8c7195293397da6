// @ts-check

/**
 * Chargeback rollups: one row per day, tenant, job run, category and
 * capacity type (`emr_cost_daily`); the days rolled up, which the rollup
 * locks while it replaces them (`emr_cost_days`); and how close each
 * estimate came once the bill covered its day (`emr_cost_estimate_accuracy`).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('emr_cost_days', table => {
    table.string('date', 10).primary().comment('UTC day, YYYY-MM-DD');
    table
      .boolean('billed')
      .notNullable()
      .comment('True when the bill fully covered the day at the last rollup');
    table.timestamp('refreshed_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('emr_cost_daily', table => {
    table.bigIncrements('id').primary();
    table.string('date', 10).notNullable();
    table
      .string('tenant', 64)
      .notNullable()
      .comment('Tenant name, or __idle__ / __unallocated__');
    table
      .string('tenant_uid', 64)
      .nullable()
      .comment('The tenant incarnation; null for idle and unallocated rows');
    table.string('virtual_cluster_id', 64).nullable();
    table.string('emr_job_run_id', 64).nullable();
    table
      .string('job_run_id', 36)
      .nullable()
      .comment("The plugin's id of the run, when it knows the run");
    table.string('job_name', 255).nullable();
    table.string('entity_ref', 255).nullable();
    table.string('category', 16).notNullable();
    table.string('capacity_type', 16).notNullable();
    table.double('amount').notNullable();
    table
      .double('amount_low')
      .nullable()
      .comment('Estimates: the amount with the fewest executors');
    table
      .double('amount_high')
      .nullable()
      .comment('Estimates: the amount with the most executors');
    table
      .double('on_demand_amount')
      .nullable()
      .comment('What the same compute costs On-Demand, when known');
    table.string('currency', 3).notNullable();
    table.string('source', 16).notNullable();
    table.boolean('estimated').notNullable();
    table.index(['tenant_uid', 'date'], 'emr_cost_daily_tenant_date_idx');
    table.index(['entity_ref', 'date'], 'emr_cost_daily_entity_date_idx');
    table.index(['date'], 'emr_cost_daily_date_idx');
  });
  await knex.schema.createTable('emr_cost_estimate_accuracy', table => {
    table.string('date', 10).notNullable();
    table.string('tenant', 64).notNullable();
    table.string('tenant_uid', 64).notNullable();
    table.double('estimated').notNullable();
    table.double('actual').notNullable();
    table.timestamp('recorded_at', { useTz: true }).notNullable();
    table.primary(['date', 'tenant_uid']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('emr_cost_estimate_accuracy');
  await knex.schema.dropTable('emr_cost_daily');
  await knex.schema.dropTable('emr_cost_days');
};
