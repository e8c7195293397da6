// @ts-check

/**
 * Job runs (submitted here or found in EMR by the sync) and each tenant's
 * sync watermark.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('emr_job_runs', table => {
    table.comment('EMR on EKS job runs, so pages never call AWS per view');
    table
      .string('id', 36)
      .primary()
      .notNullable()
      .comment('This plugin’s run id');
    table.string('tenant', 63).notNullable();
    table.string('virtual_cluster_id', 64).notNullable();
    table
      .string('emr_job_id', 64)
      .nullable()
      .comment('Set once EMR accepted the run');
    table.string('arn', 512).nullable();
    table.string('name', 64).notNullable();
    table.string('state', 16).notNullable();
    table.text('state_details').nullable();
    table.string('failure_reason', 32).nullable();
    table.string('release_label', 64).notNullable();
    table.string('entity_ref', 255).nullable();
    table.string('submitted_by', 255).nullable();
    table.boolean('spot').nullable();
    table.string('source', 16).notNullable();
    table.string('idempotency_key', 64).nullable();
    table.string('client_token', 64).nullable();
    table.text('requested').nullable().comment('RequestedResources as JSON');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.unique(['virtual_cluster_id', 'emr_job_id'], {
      indexName: 'emr_job_runs_emr_id_uniq',
    });
    // One run per idempotency key and tenant (NULL keys do not collide).
    table.unique(['tenant', 'idempotency_key'], {
      indexName: 'emr_job_runs_idempotency_uniq',
    });
    table.index(
      ['tenant', 'created_at', 'id'],
      'emr_job_runs_tenant_created_idx',
    );
    table.index(
      ['entity_ref', 'created_at', 'id'],
      'emr_job_runs_entity_created_idx',
    );
    table.index(['tenant', 'state'], 'emr_job_runs_tenant_state_idx');
  });

  await knex.schema.createTable('emr_job_sync', table => {
    table.comment('Where the incremental job-run sync of each tenant stands');
    table.string('tenant', 63).primary().notNullable();
    table.string('virtual_cluster_id', 64).notNullable();
    table
      .timestamp('watermark', { useTz: true })
      .nullable()
      .comment('Newest createdAt seen');
    table.timestamp('last_synced_at', { useTz: true }).nullable();
    table.text('last_error').nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('emr_job_sync');
  await knex.schema.dropTable('emr_job_runs');
};
