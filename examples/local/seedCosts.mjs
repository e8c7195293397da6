// LOCAL ONLY: sample chargeback data for `npm start`. Reads the seeded
// tenants and runs through the REST API (their real virtual cluster and
// job-run ids), writes a CUR-shaped file and a Kubecost export for them with
// the sample generator (examples/cost-data/generate.mjs) into the data
// directory that app-config.yaml points `emrOnEks.costs.duckdb` at, and asks
// the backend to roll up the last 30 days now.
//
// To give the cost card a week of history, it first submits a week of
// `daily-sales` and `churn-features` runs (one per day, idempotent) and
// places each on its day in the sample bill: the runs are created now, the
// bill says when they "ran". The sample data is illustrative, not a record.
// For the same reason no estimate was ever shown for those days, so it also
// records the estimates' errors the rollup would have (seedEstimateErrors).
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { generateCostData } from '../cost-data/generate.mjs';
import { api, signIn } from './seed.mjs';

const DAYS = 30;
const NIGHTLY_DAYS = 7;
const OUTCOME = 'local-simulator/outcome';

const addDays = (day, delta) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + delta * 86_400_000)
    .toISOString()
    .slice(0, 10);

/** A week of nightly runs of two example jobs, one a day, as their teams. */
function nightlyRuns(today) {
  const runs = [];
  for (let back = NIGHTLY_DAYS + 1; back >= 2; back--) {
    const day = addDays(today, -back);
    runs.push(
      {
        user: 'alice',
        tenant: 'team-a',
        day,
        request: {
          name: 'daily-sales',
          entryPoint: 's3://data-lake/team-a/jobs/daily_sales.py',
          entryPointArguments: ['--date', day],
          entityRef: 'component:default/daily-sales',
          idempotencyKey: `example-daily-sales-nightly-${day}`,
          executor: {
            cores: 2,
            memory: '8g',
            minExecutors: 2,
            maxExecutors: 8,
          },
          tags: { [OUTCOME]: 'COMPLETED' },
        },
      },
      {
        user: 'bob',
        tenant: 'team-b',
        day,
        request: {
          name: 'churn-features',
          entryPoint: 's3://data-lake/team-b/jobs/churn_features.py',
          entryPointArguments: ['--date', day],
          entityRef: 'component:default/churn-model',
          idempotencyKey: `example-churn-features-nightly-${day}`,
          tags: { [OUTCOME]: 'COMPLETED' },
        },
      },
    );
  }
  return runs;
}

const GIB = 1024;

/** The generator's pod shapes, from what the plugin recorded a run asked for. */
function shapeOf(run) {
  const requested = run.requested;
  if (!requested) return undefined;
  return {
    driver: {
      cores: requested.driver.cores,
      memoryGiB: requested.driver.memoryMiB / GIB,
    },
    executor: {
      cores: requested.executor.cores,
      memoryGiB: requested.executor.memoryMiB / GIB,
      min: requested.minExecutors,
      max: requested.maxExecutors,
    },
  };
}

/**
 * LOCAL ONLY. Chargeback charges a day's costs to the tenant that held the
 * namespace on that day, and the example tenants were onboarded a moment
 * ago: the sample world says they were onboarded before its bill starts,
 * straight in the local backend's SQLite file (no API changes a tenant's
 * past, and none should). Tenants onboarded later keep their own day.
 */
async function backdateOnboarding({ dataDir, names, since, log }) {
  const db = await localDatabase(dataDir);
  if (!db) {
    log(`no EMR on EKS database in ${dataDir}: the sample bill starts today`);
    return;
  }
  try {
    const changed = db
      .prepare(
        `UPDATE emr_tenants SET created_at = ? WHERE created_at > ? AND name IN (${names
          .map(() => '?')
          .join(', ')})`,
      )
      .run(since.getTime(), since.getTime(), ...names).changes;
    log(
      `the sample world says ${changed} tenants were onboarded ${since
        .toISOString()
        .slice(0, 10)}`,
    );
  } finally {
    db.close();
  }
}

/** The local backend's SQLite file of the plugin, open; undefined without one. */
async function localDatabase(dataDir) {
  const dir = path.join(dataDir, 'sqlite');
  const file = (await fs.readdir(dir)).find(
    name => name.includes('emr-on-eks') && name.endsWith('.sqlite'),
  );
  if (!file) {
    return undefined;
  }
  const Database = createRequire(import.meta.url)('better-sqlite3');
  return new Database(path.join(dir, file));
}

