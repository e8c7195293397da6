import type { Knex } from 'knex';
import { performance } from 'node:perf_hooks';
import { spec } from '../../__testUtils__/fixtures';
import { recomputeCostMonths } from '../../stores/costs/CostMonthStore';
import { TenantStore } from '../../stores/TenantStore';
import { round } from '../stats';

/** How big the organisation is; the issue's sizes unless overridden by env. */
export interface ScaleSizes {
  tenants: number;
  runs: number;
  /** Days of cost rows, ending today. */
  days: number;
  /** Groups owning the tenants; `team-a` (alice's) owns every `groups`-th. */
  groups: number;
  entitiesPerTenant: number;
}

/** Cost rows a tenant has each day (uplift of two jobs, Spot, On-Demand, storage). */
export const COST_ROWS_PER_DAY = 5;

export function scaleSizes(env = process.env): ScaleSizes {
  const num = (name: string, fallback: number) =>
    env[name] ? Number(env[name]) : fallback;
  return {
    tenants: num('SCALE_BENCH_TENANTS', 1000),
    runs: num('SCALE_BENCH_RUNS', 1_000_000),
    days: num('SCALE_BENCH_DAYS', 3 * 365 + 1),
    groups: 100,
    entitiesPerTenant: 10,
  };
}

export const tenantName = (i: number) => `tenant-${String(i).padStart(4, '0')}`;
export const ownerOf = (i: number, groups: number) =>
  i % groups === 0
    ? 'group:default/team-a'
    : `group:default/group-${String(i % groups).padStart(3, '0')}`;
export const runEntityRef = (t: number, e: number) =>
  `component:default/${tenantName(t)}-job-${e}`;
export const costEntityRef = (t: number, e: number) =>
  `component:default/${tenantName(t)}-job-${e}`;

/** A UTC day `n` days after `day` (YYYY-MM-DD). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000)
    .toISOString()
    .slice(0, 10);
}

const isPostgres = (knex: Knex) =>
  String(knex.client.config.client).startsWith('pg');

/** What seeding made, and how long it took. */
export interface Seeded {
  firstDay: string;
  lastDay: string;
  seconds: Record<string, number>;
}

type Progress = (line: string) => void;

/**
 * Seeds an organisation: tenants through TenantStore (real uids), job runs
 * and daily cost rows generated in SQL (one statement per chunk, never a
 * row at a time), then ANALYZE (PostgreSQL: VACUUM ANALYZE, the state
 * autovacuum keeps a table in, so index-only scans are possible).
 */
export async function seedScale(
  knex: Knex,
  sizes: ScaleSizes,
  progress: Progress,
): Promise<Seeded> {
  const seconds: Record<string, number> = {};
  const timed = async (label: string, fn: () => Promise<void>) => {
    const started = performance.now();
    await fn();
    seconds[label] = round((performance.now() - started) / 1000);
    progress(`  seeded ${label} in ${seconds[label]} s`);
  };
  const lastDay = new Date().toISOString().slice(0, 10);
  const firstDay = addDays(lastDay, 1 - sizes.days);

  await timed('tenants', () => seedTenants(knex, sizes));
  await timed('job runs', () =>
    withIndexesAfter(knex, 'emr_job_runs', () =>
      seedRuns(knex, sizes, progress),
    ),
  );
  await timed('cost rows', () =>
    withIndexesAfter(knex, 'emr_cost_daily', () =>
      seedCosts(knex, sizes, firstDay, progress),
    ),
  );
  await timed('month sums and budgets', () =>
    seedDerived(knex, sizes, firstDay),
  );
  await timed('analyze', async () => {
    if (isPostgres(knex)) {
      await knex.raw('VACUUM (ANALYZE)');
    } else {
      await knex.raw('ANALYZE');
    }
  });
  await knex.schema.dropTableIfExists('bench_tenants');
  return { firstDay, lastDay, seconds };
}

/**
 * Runs a bulk load with the table's plain indexes dropped, then creates them
 * again from their own definitions (as the migrations made them): building
 * an index once is much faster than growing it row by row. Primary keys and
 * unique constraints stay.
 */
