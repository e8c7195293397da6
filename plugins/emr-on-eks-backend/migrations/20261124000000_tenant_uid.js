// @ts-check

const { randomUUID } = require('node:crypto');

/**
 * A tenant's name is not its identity: after `team-a` is offboarded, a new
 * `team-a` (perhaps another team) must start with an empty history. Every
 * tenant gets a uid at creation; audit events and job runs are keyed by it,
 * and an offboarded tenant is kept in `emr_tenant_history` (readable to
 * admins by uid).
 *
 * Existing rows: each tenant gets a uid, its events and runs take it; events
 * and runs of tenants offboarded before this migration get one uid per name
 * and a history record built from what the audit trail says.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('emr_tenants', table => {
    table.string('uid', 36).nullable();
  });
  await knex.schema.alterTable('emr_audit_events', table => {
    table.string('tenant_uid', 36).nullable();
  });
  await knex.schema.alterTable('emr_job_runs', table => {
    table.string('tenant_uid', 36).nullable();
    table
      .string('request_hash', 64)
      .nullable()
      .comment('SHA-256 of the request, to tell a retry from a reused key');
  });
  await knex.schema.createTable('emr_tenant_history', table => {
    table.comment('Offboarded tenants, kept for their audit trail and runs');
    table.string('uid', 36).primary().notNullable();
    table.string('name', 63).notNullable();
    table.string('cluster', 63).nullable();
    table.string('namespace', 63).nullable();
    table.string('owner', 255).nullable();
    table.text('spec').nullable().comment('Last TenantSpec as JSON');
    table.string('created_by', 255).nullable();
    table.timestamp('created_at', { useTz: true }).nullable();
    table.timestamp('offboarded_at', { useTz: true }).notNullable();
    table.index(['name', 'offboarded_at'], 'emr_tenant_history_name_idx');
  });

  const tenants = await knex('emr_tenants').select('name');
  for (const { name } of tenants) {
    await knex('emr_tenants').where({ name }).update({ uid: randomUUID() });
  }
  for (const table of ['emr_audit_events', 'emr_job_runs']) {
    await knex(table).update({
      tenant_uid: knex('emr_tenants')
        .select('uid')
        .where('emr_tenants.name', knex.ref(`${table}.tenant`)),
    });
  }
  // Names with history but no tenant: one earlier, offboarded incarnation each.
  const orphans = await knex('emr_audit_events')
    .whereNull('tenant_uid')
    .union(q => q.select('tenant').from('emr_job_runs').whereNull('tenant_uid'))
    .distinct('tenant');
  for (const { tenant } of orphans) {
    const uid = randomUUID();
    await knex('emr_audit_events')
      .where({ tenant })
      .whereNull('tenant_uid')
      .update({ tenant_uid: uid });
    await knex('emr_job_runs')
      .where({ tenant })
      .whereNull('tenant_uid')
      .update({ tenant_uid: uid });
    const span = await knex('emr_audit_events')
      .where({ tenant_uid: uid })
      .min({ first: 'created_at' })
      .max({ last: 'created_at' })
      .first();
    await knex('emr_tenant_history').insert({
      uid,
      name: tenant,
      created_at: span?.first ?? null,
      offboarded_at: span?.last ?? new Date(),
    });
  }

  await knex.schema.alterTable('emr_tenants', table => {
    table.dropNullable('uid');
    table.unique(['uid'], { indexName: 'emr_tenants_uid_uniq' });
  });
  await knex.schema.alterTable('emr_audit_events', table => {
    table.dropNullable('tenant_uid');
    table.index(['tenant_uid', 'id'], 'emr_audit_events_tenant_uid_idx');
  });
  await knex.schema.alterTable('emr_job_runs', table => {
    table.dropNullable('tenant_uid');
    table.dropUnique(
      ['tenant', 'idempotency_key'],
      'emr_job_runs_idempotency_uniq',
    );
    // One run per idempotency key and tenant incarnation (NULL keys do not collide).
    table.unique(['tenant_uid', 'idempotency_key'], {
      indexName: 'emr_job_runs_uid_idempotency_uniq',
    });
    table.index(
      ['tenant_uid', 'created_at', 'id'],
      'emr_job_runs_tenant_uid_created_idx',
    );
  });
};

/**
 * Back to names as identity: history records and uids are dropped (the runs
 * and events stay, under their tenant names).
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('emr_job_runs', table => {
    table.dropIndex([], 'emr_job_runs_tenant_uid_created_idx');
    table.dropUnique([], 'emr_job_runs_uid_idempotency_uniq');
  });
  // A name re-created since may now have two runs with one key: keep the newer.
  const twins = await knex('emr_job_runs')
    .whereNotNull('idempotency_key')
    .groupBy('tenant', 'idempotency_key')
    .havingRaw('count(*) > 1')
    .select('tenant', 'idempotency_key');
  for (const { tenant, idempotency_key } of twins) {
    const [, ...older] = await knex('emr_job_runs')
      .where({ tenant, idempotency_key })
      .orderBy('created_at', 'desc')
      .select('id');
    await knex('emr_job_runs')
      .whereIn(
        'id',
        older.map(row => row.id),
      )
      .update({ idempotency_key: null });
  }
  await knex.schema.alterTable('emr_job_runs', table => {
    table.unique(['tenant', 'idempotency_key'], {
      indexName: 'emr_job_runs_idempotency_uniq',
    });
    table.dropColumn('request_hash');
    table.dropColumn('tenant_uid');
  });
  await knex.schema.alterTable('emr_audit_events', table => {
    table.dropIndex([], 'emr_audit_events_tenant_uid_idx');
    table.dropColumn('tenant_uid');
  });
  await knex.schema.alterTable('emr_tenants', table => {
    table.dropUnique([], 'emr_tenants_uid_uniq');
    table.dropColumn('uid');
  });
  await knex.schema.dropTable('emr_tenant_history');
};
