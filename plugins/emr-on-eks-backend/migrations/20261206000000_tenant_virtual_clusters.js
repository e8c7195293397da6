// @ts-check

/**
 * Every EMR virtual cluster each tenant incarnation had, kept after it is
 * offboarded: the bill names virtual clusters, and a day's uplift belongs to
 * the incarnation that held the virtual cluster on that day, not to whoever
 * holds the tenant's name or namespace later. Until now only the current
 * virtual cluster was kept (in the tenant's outputs), and it went with the
 * tenant's row at offboarding.
 *
 * Existing rows: the current tenants' virtual clusters, and every virtual
 * cluster a stored job run of an incarnation ran on (offboarded ones too).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('emr_tenant_virtual_clusters', table => {
    table.comment(
      'EMR virtual clusters of each tenant incarnation, current and offboarded',
    );
    table.string('tenant_uid', 36).notNullable();
    table.string('virtual_cluster_id', 64).notNullable();
    table.timestamp('recorded_at', { useTz: true }).notNullable();
    table.primary(['tenant_uid', 'virtual_cluster_id']);
    table.index(['virtual_cluster_id'], 'emr_tenant_virtual_clusters_vc_idx');
  });

  const now = new Date();
  const seen = new Set();
  /** @type {Array<{ tenant_uid: string; virtual_cluster_id: string; recorded_at: Date }>} */
  const rows = [];
  const keep = (/** @type {string} */ uid, /** @type {unknown} */ vc) => {
    if (typeof vc !== 'string' || vc === '' || seen.has(`${uid}/${vc}`)) {
      return;
    }
    seen.add(`${uid}/${vc}`);
    rows.push({ tenant_uid: uid, virtual_cluster_id: vc, recorded_at: now });
  };
  for (const tenant of await knex('emr_tenants').select('uid', 'outputs')) {
    try {
      keep(tenant.uid, JSON.parse(tenant.outputs).virtualClusterId);
    } catch {
      // Outputs that are not JSON hold no virtual cluster.
    }
  }
  for (const run of await knex('emr_job_runs')
    .distinct('tenant_uid', 'virtual_cluster_id')
    .whereNotNull('virtual_cluster_id')) {
    keep(run.tenant_uid, run.virtual_cluster_id);
  }
  for (let i = 0; i < rows.length; i += 200) {
    await knex('emr_tenant_virtual_clusters').insert(rows.slice(i, i + 200));
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('emr_tenant_virtual_clusters');
};