async function withIndexesAfter(
  knex: Knex,
  table: string,
  load: () => Promise<void>,
) {
  const pg = isPostgres(knex);
  const indexes: Array<{ name: string; sql: string }> = pg
    ? (
        await knex.raw(
          `select indexname as name, indexdef as sql from pg_indexes
           where tablename = ? and indexname not in (select conname from pg_constraint)`,
          [table],
        )
      ).rows
    : await knex.raw(
        `select name, sql from sqlite_master
         where type = 'index' and tbl_name = ? and sql is not null`,
        [table],
      );
  for (const index of indexes) {
    await knex.raw(`drop index ${index.name}`);
  }
  await load();
  for (const index of indexes) {
    await knex.transaction(async tx => {
      if (pg) {
        await tx.raw(`set local maintenance_work_mem = '512MB'`);
      }
      await tx.raw(index.sql);
    });
  }
}

async function seedTenants(knex: Knex, sizes: ScaleSizes) {
  const store = new TenantStore(knex);
  for (let t = 0; t < sizes.tenants; t++) {
    await store.insertTenant({
      spec: spec({ name: tenantName(t), owner: ownerOf(t, sizes.groups) }),
      createdBy: 'bench',
    });
  }
  await knex('emr_tenants').update({ phase: 'Ready', observed_generation: 1 });
  // The generators below join on a tenant's number.
  await knex.schema.dropTableIfExists('bench_tenants');
  await knex.schema.createTable('bench_tenants', table => {
    table.integer('idx').primary();
    table.string('name', 63);
    table.string('uid', 36);
  });
  const rows = (await knex('emr_tenants').select('name', 'uid')).map(row => ({
    idx: Number(String(row.name).slice('tenant-'.length)),
    name: row.name,
    uid: row.uid,
  }));
  for (let i = 0; i < rows.length; i += 200) {
    await knex('bench_tenants').insert(rows.slice(i, i + 200));
  }
}

/** Numbers 0..n-1 as a table `g(i)`: generate_series, or a recursive CTE. */
function series(knex: Knex, from: number, to: number) {
  return isPostgres(knex)
    ? `generate_series(${from}, ${to}) AS g(i)`
    : `(WITH RECURSIVE s(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM s WHERE i < ${to}) SELECT i FROM s) AS g`;
}

/**
 * Runs spread evenly over the days, round-robin over tenants (each tenant's
 * runs interleaved with everyone's, as a shared table fills); 1 in 7
 * failed, a few still running at the end.
 */
async function seedRuns(knex: Knex, sizes: ScaleSizes, progress: Progress) {
  const { runs, tenants, entitiesPerTenant } = sizes;
  const end = Date.now();
  const start = end - sizes.days * 86_400_000;
  const step = Math.floor((end - start) / runs);
  const pg = isPostgres(knex);
  const at = pg
    ? `to_timestamp((${start}::bigint + g.i::bigint * ${step}) / 1000.0)`
    : `(${start} + g.i * ${step})`;
  const cat = (...parts: string[]) => parts.join(' || ');
  const pad = (expr: string, n: number) =>
    pg ? `lpad(${expr}::text, ${n}, '0')` : `printf('%0${n}d', ${expr})`;
  const intDiv = (a: string, b: number) => `(${a} / ${b})`;
  const CHUNK = 200_000;
  for (let from = 0; from < runs; from += CHUNK) {
    const to = Math.min(runs, from + CHUNK) - 1;
    await knex.raw(`
      INSERT INTO emr_job_runs (id, tenant, tenant_uid, virtual_cluster_id,
        emr_job_id, name, state, failure_reason, release_label, entity_ref,
        submitted_by, spot, source, created_at, finished_at, updated_at)
      SELECT ${cat(
        `'00000000-0000-4000-8000-'`,
        pad('g.i', 12),
      )}, t.name, t.uid, ${cat(`'vc-'`, pad('t.idx', 4))},
        ${cat(`'j'`, pad('g.i', 16))},
        ${cat(`'job-'`, `(${intDiv('g.i', tenants)} % ${entitiesPerTenant})`)},
        CASE WHEN g.i % 7 = 0 THEN 'FAILED'
             WHEN g.i >= ${runs - tenants * 2} THEN 'RUNNING'
             ELSE 'COMPLETED' END,
        CASE WHEN g.i % 7 = 0 THEN 'USER_ERROR' END,
        'emr-7.5.0-latest',
        ${cat(
          `'component:default/'`,
          't.name',
          `'-job-'`,
          // SQLite binds || tighter than %: the parentheses are needed.
          `(${intDiv('g.i', tenants)} % ${entitiesPerTenant})`,
        )},
        'user:default/alice', ${pg ? 'true' : '1'}, 'backstage',
        ${at}, ${at}, ${at}
      FROM ${series(knex, from, to)}
      JOIN bench_tenants t ON t.idx = g.i % ${tenants}`);
    progress(`  job runs: ${to + 1} of ${runs}`);
  }
}

