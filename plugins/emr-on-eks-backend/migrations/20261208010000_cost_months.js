// @ts-check

/**
 * Month sums for the admin's cost overview, so a month reads one row per
 * tenant incarnation instead of every daily row: `emr_cost_months` (per
 * month and incarnation, idle and unallocated capacity as their own rows)
 * and `emr_cost_estimate_months` (the estimates against the bill, per
 * month). The rollup keeps both exact in the transaction that replaces the
 * daily rows; here they are filled from the rows already there. Also an
 * index on the offboarded tenants' owner, for a Group's costs.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('emr_cost_months', table => {
    table.string('month', 7).notNullable().comment('UTC month, YYYY-MM');
    table
      .string('tenant_key', 64)
      .notNullable()
      .comment('tenant_uid, or the tenant for idle and unallocated rows');
    table
      .string('tenant', 64)
      .notNullable()
      .comment('Tenant name, or __idle__ / __unallocated__');
    table.string('tenant_uid', 64).nullable();
    table.double('total').notNullable();
    table.double('estimated').notNullable().comment('The estimated part');
    table.double('compute').notNullable();
    table.double('uplift').notNullable().comment('Category emr-uplift');
    table.double('storage').notNullable();
    table.double('spot_compute').notNullable().comment('Compute on Spot');
    table
      .double('spot_savings')
      .nullable()
      .comment('On-Demand less Spot price; null when no Spot row knows it');
    table.string('currency', 3).notNullable();
    table.primary(['month', 'tenant_key']);
  });
  await knex.schema.createTable('emr_cost_estimate_months', table => {
    table.string('month', 7).primary().comment('UTC month, YYYY-MM');
    table.double('estimated').notNullable();
    table.double('actual').notNullable();
  });
  await knex.schema.alterTable('emr_tenant_history', table => {
    table.index(['owner'], 'emr_tenant_history_owner_idx');
  });
  // The same sums as the rollup writes (CostMonthStore), of every month.
  await knex.raw(
    `insert into emr_cost_months (month, tenant_key, tenant, tenant_uid, total,
       estimated, compute, uplift, storage, spot_compute, spot_savings, currency)
     select substr(date, 1, 7), coalesce(tenant_uid, tenant), min(tenant),
       min(tenant_uid), sum(amount),
       sum(case when estimated then amount else 0 end),
       sum(case when category = 'compute' then amount else 0 end),
       sum(case when category = 'emr-uplift' then amount else 0 end),
       sum(case when category = 'storage' then amount else 0 end),
       sum(case when category = 'compute' and capacity_type = 'spot' then amount else 0 end),
       sum(case when category = 'compute' and capacity_type = 'spot' and on_demand_amount is not null then on_demand_amount - amount end),
       min(currency)
     from emr_cost_daily
     group by substr(date, 1, 7), coalesce(tenant_uid, tenant)`,
  );
  await knex.raw(
    `insert into emr_cost_estimate_months (month, estimated, actual)
     select substr(date, 1, 7), sum(estimated), sum(actual)
     from emr_cost_estimate_accuracy
     group by substr(date, 1, 7)`,
  );
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('emr_tenant_history', table => {
    table.dropIndex([], 'emr_tenant_history_owner_idx');
  });
  await knex.schema.dropTable('emr_cost_estimate_months');
  await knex.schema.dropTable('emr_cost_months');
};
