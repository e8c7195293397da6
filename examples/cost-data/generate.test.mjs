// @ts-check
// Run with: node --test examples/cost-data/generate.test.mjs
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  CUR2_COLUMNS,
  CUR_LEGACY_COLUMNS,
  KUBECOST_COLUMNS,
  generateCostData,
  writeCostFiles,
} from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const script = join(here, 'generate.mjs');
const worldPath = join(here, 'world.json');
/** @type {import('./generate.mjs').World} */
const world = JSON.parse(readFileSync(worldPath, 'utf8'));
const TODAY = '2026-11-22';
const DAYS = 30;

const JOB_RUN_ARN =
  /^arn:aws[a-z-]*:emr-containers:[a-z0-9-]+:[0-9]{12}:\/virtualclusters\/([0-9a-z]+)\/jobruns\/([0-9a-z]+)$/;
const POD_ARN =
  /^arn:aws:eks:([a-z0-9-]+):([0-9]{12}):pod\/([^/]+)\/([^/]+)\/([^/]+)\/([0-9a-f-]{36})$/;

/** Columns the issue names for the CUR, in both layouts unless noted. */
const REQUIRED_CUR_COLUMNS = [
  'bill_billing_period_start_date',
  'line_item_usage_account_id',
  'line_item_line_item_type',
  'line_item_usage_start_date',
  'line_item_usage_end_date',
  'line_item_product_code',
  'line_item_operation',
  'line_item_usage_type',
  'line_item_resource_id',
  'line_item_usage_amount',
  'line_item_unblended_cost',
  'line_item_net_unblended_cost',
  'split_line_item_parent_resource_id',
  'split_line_item_split_cost',
  'split_line_item_unused_cost',
  'split_line_item_public_on_demand_split_cost',
  'split_line_item_public_on_demand_unused_cost',
];

// -- helpers ------------------------------------------------------------------

/**
 * RFC 4180 CSV: header and rows as objects.
 * @param {string} text
 */
function parseCsv(text) {
  /** @type {string[][]} */
  const records = [];
  /** @type {string[]} */
  let record = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else {
      field += c;
    }
  }
  assert.equal(field, '', 'the file ends with a newline');
  assert.equal(record.length, 0, 'the file ends with a newline');
  const [header, ...rest] = records;
  for (const row of rest) {
    assert.equal(row.length, header.length, `row ${row.join(',')}`);
  }
  return {
    header,
    rows: rest.map(row =>
      Object.fromEntries(header.map((column, i) => [column, row[i]])),
    ),
  };
}

/**
 * The CSV files of a generated directory.
 * @param {string} dir
 */
function readOutput(dir) {
  /** @param {string} sub */
  const read = sub => {
    const path = join(dir, sub);
    if (!existsSync(path)) {
      return { headers: [], rows: [], files: [] };
    }
    const files = readdirSync(path).sort();
    const parsed = files.map(name =>
      parseCsv(readFileSync(join(path, name), 'utf8')),
    );
    return {
      files,
      headers: parsed.map(p => p.header),
      rows: parsed.flatMap(p => p.rows),
    };
  };
  return { cur: read('cur'), kubecost: read('kubecost') };
}

/** Integer units of an amount (CUR 8 decimals, Kubecost 6). */
const units = (/** @type {string} */ value, scale = 1e8) =>
  value === '' || value === undefined ? 0 : Math.round(Number(value) * scale);

/** @param {Record<string, number>} map @param {string} key @param {number} value */
const add = (map, key, value) => {
  map[key] = (map[key] ?? 0) + value;
};

/** @param {string} day @param {number} delta */
const addDays = (day, delta) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + delta * 86400000)
    .toISOString()
    .slice(0, 10);

/** Runs the CLI; returns its stdout. @param {string[]} args */
function cli(args) {
  const result = spawnSync(process.execPath, [script, ...args], {
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

/** Every file under a directory, relative path -> bytes. @param {string} dir */
function filesOf(dir) {
  /** @type {Map<string, Buffer>} */
  const files = new Map();
  /** @param {string} sub */
  const walk = sub => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const path = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        walk(path);
      } else {
        files.set(path, readFileSync(join(dir, path)));
      }
    }
  };
  walk('');
  return files;
}

const tenantByVc = new Map(world.tenants.map(t => [t.virtualClusterId, t]));
const foreignVcs = new Set(
  (world.foreignVirtualClusters ?? []).map(f =>
    typeof f === 'string' ? f : f.virtualClusterId,
  ),
);
const runById = new Map(world.runs.map(run => [run.emrJobRunId, run]));