/**
 * LOCAL ONLY. When a day's bill lands on a day shown as an estimate, the
 * rollup records each tenant's estimated uplift against the billed one
 * (`emr_cost_estimate_accuracy`) and sums them per month
 * (`emr_cost_estimate_months`, the Costs tab's estimate-versus-bill
 * history). The sample's runs were created a moment ago, so none of their
 * days was ever estimated: this writes, for each tenant's uplift of each
 * day the bill covers, the estimate a rollup would have recorded, off by a
 * few percent (-3, -1, +1 or +3 % by month, +-0.8 % by day), and the month
 * sums as the rollup computes them. Idempotent: a restart writes the same
 * rows again.
 */
export async function seedEstimateErrors({ dataDir, log }) {
  const db = await localDatabase(dataDir);
  if (!db) {
    log(`no EMR on EKS database in ${dataDir}: no estimate-versus-bill rows`);
    return;
  }
  const error = `(cast(substr(date, 6, 2) as integer) % 4 * 2 - 3) * 0.01
    + (cast(substr(date, 9, 2) as integer) % 5 - 2) * 0.004`;
  try {
    const written = db.transaction(() => {
      const { changes } = db
        .prepare(
          `INSERT INTO emr_cost_estimate_accuracy
             (date, tenant, tenant_uid, estimated, actual, recorded_at)
           SELECT date, tenant, tenant_uid, sum(amount) * (1 + ${error}),
             sum(amount), ?
           FROM emr_cost_daily
           WHERE category = 'emr-uplift' AND tenant_uid IS NOT NULL
             AND estimated = 0
             AND date IN (SELECT date FROM emr_cost_days WHERE billed = 1)
           GROUP BY date, tenant, tenant_uid
           ON CONFLICT (date, tenant_uid) DO UPDATE SET
             estimated = excluded.estimated, actual = excluded.actual,
             recorded_at = excluded.recorded_at`,
        )
        .run(Date.now());
      // The month sums, as CostMonthStore's recomputeCostMonths makes them.
      db.prepare('DELETE FROM emr_cost_estimate_months').run();
      db.prepare(
        `INSERT INTO emr_cost_estimate_months (month, estimated, actual)
         SELECT substr(date, 1, 7), sum(estimated), sum(actual)
         FROM emr_cost_estimate_accuracy
         GROUP BY substr(date, 1, 7)`,
      ).run();
      return changes;
    })();
    log(`recorded ${written} estimates against the sample bill`);
  } finally {
    db.close();
  }
}

/** Logs the months of the admin's estimate-versus-bill history. */
async function logEstimateErrors({ asAdmin, log }) {
  const res = await asAdmin('GET', '/costs/overview');
  const months = res.status === 200 ? res.body.estimateErrors ?? [] : [];
  const text = months.map(
    m =>
      `${m.month} ${
        m.error === null ? 'n/a' : `${(m.error * 100).toFixed(1)} %`
      }`,
  );
  log(
    `estimates against the bill: ${
      text.join(', ') || `none (the overview answered ${res.status})`
    }`,
  );
}

/**
 * Seeds the sample bill for the running backend; returns what it wrote.
 * `dataDir` is `EMR_ON_EKS_DATA_DIR`; files go to `<dataDir>/cost-data/`.
 */
