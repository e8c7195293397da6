// @ts-check

/**
 * Budgets: a tenant incarnation's monthly budget (`emr_tenant_budgets`, by
 * uid: a name onboarded again starts without one); each threshold alert
 * sent, at most one per incarnation, month and threshold across replicas
 * (`emr_budget_alerts`, its primary key is the claim); and each month's
 * forecast at the last check, for the admin's overview
 * (`emr_cost_forecasts`).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('emr_tenant_budgets', table => {
    table.string('tenant_uid', 64).primary().comment('The tenant incarnation');
    table.string('tenant', 64).notNullable().comment('Its name, for reading');
    table.double('amount').notNullable().comment('Per calendar month (UTC)');
    table.string('currency', 3).notNullable();
    table
      .text('thresholds')
      .notNullable()
      .comment('Percentages that alert, ascending, as JSON');
    table.string('updated_by', 255).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('emr_budget_alerts', table => {
    table.string('tenant_uid', 64).notNullable();
    table.string('month', 7).notNullable().comment('YYYY-MM');
    table.integer('threshold').notNullable().comment('Percent of the budget');
    table
      .string('basis', 16)
      .notNullable()
      .comment('actual or forecast: what crossed it first');
    table.double('month_to_date').notNullable();
    table.double('forecast').notNullable();
    table.double('budget').notNullable();
    table.timestamp('notified_at', { useTz: true }).notNullable();
    // Inserting the row claims the alert: one replica's insert wins.
    table.primary(['tenant_uid', 'month', 'threshold']);
  });
  await knex.schema.createTable('emr_cost_forecasts', table => {
    table.string('tenant_uid', 64).notNullable();
    table.string('month', 7).notNullable().comment('YYYY-MM');
    table.double('month_to_date').notNullable();
    table.double('forecast').notNullable();
    table.double('low').notNullable();
    table.double('high').notNullable();
    table
      .text('status')
      .nullable()
      .comment('BudgetStatus as JSON; null without a budget');
    table.timestamp('computed_at', { useTz: true }).notNullable();
    table.primary(['tenant_uid', 'month']);
    // The admin's overview reads every incarnation of one month.
    table.index(['month'], 'emr_cost_forecasts_month_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('emr_cost_forecasts');
  await knex.schema.dropTable('emr_budget_alerts');
  await knex.schema.dropTable('emr_tenant_budgets');
};