// -- the suite ------------------------------------------------------------------

describe('examples/cost-data/generate.mjs', () => {
  /** @type {string} */
  let tmp;
  /** @type {string} */
  let legacyDir;
  /** @type {string} */
  let cur2Dir;
  /** @type {any} */
  let summary;
  /** @type {ReturnType<typeof readOutput>} */
  let legacy;
  /** @type {ReturnType<typeof readOutput>} */
  let cur2;

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'cost-data-'));
    legacyDir = join(tmp, 'legacy');
    cur2Dir = join(tmp, 'cur2');
    const common = [
      '--world',
      worldPath,
      '--today',
      TODAY,
      '--days',
      `${DAYS}`,
    ];
    const stdout = cli([...common, '--out', legacyDir]);
    cli([...common, '--out', cur2Dir, '--layout', 'cur2', '--only', 'cur']);
    summary = JSON.parse(readFileSync(join(legacyDir, 'summary.json'), 'utf8'));
    assert.deepEqual(JSON.parse(stdout), summary, 'the CLI prints the summary');
    legacy = readOutput(legacyDir);
    cur2 = readOutput(cur2Dir);
  });

  after(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  test('same input, byte-identical output', () => {
    const options = { today: TODAY, days: DAYS };
    const first = generateCostData(world, options);
    const second = generateCostData(structuredClone(world), options);
    assert.deepEqual(second.files, first.files);
    assert.deepEqual(second.summary, first.summary);

    const again = join(tmp, 'again');
    cli([
      '--world',
      worldPath,
      '--today',
      TODAY,
      '--days',
      `${DAYS}`,
      '--out',
      again,
      '--quiet',
    ]);
    const a = filesOf(legacyDir);
    const b = filesOf(again);
    assert.deepEqual([...b.keys()], [...a.keys()]);
    for (const [path, bytes] of a) {
      assert.ok(bytes.equals(/** @type {Buffer} */ (b.get(path))), path);
    }
    // What the function returns is what the CLI writes.
    for (const file of first.files) {
      assert.equal(a.get(file.path)?.toString('utf8'), file.text, file.path);
    }
  });

  test('the committed samples are up to date', () => {
    for (const [committed, generated] of [
      [join(here, 'sample'), legacyDir],
      [join(here, 'sample-cur2'), cur2Dir],
    ]) {
      const want = filesOf(generated);
      const have = filesOf(committed);
      assert.deepEqual(
        [...have.keys()].sort(),
        [...want.keys()].sort(),
        `${committed}: regenerate it (see README.md)`,
      );
      for (const [path, bytes] of want) {
        assert.ok(
          bytes.equals(/** @type {Buffer} */ (have.get(path))),
          `${committed}/${path} is stale: regenerate it (see README.md)`,
        );
      }
    }
  });

  test('headers are exact', () => {
    assert.equal(
      KUBECOST_COLUMNS.join(','),
      'date,namespace,pod,job_id,virtual_cluster_id,spark_role,capacity_type,cpu_cost,ram_cost,pv_cost,network_cost,total_cost',
    );
    assert.ok(legacy.kubecost.headers.length > 0);
    for (const header of legacy.kubecost.headers) {
      assert.deepEqual(header, [...KUBECOST_COLUMNS]);
    }
    assert.ok(legacy.cur.headers.length > 0);
    for (const header of legacy.cur.headers) {
      assert.deepEqual(header, [...CUR_LEGACY_COLUMNS]);
    }
    for (const header of cur2.cur.headers) {
      assert.deepEqual(header, [...CUR2_COLUMNS]);
    }
    for (const column of [
      ...REQUIRED_CUR_COLUMNS,
      'product_product_family',
      'resource_tags_user_emr_containers_amazonaws_com_job_id',
      'resource_tags_user_emr_containers_amazonaws_com_virtual_cluster_id',
    ]) {
      assert.ok(CUR_LEGACY_COLUMNS.includes(column), `legacy has ${column}`);
    }
    for (const column of [
      ...REQUIRED_CUR_COLUMNS,
      'product',
      'resource_tags',
    ]) {
      assert.ok(CUR2_COLUMNS.includes(column), `cur2 has ${column}`);
    }
    assert.ok(
      !CUR2_COLUMNS.some(column => column.startsWith('resource_tags_')),
      'CUR 2.0 keeps tags in the resource_tags map',
    );
    assert.deepEqual(legacy.cur.files, ['cur-2026-10.csv', 'cur-2026-11.csv']);
    assert.deepEqual(legacy.kubecost.files, [
      'allocation-2026-10.csv',
      'allocation-2026-11.csv',
    ]);
  });

  test('CUR covers through today-2 and not after; covered days are complete', () => {
    const lastCurDay = addDays(TODAY, -2);
    assert.equal(summary.curLastDay, lastCurDay);
    const from = addDays(TODAY, -(DAYS - 1));
    assert.equal(summary.from, from);
    /** @type {Map<string, Set<string>>} hours per day of the always-on node */
    const hoursByInstanceDay = new Map();
    const days = new Set();
    for (const row of legacy.cur.rows) {
      const day = row.line_item_usage_start_date.slice(0, 10);
      days.add(day);
      assert.ok(day >= from && day <= lastCurDay, `CUR row on ${day}`);
      assert.match(
        row.line_item_usage_start_date,
        /^\d{4}-\d{2}-\d{2}T\d{2}:00:00Z$/,
      );
      assert.equal(
        Date.parse(row.line_item_usage_end_date) -
          Date.parse(row.line_item_usage_start_date),
        3600000,
      );
      assert.equal(row.line_item_line_item_type, 'Usage');
      assert.equal(
        row.bill_billing_period_start_date,
        `${day.slice(0, 7)}-01T00:00:00Z`,
      );
      if (row.line_item_product_code === 'AmazonEC2') {
        const key = `${row.line_item_resource_id}|${day}`;
        const hours = hoursByInstanceDay.get(key) ?? new Set();
        hours.add(row.line_item_usage_start_date);
        hoursByInstanceDay.set(key, hours);
      }
    }
    assert.ok(!days.has(addDays(TODAY, -1)), 'no CUR row for today-1');
    assert.ok(!days.has(TODAY), 'no CUR row for today');
    // Every covered day is there, with all 24 hours of the always-on node.
    const alwaysOn = [...hoursByInstanceDay.entries()].filter(
      ([, hours]) => hours.size === 24,
    );
    for (let day = from; day <= lastCurDay; day = addDays(day, 1)) {
      assert.ok(days.has(day), `CUR has ${day}`);
      assert.ok(
        alwaysOn.some(([key]) => key.endsWith(`|${day}`)),
        `the always-on node has 24 hours on ${day}`,
      );
    }
    assert.equal(summary.curDays, DAYS - 2);
    // Kubecost is near real time: every day, today included.
    const kubecostDays = new Set(legacy.kubecost.rows.map(row => row.date));
    for (let day = from; day <= TODAY; day = addDays(day, 1)) {
      assert.ok(kubecostDays.has(day), `Kubecost has ${day}`);
    }
    assert.equal(kubecostDays.size, DAYS);
    // And the days CUR lacks have runs, so the estimate shows.
    const runDays = new Set(summary.jobs.flatMap(job => job.days));
    assert.ok(runDays.has(TODAY) && runDays.has(addDays(TODAY, -1)));
  });

  test('uplift rows are job-run ARNs at the uplift rates', () => {
    const uplift = legacy.cur.rows.filter(
      row => row.line_item_product_code === 'ElasticMapReduce',
    );
    assert.ok(uplift.length > 0);
    for (const row of uplift) {
      const match = JOB_RUN_ARN.exec(row.line_item_resource_id);
      assert.ok(match, row.line_item_resource_id);
      const [, vc, job] = match;
      assert.ok(tenantByVc.has(vc) || foreignVcs.has(vc), vc);
      if (tenantByVc.has(vc)) {
        assert.equal(runById.get(job)?.virtualClusterId, vc);
      }
      assert.match(vc, /^[0-9a-z]{25}$/);
      assert.match(job, /^[0-9a-z]{19}$/);
      assert.equal(row.line_item_operation, 'StartJobRun');
      assert.equal(row.product_product_family, 'EMR Containers');
      assert.equal(row.line_item_usage_account_id, world.accountId);
      const rate = row.line_item_usage_type.endsWith('vCPUHours')
        ? 0.01012
        : 0.00111125;
      assert.match(
        row.line_item_usage_type,
        /^USE1-EMR-EKS-EC2-(vCPUHours|GBHours)$/,
      );
      assert.equal(Number(row.line_item_unblended_rate), rate);
      const expected = Number(row.line_item_usage_amount) * rate;
      assert.ok(
        Math.abs(Number(row.line_item_unblended_cost) - expected) < 2e-8,
        `${row.line_item_unblended_cost} vs ${expected}`,
      );
      assert.equal(
        row.line_item_net_unblended_cost,
        row.line_item_unblended_cost,
      );
    }
  });

  test('split rows sit on instances of the right capacity', () => {
    /** instance id|hour -> usage type */
    const instanceHours = new Map();
    for (const row of legacy.cur.rows) {
      if (row.line_item_product_code === 'AmazonEC2') {
        assert.match(row.line_item_resource_id, /^i-0[0-9a-f]{16}$/);
        assert.match(
          row.line_item_usage_type,
          /^USE1-(BoxUsage|SpotUsage):m5\.[0-9]*x?large$/,
        );
        instanceHours.set(
          `${row.line_item_resource_id}|${row.line_item_usage_start_date}`,
          row.line_item_usage_type,
        );
      }
    }
    const pods = legacy.cur.rows.filter(
      row => row.line_item_operation === 'EKSPod-EC2',
    );
    assert.ok(pods.length > 0);
    let spotPods = 0;
    for (const row of pods) {
      assert.match(row.line_item_usage_type, /^USE1-EKS-EC2-(vCPU|GB)-Hours$/);
      const match = POD_ARN.exec(row.line_item_resource_id);
      assert.ok(match, row.line_item_resource_id);
      const [, region, account, cluster, namespace] = match;
      assert.equal(region, world.region);
      assert.equal(account, world.accountId);
      assert.equal(cluster, world.clusterName);
      assert.equal(row.resource_tags_aws_eks_namespace, namespace);
      const usageType = instanceHours.get(
        `${row.split_line_item_parent_resource_id}|${row.line_item_usage_start_date}`,
      );
      assert.ok(
        usageType,
        `parent ${row.split_line_item_parent_resource_id} has a usage line that hour`,
      );
      const vc =
        row.resource_tags_user_emr_containers_amazonaws_com_virtual_cluster_id;
      const role = row.resource_tags_user_spark_role;
      const run = runById.get(
        row.resource_tags_user_emr_containers_amazonaws_com_job_id,
      );
      const tenant = tenantByVc.get(vc);
      if (tenant) {
        assert.equal(namespace, tenant.namespace);
        assert.ok(run, 'the job id is a run of the world');
      }
      if (role === 'driver' || role === '') {
        assert.match(
          usageType,
          /BoxUsage/,
          'drivers and system pods are On-Demand',
        );
      } else {
        assert.equal(role, 'executor');
        const spot = run ? run.spot : true; // foreign runs are Spot
        assert.match(usageType, spot ? /SpotUsage/ : /BoxUsage/);
        if (spot) {
          spotPods++;
          // Spot costs about 30-35 % of On-Demand.
          const ratio =
            Number(row.split_line_item_split_cost) /
            Number(row.split_line_item_public_on_demand_split_cost);
          assert.ok(ratio > 0.29 && ratio < 0.36, `spot ratio ${ratio}`);
        }
      }
      assert.equal(Number(row.line_item_unblended_cost), 0);
      assert.ok(Number(row.split_line_item_split_cost) > 0);
      assert.ok(Number(row.split_line_item_unused_cost) >= 0);
      assert.ok(Number(row.split_line_item_split_usage_ratio) <= 1);
    }
    assert.ok(spotPods > 0);
  });

  test('summary totals are the sums of the CSV rows', () => {
    /** @type {Record<string, number>} */
    const cur = {};
    const capacityOf = new Map();
    for (const row of legacy.cur.rows) {
      if (row.line_item_product_code === 'AmazonEC2') {
        capacityOf.set(
          row.line_item_resource_id,
          row.line_item_usage_type.includes('SpotUsage') ? 'spot' : 'on-demand',
        );
        add(cur, 'ec2', units(row.line_item_unblended_cost));
      }
    }
    for (const row of legacy.cur.rows) {
      const day = row.line_item_usage_start_date.slice(0, 10);
      if (row.line_item_product_code === 'ElasticMapReduce') {
        const [, vc] = /** @type {RegExpExecArray} */ (
          JOB_RUN_ARN.exec(row.line_item_resource_id)
        );
        const owner = tenantByVc.get(vc)?.name ?? `foreign:${vc}`;
        add(cur, `uplift|${owner}`, units(row.line_item_unblended_cost));
        add(cur, `uplift|${owner}|${day}`, units(row.line_item_unblended_cost));
      } else if (row.line_item_operation === 'EKSPod-EC2') {
        const vc =
          row.resource_tags_user_emr_containers_amazonaws_com_virtual_cluster_id;
        const owner = vc
          ? tenantByVc.get(vc)?.name ?? `foreign:${vc}`
          : `namespace:${row.resource_tags_aws_eks_namespace}`;
        const amount =
          units(row.split_line_item_split_cost) +
          units(row.split_line_item_unused_cost);
        const capacity = capacityOf.get(row.split_line_item_parent_resource_id);
        add(cur, `compute|${owner}`, amount);
        add(cur, `compute|${owner}|${capacity}`, amount);
        add(cur, `compute|${owner}|${day}`, amount);
        add(
          cur,
          `od|${owner}`,
          units(row.split_line_item_public_on_demand_split_cost) +
            units(row.split_line_item_public_on_demand_unused_cost),
        );
      }
    }
    /** @type {Record<string, number>} */
    const kc = {};
    for (const row of legacy.kubecost.rows) {
      const total = units(row.total_cost, 1e6);
      if (row.pod === '__idle__') {
        add(kc, 'idle', total);
        continue;
      }
      if (row.pod === '__unallocated__') {
        add(kc, 'unallocated', total);
        continue;
      }
      const owner =
        tenantByVc.get(row.virtual_cluster_id)?.name ??
        `foreign:${row.virtual_cluster_id}`;
      const compute = total - units(row.pv_cost, 1e6);
      add(kc, `compute|${owner}`, compute);
      add(kc, `compute|${owner}|${row.capacity_type}`, compute);
      add(kc, `compute|${owner}|${row.date}`, compute);
      add(kc, `storage|${owner}`, units(row.pv_cost, 1e6));
    }
    const cents = (/** @type {number} */ value, scale = 1e8) =>
      Math.round(value * scale);

    for (const tenant of world.tenants) {
      const t = tenant.name;
      const s = summary.tenants[t];
      assert.equal(cents(s.cur.uplift), cur[`uplift|${t}`] ?? 0, `${t} uplift`);
      assert.equal(
        cents(s.cur.compute),
        cur[`compute|${t}`] ?? 0,
        `${t} compute`,
      );
      assert.equal(cents(s.cur.computeSpot), cur[`compute|${t}|spot`] ?? 0);
      assert.equal(
        cents(s.cur.computeOnDemand),
        cur[`compute|${t}|on-demand`] ?? 0,
      );
      assert.equal(cents(s.cur.publicOnDemand), cur[`od|${t}`] ?? 0);
      assert.equal(cents(s.kubecost.compute, 1e6), kc[`compute|${t}`] ?? 0);
      assert.equal(
        cents(s.kubecost.computeSpot, 1e6),
        kc[`compute|${t}|spot`] ?? 0,
      );
      assert.equal(
        cents(s.kubecost.computeOnDemand, 1e6),
        kc[`compute|${t}|on-demand`] ?? 0,
      );
      assert.equal(cents(s.kubecost.storage, 1e6), kc[`storage|${t}`] ?? 0);
      assert.ok(
        s.cur.uplift > 0 && s.cur.compute > 0 && s.kubecost.compute > 0,
      );
      for (const [day, entry] of Object.entries(s.days)) {
        assert.equal(cents(entry.curUplift), cur[`uplift|${t}|${day}`] ?? 0);
        assert.equal(cents(entry.curCompute), cur[`compute|${t}|${day}`] ?? 0);
        assert.equal(
          cents(entry.kubecostCompute, 1e6),
          kc[`compute|${t}|${day}`] ?? 0,
        );
      }
      // The bill lacks the last days: the model's uplift is larger.
      assert.ok(s.model.uplift > s.cur.uplift);
    }
    // Per entity and per job, the parts add up to the tenant.
    for (const tenant of world.tenants) {
      const jobs = summary.jobs.filter(job => job.tenant === tenant.name);
      const sum = (/** @type {string} */ key, scale = 1e8) =>
        jobs.reduce((total, job) => total + cents(job[key], scale), 0);
      const s = summary.tenants[tenant.name];
      assert.equal(sum('curUplift'), cents(s.cur.uplift));
      assert.equal(sum('curCompute'), cents(s.cur.compute));
      assert.equal(sum('kubecostCompute', 1e6), cents(s.kubecost.compute, 1e6));
    }
    for (const [ref, entity] of Object.entries(summary.entities)) {
      const jobs = summary.jobs.filter(job => job.entityRef === ref);
      assert.ok(jobs.length > 0, ref);
      assert.equal(
        jobs.reduce((total, job) => total + cents(job.curUplift), 0),
        cents(entity.curUplift),
      );
    }
    assert.deepEqual(Object.keys(summary.entities).sort(), [
      'component:default/churn-model',
      'component:default/daily-sales',
      'component:default/sessionization',
    ]);
    assert.equal(cents(summary.cur.ec2.total), cur.ec2);
    assert.equal(cents(summary.kubecost.idle.total, 1e6), kc.idle);
    assert.equal(
      cents(summary.kubecost.unallocated.total, 1e6),
      kc.unallocated,
    );
    for (const vc of foreignVcs) {
      assert.equal(
        cents(summary.foreign[vc].cur.uplift),
        cur[`uplift|foreign:${vc}`] ?? 0,
      );
      assert.equal(
        cents(summary.foreign[vc].cur.compute),
        cur[`compute|foreign:${vc}`] ?? 0,
      );
      assert.equal(
        cents(summary.foreign[vc].kubecost.compute, 1e6),
        kc[`compute|foreign:${vc}`] ?? 0,
      );
    }
  });

  test('rows of the foreign virtual cluster are present in both sources', () => {
    assert.ok(foreignVcs.size > 0);
    for (const vc of foreignVcs) {
      assert.ok(
        legacy.cur.rows.some(
          row =>
            row.line_item_product_code === 'ElasticMapReduce' &&
            row.line_item_resource_id.includes(`/virtualclusters/${vc}/`),
        ),
        'foreign uplift rows',
      );
      assert.ok(
        legacy.cur.rows.some(
          row =>
            row.line_item_operation === 'EKSPod-EC2' &&
            row.resource_tags_user_emr_containers_amazonaws_com_virtual_cluster_id ===
              vc,
        ),
        'foreign pod rows',
      );
      assert.ok(
        legacy.kubecost.rows.some(row => row.virtual_cluster_id === vc),
        'foreign Kubecost rows',
      );
      assert.ok(summary.foreign[vc].cur.uplift > 0);
      assert.ok(summary.foreign[vc].runs > 0);
    }
  });

  test('CUR 2.0 map columns are JSON and carry the same costs', () => {
    assert.equal(cur2.cur.rows.length, legacy.cur.rows.length);
    assert.deepEqual(cur2.kubecost.rows, [], '--only cur writes no Kubecost');
    /** @type {Record<string, number>} */
    const totals = { legacy: 0, cur2: 0, splitLegacy: 0, splitCur2: 0 };
    cur2.cur.rows.forEach((row, i) => {
      const product = JSON.parse(row.product);
      const tags = JSON.parse(row.resource_tags);
      assert.equal(typeof product, 'object');
      assert.equal(typeof tags, 'object');
      for (const value of [...Object.values(product), ...Object.values(tags)]) {
        assert.equal(typeof value, 'string');
      }
      const old = legacy.cur.rows[i];
      assert.equal(row.line_item_resource_id, old.line_item_resource_id);
      assert.equal(row.product_region_code, old.product_region);
      for (const key of [
        'aws_eks_cluster_name',
        'aws_eks_namespace',
        'user_emr_containers_amazonaws_com_job_id',
        'user_emr_containers_amazonaws_com_virtual_cluster_id',
        'user_spark_role',
      ]) {
        assert.equal(tags[key] ?? '', old[`resource_tags_${key}`], key);
      }
      if (row.line_item_operation === 'EKSPod-EC2') {
        assert.ok(
          tags.user_emr_containers_amazonaws_com_job_id ||
            tags.aws_eks_namespace === 'kube-system',
        );
      }
      totals.legacy += units(old.line_item_unblended_cost);
      totals.cur2 += units(row.line_item_unblended_cost);
      totals.splitLegacy += units(old.split_line_item_split_cost);
      totals.splitCur2 += units(row.split_line_item_split_cost);
    });
    assert.equal(totals.cur2, totals.legacy);
    assert.equal(totals.splitCur2, totals.splitLegacy);
  });

  test('Kubecost rows add up; one __idle__ row a day, __unallocated__ some days', () => {
    const idleDays = new Map();
    const unallocatedDays = new Set();
    for (const row of legacy.kubecost.rows) {
      for (const column of [
        'cpu_cost',
        'ram_cost',
        'pv_cost',
        'network_cost',
        'total_cost',
      ]) {
        assert.match(row[column], /^\d+\.\d{6}$/, column);
      }
      assert.equal(
        units(row.total_cost, 1e6),
        units(row.cpu_cost, 1e6) +
          units(row.ram_cost, 1e6) +
          units(row.pv_cost, 1e6) +
          units(row.network_cost, 1e6),
      );
      assert.ok(['spot', 'on-demand'].includes(row.capacity_type));
      if (row.pod === '__idle__') {
        assert.equal(row.namespace, '');
        assert.equal(row.job_id, '');
        idleDays.set(row.date, (idleDays.get(row.date) ?? 0) + 1);
      } else if (row.pod === '__unallocated__') {
        assert.equal(row.job_id, '');
        unallocatedDays.add(row.date);
      } else {
        assert.ok(['driver', 'executor'].includes(row.spark_role));
        assert.match(row.job_id, /^[0-9a-z]{19}$/);
        const run = runById.get(row.job_id);
        if (run) {
          assert.equal(
            row.capacity_type,
            row.spark_role === 'executor' && run.spot ? 'spot' : 'on-demand',
          );
        }
      }
    }
    assert.equal(idleDays.size, DAYS);
    for (const count of idleDays.values()) {
      assert.equal(count, 1);
    }
    assert.ok(unallocatedDays.size > 0 && unallocatedDays.size < DAYS);
    assert.ok(summary.tenants['team-b'].kubecost.storage > 0, 'PVs cost');
  });

  test('Kubecost and the CUR split cost agree on a pod-day', () => {
    // Same model: Kubecost's cpu+ram of a pod-day is the CUR split cost;
    // the CUR adds the pod's share of its node's unused capacity, which
    // Kubecost reports as __idle__.
    /** @type {Map<string, number>} */
    const split = new Map();
    for (const row of legacy.cur.rows) {
      if (row.line_item_operation !== 'EKSPod-EC2') {
        continue;
      }
      const [, , , , , pod] = /** @type {RegExpExecArray} */ (
        POD_ARN.exec(row.line_item_resource_id)
      );
      const key = `${row.line_item_usage_start_date.slice(0, 10)}|${pod}`;
      split.set(
        key,
        (split.get(key) ?? 0) + Number(row.split_line_item_split_cost),
      );
    }
    let compared = 0;
    for (const row of legacy.kubecost.rows) {
      const cur = split.get(`${row.date}|${row.pod}`);
      if (cur === undefined) {
        continue;
      }
      compared++;
      const kubecost = Number(row.cpu_cost) + Number(row.ram_cost);
      assert.ok(
        Math.abs(kubecost - cur) < 1e-5,
        `${row.date} ${row.pod}: Kubecost ${kubecost}, CUR ${cur}`,
      );
    }
    assert.ok(compared > 50);
  });

  test('runs spread over the period; some span midnight UTC', () => {
    const jobs = summary.jobs;
    assert.equal(jobs.length, world.runs.length);
    const spanning = jobs.filter(job => job.days.length === 2);
    assert.ok(spanning.length >= 2);
    for (const job of spanning) {
      assert.equal(job.days[1], addDays(job.days[0], 1));
    }
    // A run of today-2 that ends on today-1: billed for one day, estimated the next.
    const partial = jobs.find(
      job => job.days[0] === addDays(TODAY, -2) && job.days.length === 2,
    );
    assert.ok(partial, 'a run of today-2 spans into today-1');
    assert.ok(partial.curUplift > 0 && partial.curUplift < partial.modelUplift);
    const billedSpanning = spanning.find(
      job => job.days[1] <= summary.curLastDay,
    );
    assert.ok(billedSpanning);
    const upliftDays = new Set(
      legacy.cur.rows
        .filter(row =>
          row.line_item_resource_id.endsWith(
            `/jobruns/${billedSpanning.emrJobRunId}`,
          ),
        )
        .map(row => row.line_item_usage_start_date.slice(0, 10)),
    );
    assert.deepEqual([...upliftDays].sort(), billedSpanning.days);
  });

  test('dated runs, a month boundary, runs outside the period, bad worlds', () => {
    const base = world.runs[0];
    const dated = {
      ...world,
      runs: [
        {
          ...base,
          emrJobRunId: '0000000360000000001',
          day: '2026-10-31',
          durationMinutes: 1500,
        },
        { ...base, emrJobRunId: '0000000360000000002', day: '2026-01-01' },
      ],
    };
    const { files, summary: s } = generateCostData(dated, { today: TODAY });
    assert.deepEqual(s.skippedRuns, ['0000000360000000002']);
    assert.equal(s.jobs.length, 1);
    assert.deepEqual(s.jobs[0].days, ['2026-10-31', '2026-11-01']);
    for (const month of ['2026-10', '2026-11']) {
      const file = files.find(f => f.path === `cur/cur-${month}.csv`);
      assert.ok(file, month);
      const { rows } = parseCsv(file.text);
      const own = rows.filter(row =>
        row.line_item_resource_id.endsWith('/jobruns/0000000360000000001'),
      );
      assert.ok(own.length > 0, `uplift in ${month}`);
      for (const row of own) {
        assert.equal(
          row.bill_billing_period_start_date,
          `${month}-01T00:00:00Z`,
        );
        assert.equal(row.line_item_usage_start_date.slice(0, 7), month);
      }
    }
    assert.throws(
      () =>
        generateCostData(
          { ...world, runs: [{ ...base, tenant: 'team-z' }] },
          { today: TODAY },
        ),
      /unknown tenant "team-z"/,
    );
    assert.throws(
      () => generateCostData(world, { today: '2026-02-30' }),
      /not a calendar day/,
    );
    assert.throws(
      () =>
        generateCostData(world, {
          today: TODAY,
          layout: /** @type {any} */ ('csv'),
        }),
      /layout/,
    );
  });

  test('node costs are conserved: pods + idle = instances, each day', () => {
    /** @param {ReturnType<typeof readOutput>} output */
    const check = output => {
      /** @type {Record<string, number>} */
      const ec2 = {};
      /** @type {Record<string, number>} */
      const kubecost = {};
      for (const row of output.cur.rows) {
        if (row.line_item_product_code === 'AmazonEC2') {
          add(
            ec2,
            row.line_item_usage_start_date.slice(0, 10),
            Number(row.line_item_unblended_cost),
          );
        }
      }
      for (const row of output.kubecost.rows) {
        add(kubecost, row.date, Number(row.cpu_cost) + Number(row.ram_cost));
      }
      const days = Object.keys(ec2);
      assert.ok(days.length > 0);
      for (const day of days) {
        assert.ok(
          Math.abs(ec2[day] - kubecost[day]) < 1e-4,
          `${day}: EC2 ${ec2[day]}, Kubecost ${kubecost[day]}`,
        );
      }
    };
    check(legacy);
    // Executors that do not fill their node leave Spot idle capacity.
    const odd = {
      ...world,
      runs: world.runs.map(run => ({
        ...run,
        executor: { ...run.executor, memoryGiB: run.executor.memoryGiB * 1.1 },
      })),
    };
    const { files } = generateCostData(odd, { today: TODAY });
    const output = {
      cur: {
        files: [],
        headers: [],
        rows: files
          .filter(f => f.path.startsWith('cur/'))
          .flatMap(f => parseCsv(f.text).rows),
      },
      kubecost: {
        files: [],
        headers: [],
        rows: files
          .filter(f => f.path.startsWith('kubecost/'))
          .flatMap(f => parseCsv(f.text).rows),
      },
    };
    check(output);
    assert.ok(
      output.kubecost.rows.some(
        row => row.pod === '__idle__' && row.capacity_type === 'spot',
      ),
      'Spot idle rows',
    );
  });

  test('writing a new period removes the stale months', () => {
    const dir = join(tmp, 'periods');
    const first = generateCostData(world, { today: '2026-11-22' });
    writeCostFiles(first.files, dir);
    assert.ok(existsSync(join(dir, 'cur', 'cur-2026-10.csv')));
    const second = generateCostData(world, { today: '2026-12-31', days: 20 });
    writeCostFiles(second.files, dir);
    assert.deepEqual(readdirSync(join(dir, 'cur')), ['cur-2026-12.csv']);
    assert.deepEqual(readdirSync(join(dir, 'kubecost')), [
      'allocation-2026-12.csv',
    ]);
  });

  test('the output stays small', () => {
    assert.ok(legacy.cur.rows.length + legacy.kubecost.rows.length < 3000);
  });
});