/**
 * Five rows a tenant a day (as the rollup writes them: uplift of two jobs,
 * Spot and On-Demand compute with the Spot row's On-Demand price, storage),
 * day after day for every tenant; the last two days are estimates, the
 * earlier ones billed.
 */
async function seedCosts(
  knex: Knex,
  sizes: ScaleSizes,
  firstDay: string,
  progress: Progress,
) {
  const pg = isPostgres(knex);
  const estimatedFrom = sizes.days - 2;
  const dayOf = pg
    ? `to_char(date '${firstDay}' + g.i, 'YYYY-MM-DD')`
    : `date('${firstDay}', '+' || g.i || ' days')`;
  const estimated = pg
    ? `(g.i >= ${estimatedFrom})`
    : `(CASE WHEN g.i >= ${estimatedFrom} THEN 1 ELSE 0 END)`;
  const kinds = `(VALUES
      (0, 'emr-uplift', 'unknown', 0.4, NULL, 'cur', 'a'),
      (1, 'compute', 'spot', 1.1, 3.2, 'kubecost', 'a'),
      (2, 'compute', 'on-demand', 0.7, NULL, 'kubecost', 'a'),
      (3, 'storage', 'unknown', 0.05, NULL, 'kubecost', 'a'),
      (4, 'emr-uplift', 'unknown', 0.2, NULL, 'cur', 'b'))`;
  // SQLite names a VALUES table's columns column1..columnN.
  const k = pg
    ? `${kinds} AS k(n, category, capacity_type, amount, on_demand, source, job)`
    : `(SELECT column1 AS n, column2 AS category, column3 AS capacity_type, column4 AS amount, column5 AS on_demand, column6 AS source, column7 AS job FROM ${kinds}) AS k`;
  const amount = `(k.amount * (1 + (t.idx % 10) / 10.0) * (1 + (g.i % 7) / 20.0))`;
  const CHUNK = Math.max(1, Math.floor(1_000_000 / (sizes.tenants * 5)));
  for (let from = 0; from < sizes.days; from += CHUNK) {
    const to = Math.min(sizes.days, from + CHUNK) - 1;
    await knex.raw(`
      INSERT INTO emr_cost_daily (date, tenant, tenant_uid, virtual_cluster_id,
        emr_job_run_id, job_run_id, job_name, entity_ref, category,
        capacity_type, amount, amount_low, amount_high, on_demand_amount,
        currency, source, estimated)
      SELECT ${dayOf}, t.name, t.uid, 'vc-' || t.idx,
        'j' || t.idx || 'd' || g.i || k.job, NULL, 'daily-' || (g.i % 3),
        'component:default/' || t.name || '-job-' || (g.i % 3),
        k.category, k.capacity_type, ${amount},
        CASE WHEN ${estimated} ${pg ? '' : '= 1'} THEN ${amount} * 0.8 END,
        CASE WHEN ${estimated} ${pg ? '' : '= 1'} THEN ${amount} * 1.3 END,
        k.on_demand * (1 + (t.idx % 10) / 10.0), 'USD', k.source, ${estimated}
      FROM ${series(knex, from, to)}
      CROSS JOIN bench_tenants t
      CROSS JOIN ${k}`);
    progress(
      `  cost rows: ${addDays(firstDay, to)} (${
        (to + 1) * sizes.tenants * 5
      } rows)`,
    );
  }
  const days = Array.from({ length: sizes.days }, (_, d) => ({
    date: addDays(firstDay, d),
    billed: d < estimatedFrom,
    refreshed_at: new Date(),
  }));
  for (let i = 0; i < days.length; i += 200) {
    await knex('emr_cost_days').insert(days.slice(i, i + 200));
  }
}

/** Months back, the current one included, whose estimates met their bill. */
export const ESTIMATE_MONTHS = 3;

