// @ts-check

/**
 * The column of emr_tenants that holds the reconcile steps' outputs (virtual
 * cluster id, role ARN, log group...) was called `status`, next to the
 * `phase` and `message` that are the tenant's status. Name it for what it holds.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('emr_tenants', table => {
    table.renameColumn('status', 'outputs');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('emr_tenants', table => {
    table.renameColumn('outputs', 'status');
  });
};