export async function seedCostData({
  baseUrl,
  dataDir,
  today = new Date().toISOString().slice(0, 10),
  log = () => {},
}) {
  const tokens = new Map();
  const tokenOf = async user => {
    if (!tokens.has(user)) tokens.set(user, await signIn(baseUrl, user));
    return tokens.get(user);
  };
  const asAdmin = api(baseUrl, await tokenOf('admin'));

  const dayOfRun = new Map();
  for (const { user, tenant, day, request } of nightlyRuns(today)) {
    const res = await api(baseUrl, await tokenOf(user))(
      'POST',
      `/tenants/${tenant}/job-runs`,
      request,
    );
    if (res.status === 200 || res.status === 201) {
      dayOfRun.set(res.body.id, day);
    } else {
      log(
        `could not submit the nightly ${request.name} of ${day}: ${res.status}`,
      );
    }
  }

  const tenants = [];
  for (const name of ['team-a', 'team-b']) {
    const res = await asAdmin('GET', `/tenants/${name}`);
    if (res.status === 200 && res.body.status?.virtualClusterId) {
      tenants.push({
        name,
        namespace: res.body.status.namespace,
        virtualClusterId: res.body.status.virtualClusterId,
      });
    }
  }
  const listed = await asAdmin('GET', '/job-runs?limit=200');
  const runs = (listed.body?.items ?? []).flatMap(run => {
    const shape = shapeOf(run);
    if (
      !run.emrJobRunId ||
      !shape ||
      !tenants.some(t => t.name === run.tenant)
    ) {
      return [];
    }
    return [
      {
        tenant: run.tenant,
        emrJobRunId: run.emrJobRunId,
        virtualClusterId: run.virtualClusterId,
        name: run.name,
        ...(run.entityRef ? { entityRef: run.entityRef } : {}),
        spot: run.spot !== false,
        ...shape,
        // The nightly runs on their days; the others today.
        day: dayOfRun.get(run.id) ?? today,
      },
    ];
  });
  const world = {
    region: 'us-east-1',
    accountId: '123456789012',
    clusterName: 'shared-data',
    tenants,
    runs,
    foreignVirtualClusters: ['zz9plural0zalpha0foreign0'],
  };
  await backdateOnboarding({
    dataDir,
    names: tenants.map(t => t.name),
    since: new Date(`${addDays(today, -DAYS)}T00:00:00Z`),
    log,
  });
  const { files, summary } = generateCostData(world, { today, days: DAYS });
  // Written aside and moved in whole: the scheduled rollup may read the
  // directory at any moment, and a half-written CSV would be read as such.
  const outDir = path.join(dataDir, 'cost-data');
  const staging = `${outDir}.staging-${process.pid}`;
  await fs.rm(staging, { recursive: true, force: true });
  for (const file of files) {
    const target = path.join(staging, file.path);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, file.text);
  }
  await fs.rm(outDir, { recursive: true, force: true });
  await fs.rename(staging, outDir);
  log(
    `wrote sample cost data for ${tenants.length} tenants and ${
      runs.length
    } runs to ${path.relative(process.cwd(), outDir)}/`,
  );
  const from = addDays(today, 1 - DAYS);
  const refreshed = await asAdmin(
    'POST',
    `/costs/refresh?from=${from}&to=${today}`,
  );
  if (refreshed.status !== 200) {
    throw new Error(
      `rolling up the sample costs failed: ${refreshed.status} ${JSON.stringify(
        refreshed.body,
      )}`,
    );
  }
  log(
    `rolled up costs ${from}..${today}: ${refreshed.body.rows} daily rows, billed through ${refreshed.body.completeThrough}`,
  );
  await seedEstimateErrors({ dataDir, log });
  await logEstimateErrors({ asAdmin, log });
  const budgets = await seedBudgets({ asAdmin, log });
  return { world, summary, refresh: refreshed.body, budgets };
}

/**
 * What each example tenant's budget is, against its month's forecast: team-a
 * a little under it (the chargeback card shows "at risk" and the budget
 * line near its bars), team-b well over it (within budget).
 */
export const EXAMPLE_BUDGETS = [
  { tenant: 'team-a', ofForecast: 0.9, thresholds: [50, 80, 100] },
  { tenant: 'team-b', ofForecast: 2, thresholds: [80, 100] },
];

/**
 * Sets the example budgets through the REST API as the platform admin
 * (`PUT /tenants/:name/budget`), in the bill's currency, sized from this
 * month's forecast so the local stack shows a budget line. Idempotent: a
 * restart sets them again from the new forecast.
 */
export async function seedBudgets({ asAdmin, log = () => {} }) {
  const set = [];
  for (const { tenant, ofForecast, thresholds } of EXAMPLE_BUDGETS) {
    const forecast = await asAdmin('GET', `/tenants/${tenant}/costs/forecast`);
    if (forecast.status !== 200) {
      log(
        `no budget for ${tenant}: its forecast answered ${
          forecast.status
        } ${JSON.stringify(forecast.body)}`,
      );
      continue;
    }
    // Two significant figures (the sample bill is small): a budget people
    // would type.
    const amount = Math.max(
      1,
      Number((forecast.body.forecast.amount * ofForecast).toPrecision(2)),
    );
    const res = await asAdmin('PUT', `/tenants/${tenant}/budget`, {
      amount,
      currency: forecast.body.currency,
      thresholds,
    });
    if (res.status === 200) {
      log(
        `budget of ${tenant}: ${amount} ${
          forecast.body.currency
        } a month (forecast ${forecast.body.forecast.amount.toFixed(2)})`,
      );
      set.push(res.body);
    } else {
      log(
        `could not set the budget of ${tenant}: ${res.status} ${JSON.stringify(
          res.body,
        )}`,
      );
    }
  }
  return set;
}