/**
 * What the rollup records when a day's bill lands on an estimated day
 * (`CostStore.replaceDays`): each tenant's estimated uplift against the
 * billed one, a row per tenant and day in `emr_cost_estimate_accuracy`. Here
 * for the billed days of the last `ESTIMATE_MONTHS` months with a billed day
 * (as if the plugin had estimated them since), the bill being the seeded
 * uplift rows and the estimate off by a few percent: -3, -1, +1 or +3 % by
 * month, +-0.8 % by tenant, +-0.3 % by day.
 */
async function seedEstimateAccuracy(
  knex: Knex,
  sizes: ScaleSizes,
  firstDay: string,
) {
  const lastDay = addDays(firstDay, sizes.days - 1);
  // seedCosts: the last two days are estimates, the earlier ones billed.
  const lastBilled = addDays(lastDay, -2);
  let from = `${lastBilled.slice(0, 7)}-01`;
  for (let m = 1; m < ESTIMATE_MONTHS; m++) {
    from = `${addDays(from, -1).slice(0, 7)}-01`;
  }
  const month = 'cast(substr(d.date, 6, 2) as integer)';
  const day = 'cast(substr(d.date, 9, 2) as integer)';
  const error = [
    `(${month} % 4 * 2 - 3) * 0.01`,
    '(t.idx % 5 - 2) * 0.004',
    `(${day} % 3 - 1) * 0.003`,
  ].join(' + ');
  await knex.raw(
    `
    INSERT INTO emr_cost_estimate_accuracy (date, tenant, tenant_uid,
      estimated, actual, recorded_at)
    SELECT d.date, d.tenant, d.tenant_uid, sum(d.amount) * (1 + ${error}),
      sum(d.amount), ?
    FROM emr_cost_daily d
    JOIN bench_tenants t ON t.uid = d.tenant_uid
    WHERE d.category = 'emr-uplift' AND d.date BETWEEN ? AND ?
    GROUP BY d.date, d.tenant, d.tenant_uid, t.idx`,
    [new Date(), from, lastBilled],
  );
}

/**
 * What other parts keep beside the daily rows: the estimates' accuracy of
 * the last months, the month sums of the admin's overview (recomputed as
 * the rollup does, with its own function, the estimate-versus-bill history
 * included), and a budget for every tenant.
 */
async function seedDerived(knex: Knex, sizes: ScaleSizes, firstDay: string) {
  const days = Array.from({ length: sizes.days }, (_, d) =>
    addDays(firstDay, d),
  );
  await seedEstimateAccuracy(knex, sizes, firstDay);
  await knex.transaction(tx =>
    recomputeCostMonths(tx, days, { estimates: true }),
  );
  if (await knex.schema.hasTable('emr_tenant_budgets')) {
    await knex.raw(
      `
      INSERT INTO emr_tenant_budgets (tenant_uid, tenant, amount, currency,
        thresholds, updated_by, updated_at)
      SELECT uid, name, 200 + (idx % 10) * 20, 'USD', '[50,80,100]',
        'user:default/admin', ?
      FROM bench_tenants`,
      [new Date()],
    );
  }
  if (await knex.schema.hasTable('emr_cost_forecasts')) {
    // The daily budget check stores each month's forecast: this month's and
    // the last one's, as it would have by now.
    const thisMonth = addDays(firstDay, sizes.days - 1).slice(0, 7);
    const lastMonth = addDays(`${thisMonth}-01`, -1).slice(0, 7);
    for (const month of [lastMonth, thisMonth]) {
      await knex.raw(
        `
        INSERT INTO emr_cost_forecasts (tenant_uid, month, month_to_date,
          forecast, low, high, status, computed_at)
        SELECT uid, ?, 100 + idx % 50, 180 + idx % 70, 150, 260, NULL, ?
        FROM bench_tenants`,
        [month, new Date()],
      );
    }
  }
}

/** Rows and on-disk size of the big tables (PostgreSQL: with indexes). */
export async function tableSizes(knex: Knex) {
  const out: Record<string, string> = {};
  for (const table of ['emr_tenants', 'emr_job_runs', 'emr_cost_daily']) {
    const [{ n }] = await knex(table).count({ n: '*' });
    let size = '';
    if (isPostgres(knex)) {
      const { rows } = await knex.raw(
        `select pg_size_pretty(pg_table_size(?)) as heap, pg_size_pretty(pg_indexes_size(?)) as indexes`,
        [table, table],
      );
      size = `, table ${rows[0].heap}, indexes ${rows[0].indexes}`;
    }
    out[table] = `${Number(n).toLocaleString('en-US')} rows${size}`;
  }
  return out;
}
