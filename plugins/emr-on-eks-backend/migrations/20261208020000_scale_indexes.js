// @ts-check

/**
 * Indexes for an organisation's scale (1,000,000 runs, years of daily cost
 * rows of 1,000 tenants; see docs/benchmarks.md, "An organisation's scale"):
 *
 * - a tenant's runs in one state, newest first: (tenant_uid, state,
 *   created_at, id), so `?state=FAILED` reads its page, not every run until
 *   50 failed ones turn up;
 * - the tenants with runs of an entity, read from the index alone, and an
 *   entity's runs in one tenant newest first: (entity_ref, tenant_uid,
 *   created_at, id);
 * - cost reports read from the index alone (PostgreSQL: an index-only scan
 *   with the summed columns INCLUDEd; SQLite: the same columns in the key,
 *   its way of covering): a tenant's period on (tenant_uid, date), an
 *   entity's on (entity_ref, date). They replace the plain indexes on the
 *   same keys.
 */

/** What the reports sum and group by, besides the key. */
const COST_COLUMNS = [
  'amount',
  'estimated',
  'amount_low',
  'amount_high',
  'on_demand_amount',
  'category',
  'capacity_type',
  'currency',
  'emr_job_run_id',
  'job_run_id',
  'job_name',
];

const isPostgres = (/** @type {import('knex').Knex} */ knex) =>
  String(knex.client.config.client).startsWith('pg');

/**
 * @param {import('knex').Knex} knex
 * @param {string} name
 * @param {string[]} key
 * @param {string[]} include
 */
async function coveringIndex(knex, name, key, include) {
  if (isPostgres(knex)) {
    await knex.raw(
      `create index ${name} on emr_cost_daily (${key.join(
        ', ',
      )}) include (${include.join(', ')})`,
    );
  } else {
    await knex.raw(
      `create index ${name} on emr_cost_daily (${[...key, ...include].join(
        ', ',
      )})`,
    );
  }
}

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('emr_job_runs', table => {
    table.index(
      ['tenant_uid', 'state', 'created_at', 'id'],
      'emr_job_runs_tenant_uid_state_created_idx',
    );
    table.index(
      ['entity_ref', 'tenant_uid', 'created_at', 'id'],
      'emr_job_runs_entity_tenant_idx',
    );
  });
  await coveringIndex(
    knex,
    'emr_cost_daily_tenant_date_cover_idx',
    ['tenant_uid', 'date'],
    [...COST_COLUMNS, 'entity_ref'],
  );
  await coveringIndex(
    knex,
    'emr_cost_daily_entity_date_cover_idx',
    ['entity_ref', 'date'],
    ['tenant_uid', ...COST_COLUMNS],
  );
  await knex.schema.alterTable('emr_cost_daily', table => {
    table.dropIndex([], 'emr_cost_daily_tenant_date_idx');
    table.dropIndex([], 'emr_cost_daily_entity_date_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('emr_cost_daily', table => {
    table.index(['tenant_uid', 'date'], 'emr_cost_daily_tenant_date_idx');
    table.index(['entity_ref', 'date'], 'emr_cost_daily_entity_date_idx');
    table.dropIndex([], 'emr_cost_daily_tenant_date_cover_idx');
    table.dropIndex([], 'emr_cost_daily_entity_date_cover_idx');
  });
  await knex.schema.alterTable('emr_job_runs', table => {
    table.dropIndex([], 'emr_job_runs_tenant_uid_state_created_idx');
    table.dropIndex([], 'emr_job_runs_entity_tenant_idx');
  });
};
