// @ts-check

/**
 * Tenants, their per-step reconcile status, and the audit trail.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('emr_tenants', table => {
    table.comment('EMR on EKS tenants: desired spec and observed status');
    table.string('name', 63).primary().notNullable();
    table.string('cluster', 63).notNullable();
    table.string('namespace', 63).notNullable();
    table.string('owner', 255).notNullable();
    table.text('spec').notNullable().comment('TenantSpec as JSON');
    table.integer('generation').notNullable().defaultTo(1);
    table.integer('observed_generation').notNullable().defaultTo(0);
    table.string('phase', 16).notNullable();
    table.text('status').notNullable().comment('Outputs of the steps as JSON');
    table.text('message').nullable();
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('last_reconciled_at', { useTz: true }).nullable();
    table.string('lease_owner', 64).nullable();
    table.timestamp('lease_expires_at', { useTz: true }).nullable();
    table.unique(['cluster', 'namespace'], {
      indexName: 'emr_tenants_cluster_namespace_uniq',
    });
    table.index(['owner'], 'emr_tenants_owner_idx');
  });

  await knex.schema.createTable('emr_tenant_steps', table => {
    table.comment('Outcome of each reconcile step, so a reconcile can resume');
    table
      .string('tenant', 63)
      .notNullable()
      .references('name')
      .inTable('emr_tenants')
      .onDelete('CASCADE');
    table.string('step', 32).notNullable();
    table.string('state', 16).notNullable();
    table.text('message').notNullable();
    table.integer('generation').notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['tenant', 'step']);
  });

  await knex.schema.createTable('emr_audit_events', table => {
    table.comment('Who did what to which tenant, when, and how it ended');
    table.bigIncrements('id').primary();
    // No foreign key: the trail outlives an offboarded tenant.
    table.string('tenant', 63).notNullable();
    table.string('actor', 255).notNullable();
    table.string('action', 64).notNullable();
    table.string('result', 16).notNullable();
    table.text('message').nullable();
    table.integer('generation').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['tenant', 'id'], 'emr_audit_events_tenant_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('emr_audit_events');
  await knex.schema.dropTable('emr_tenant_steps');
  await knex.schema.dropTable('emr_tenants');
};
