#!/usr/bin/env node
// @ts-check
/**
 * Deterministic sample cost data for the EMR on EKS chargeback (issue 11):
 * a CUR-shaped bill (EMR on EKS uplift, EC2 instance usage and split cost
 * allocation rows per pod) and a Kubecost allocation export, for a "world"
 * of tenants and Spark job runs. Same world and options, same bytes: every
 * random choice comes from a seeded PRNG keyed by what it is for (a run's id,
 * an instance type and day), and `today` is an input, never the clock.
 *
 * Usage:
 *   node examples/cost-data/generate.mjs --world <world.json> --out <dir>
 *     [--today YYYY-MM-DD] [--days 30] [--layout legacy|cur2]
 *     [--only cur,kubecost,summary] [--seed <text>] [--quiet]
 *
 * No dependencies beyond Node's standard library. See README.md next to this
 * file for the model, every column and the rows the plugin ignores.
 */

import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * @typedef {object} Tenant
 * @property {string} name
 * @property {string} namespace Kubernetes namespace of the virtual cluster.
 * @property {string} virtualClusterId
 */

/**
 * @typedef {object} PodShape
 * @property {number} cores vCPU requested by the pod.
 * @property {number} memoryGiB memory requested by the pod, GiB (Kubernetes `Gi`).
 */

/**
 * @typedef {PodShape & { min: number, max: number, volumeGiB?: number }} ExecutorShape
 * `min`/`max`: dynamic allocation bounds (equal for a fixed count);
 * `volumeGiB`: an optional gp3 PVC per executor (Kubecost `pv_cost`).
 */

/**
 * @typedef {object} Run
 * @property {string} tenant a tenant's `name`.
 * @property {string} emrJobRunId the EMR job-run id (19 lowercase alphanumerics).
 * @property {string} [virtualClusterId] default: the tenant's.
 * @property {string} [name] the job-run name.
 * @property {string} [entityRef] the catalog entity the run belongs to.
 * @property {boolean} spot executors on Spot (the driver is always On-Demand).
 * @property {PodShape} driver
 * @property {ExecutorShape} executor
 * @property {string} [day] UTC day the run starts, YYYY-MM-DD; absent: spread.
 * @property {number} [durationMinutes] default: drawn from the seed.
 */

/**
 * @typedef {string | { virtualClusterId: string, namespace?: string }} ForeignVirtualCluster
 */

/**
 * @typedef {object} World
 * @property {string} region
 * @property {string} accountId
 * @property {string} clusterName EKS cluster of the tenants' namespaces.
 * @property {Tenant[]} tenants
 * @property {Run[]} runs
 * @property {ForeignVirtualCluster[]} [foreignVirtualClusters] virtual
 *   clusters on the same EKS cluster that are no tenant of the plugin.
 */

/**
 * @typedef {'cur' | 'kubecost' | 'summary'} Output
 */

/**
 * @typedef {object} Options
 * @property {string} today the day the data is generated on, YYYY-MM-DD.
 * @property {number} [days] days of data, ending with `today`; default 30.
 * @property {'legacy' | 'cur2'} [layout] CUR layout; default `legacy`.
 * @property {string} [seed] default {@link DEFAULT_SEED}.
 * @property {number} [curLagDays] CUR covers through `today - curLagDays`; default 2.
 * @property {{ vcpuHour: number, gbHour: number }} [rates] EMR on EKS uplift
 *   rates; default the region's from {@link UPLIFT_RATES} (us-east-1's otherwise).
 * @property {Output[]} [outputs] files to produce; default all.
 */

/**
 * @typedef {{ path: string, text: string }} GeneratedFile
 */

export const DEFAULT_SEED = 'emr-on-eks-chargeback-sample';
export const DEFAULT_DAYS = 30;
export const DEFAULT_CUR_LAG_DAYS = 2;

/** EMR on EKS uplift (EC2 compute provider), USD per requested vCPU-hour and GB-hour. */
export const UPLIFT_RATES = Object.freeze({
  'us-east-1': Object.freeze({ vcpuHour: 0.01012, gbHour: 0.00111125 }),
});

/** EMR bills memory per GB (10^9 bytes); pods request GiB. */
export const GB_PER_GIB = 1.073741824;

/** gp3 storage, USD per GiB-month, and the hours of a month AWS prices by. */
const GP3_GIB_MONTH = 0.08;
const HOURS_PER_MONTH = 730;

/** Split cost allocation weighs a vCPU 9 times a GB of memory (AWS's example). */
const CPU_WEIGHT = 9;
const MEMORY_WEIGHT = 1;

/**
 * The always-on On-Demand node of cluster add-ons; its spare capacity is
 * Kubecost's `__idle__` every day. Spark pods get nodes of their own.
 */
const SYSTEM_INSTANCE_TYPE = 'm5.large';

/**
 * m5 instances, Linux On-Demand USD per hour in us-east-1; the sample uses
 * these prices in every region.
 * @type {ReadonlyArray<{ type: string, vcpu: number, memoryGiB: number, onDemand: number }>}
 */
export const INSTANCE_TYPES = Object.freeze([
  { type: 'm5.large', vcpu: 2, memoryGiB: 8, onDemand: 0.096 },
  { type: 'm5.xlarge', vcpu: 4, memoryGiB: 16, onDemand: 0.192 },
  { type: 'm5.2xlarge', vcpu: 8, memoryGiB: 32, onDemand: 0.384 },
  { type: 'm5.4xlarge', vcpu: 16, memoryGiB: 64, onDemand: 0.768 },
  { type: 'm5.8xlarge', vcpu: 32, memoryGiB: 128, onDemand: 1.536 },
  { type: 'm5.12xlarge', vcpu: 48, memoryGiB: 192, onDemand: 2.304 },
  { type: 'm5.16xlarge', vcpu: 64, memoryGiB: 256, onDemand: 3.072 },
  { type: 'm5.24xlarge', vcpu: 96, memoryGiB: 384, onDemand: 4.608 },
]);

/** The prefix of a region's usage types (USE1-BoxUsage:m5.xlarge). */
const USAGE_TYPE_PREFIX = Object.freeze({
  'us-east-1': 'USE1',
  'us-east-2': 'USE2',
  'us-west-1': 'USW1',
  'us-west-2': 'USW2',
  'ca-central-1': 'CAN1',
  'eu-west-1': 'EU',
  'eu-west-2': 'EUW2',
  'eu-west-3': 'EUW3',
  'eu-central-1': 'EUC1',
  'eu-north-1': 'EUN1',
  'ap-south-1': 'APS3',
  'ap-southeast-1': 'APS1',
  'ap-southeast-2': 'APS2',
  'ap-northeast-1': 'APN1',
  'ap-northeast-2': 'APN2',
  'sa-east-1': 'SAE1',
});

/** The Kubecost allocation export's header, exactly. */
export const KUBECOST_COLUMNS = Object.freeze([
  'date',
  'namespace',
  'pod',
  'job_id',
  'virtual_cluster_id',
  'spark_role',
  'capacity_type',
  'cpu_cost',
  'ram_cost',
  'pv_cost',
  'network_cost',
  'total_cost',
]);

const CUR_HEAD_COLUMNS = [
  'bill_billing_period_start_date',
  'bill_billing_period_end_date',
  'line_item_usage_account_id',
  'line_item_line_item_type',
  'line_item_usage_start_date',
  'line_item_usage_end_date',
  'line_item_product_code',
  'line_item_operation',
  'line_item_usage_type',
  'line_item_resource_id',
  'line_item_usage_amount',
  'line_item_currency_code',
  'line_item_unblended_rate',
  'line_item_unblended_cost',
  'line_item_net_unblended_cost',
  'pricing_public_on_demand_cost',
  'product_product_family',
];

const CUR_SPLIT_COLUMNS = [
  'split_line_item_parent_resource_id',
  'split_line_item_split_usage',
  'split_line_item_split_usage_ratio',
  'split_line_item_split_cost',
  'split_line_item_unused_cost',
  'split_line_item_public_on_demand_split_cost',
  'split_line_item_public_on_demand_unused_cost',
];

/** Cost allocation tags the sample sets, as CUR names them. */
export const TAG_KEYS = Object.freeze([
  'aws_eks_cluster_name',
  'aws_eks_namespace',
  'user_emr_containers_amazonaws_com_job_id',
  'user_emr_containers_amazonaws_com_virtual_cluster_id',
  'user_spark_role',
]);

/** The legacy CUR's columns (Athena names: flat product and tag columns). */
export const CUR_LEGACY_COLUMNS = Object.freeze([
  ...CUR_HEAD_COLUMNS,
  'product_region',
  'product_instance_type',
  ...TAG_KEYS.map(key => `resource_tags_${key}`),
  ...CUR_SPLIT_COLUMNS,
]);

/** CUR 2.0 (Data Exports): `product` and `resource_tags` are maps, JSON text in CSV. */
export const CUR2_COLUMNS = Object.freeze([
  ...CUR_HEAD_COLUMNS,
  'product_region_code',
  'product_instance_type',
  'product',
  'resource_tags',
  ...CUR_SPLIT_COLUMNS,
]);

const MINUTES_PER_DAY = 1440;
const CUR_SCALE = 1e8; // CUR amounts: 8 decimals
const KUBECOST_SCALE = 1e6; // Kubecost amounts: 6 decimals

// ---------------------------------------------------------------------------
// Seeded randomness

/** FNV-1a, 32 bits. */
function hash32(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: a small, good-enough PRNG; floats in [0, 1). */
function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A PRNG for one purpose: keyed by the seed and what it is for, so a run's
 * draws do not change when other runs are added or reordered.
 * @param {string} seed
 * @param {...(string | number)} key
 */
function rngFor(seed, ...key) {
  return mulberry32(hash32([seed, ...key].join('\u0000')));
}

/** An integer in [low, high]. */
function intIn(rng, low, high) {
  return low + Math.floor(rng() * (high - low + 1));
}

function hexOf(rng, length) {
  let text = '';
  for (let i = 0; i < length; i++) {
    text += Math.floor(rng() * 16).toString(16);
  }
  return text;
}

function alnumOf(rng, length) {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
  let text = '';
  for (let i = 0; i < length; i++) {
    text += alphabet[Math.floor(rng() * alphabet.length)];
  }
  return text;
}

function uuidOf(rng) {
  const hex = hexOf(rng, 32).split('');
  hex[12] = '4';
  hex[16] = '89ab'[Math.floor(rng() * 4)];
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(
    16,
    20,
  )}-${h.slice(20)}`;
}

// ---------------------------------------------------------------------------
// Days and times (minutes since the epoch, UTC)

/** @param {string} day */
function minuteOfDay(day) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) {
    throw new Error(`expected a day as YYYY-MM-DD, got ${JSON.stringify(day)}`);
  }
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) {
    throw new Error(`not a calendar day: ${day}`);
  }
  return ms / 60000;
}

/** @param {number} minute */
function dayOf(minute) {
  return new Date(minute * 60000).toISOString().slice(0, 10);
}

/** @param {number} minute */
function isoOf(minute) {
  return `${new Date(minute * 60000).toISOString().slice(0, 19)}Z`;
}

/** @param {string} day @param {number} delta */
function addDays(day, delta) {
  return dayOf(minuteOfDay(day) + delta * MINUTES_PER_DAY);
}

/** The billing period of a day: first of its month, first of the next. */
function billingPeriodOf(day) {
  const [year, month] = day.split('-').map(Number);
  const next = month === 12 ? [year + 1, 1] : [year, month + 1];
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return {
    start: `${year}-${pad(month)}-01T00:00:00Z`,
    end: `${next[0]}-${pad(next[1])}-01T00:00:00Z`,
  };
}

// ---------------------------------------------------------------------------
// Numbers: rounded once, summed as integers, so sums are exact

/** @param {number} value @param {number} digits */
function fixed(value, digits) {
  const tiny = 0.5 / 10 ** digits;
  return (Math.abs(value) < tiny ? 0 : value).toFixed(digits);
}

/** A CUR amount: 8 decimals, trailing zeros dropped. */
function curNumber(value) {
  return fixed(value, 8).replace(/\.?0+$/, '') || '0';
}

/** A Kubecost amount: always 6 decimals. */
function kubecostNumber(value) {
  return fixed(value, 6);
}

/** @param {string} text @param {number} scale */
function unitsOf(text, scale) {
  return text === '' ? 0 : Math.round(Number(text) * scale);
}

/** @param {number} units @param {number} scale */
function amountOfUnits(units, scale) {
  return Number((units / scale).toFixed(Math.round(Math.log10(scale))));
}

// ---------------------------------------------------------------------------
// CSV

/** @param {string} value */
function csvField(value) {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * @param {readonly string[]} columns
 * @param {Array<Record<string, string>>} rows
 */
function csvText(columns, rows) {
  const lines = [columns.join(',')];
  for (const row of rows) {
    lines.push(columns.map(column => csvField(row[column] ?? '')).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** JSON of a map column: keys sorted, empty values left out. */
function mapJson(map) {
  /** @type {Record<string, string>} */
  const sorted = {};
  for (const key of Object.keys(map).sort()) {
    if (map[key] !== undefined && map[key] !== '') {
      sorted[key] = map[key];
    }
  }
  return JSON.stringify(sorted);
}

/**
 * JSON as Prettier prints it (2 spaces; arrays of scalars on one line when
 * they fit in 80 columns), so a formatted checkout stays byte-identical.
 * @param {unknown} value
 */
export function prettyJson(value) {
  const lines = JSON.stringify(value, null, 2).split('\n');
  /** @type {string[]} */
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/[[]$/.test(line)) {
      let j = i + 1;
      /** @type {string[]} */
      const items = [];
      while (j < lines.length && !/^\s*\],?$/.test(lines[j])) {
        const item = lines[j].trim();
        if (/^[[{]/.test(item) || /[[{]$/.test(item)) {
          break;
        }
        items.push(item.replace(/,$/, ''));
        j++;
      }
      if (j < lines.length && /^\s*\],?$/.test(lines[j]) && items.length > 0) {
        const closing = lines[j].trim();
        const joined = `${line}${items.join(', ')}${closing}`;
        if (joined.length <= 80) {
          out.push(joined);
          i = j;
          continue;
        }
      }
    }
    out.push(line);
  }
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------
// The world

/**
 * @param {World} world
 */
function validateWorld(world) {
  const problems = [];
  if (!world || typeof world !== 'object') {
    throw new Error('the world must be an object');
  }
  for (const key of ['region', 'accountId', 'clusterName']) {
    if (typeof world[key] !== 'string' || !world[key]) {
      problems.push(`${key} must be a non-empty string`);
    }
  }
  if (!Array.isArray(world.tenants) || world.tenants.length === 0) {
    problems.push('tenants must be a non-empty list');
  }
  if (!Array.isArray(world.runs)) {
    problems.push('runs must be a list');
  }
  if (problems.length > 0) {
    throw new Error(`invalid world: ${problems.join('; ')}`);
  }
  const names = new Set();
  for (const tenant of world.tenants) {
    for (const key of ['name', 'namespace', 'virtualClusterId']) {
      if (typeof tenant[key] !== 'string' || !tenant[key]) {
        problems.push(`tenant ${JSON.stringify(tenant)}: ${key} is required`);
      }
    }
    if (names.has(tenant.name)) {
      problems.push(`tenant ${tenant.name} appears twice`);
    }
    names.add(tenant.name);
  }
  const ids = new Set();
  world.runs.forEach((run, index) => {
    const where = `runs[${index}]`;
    if (!names.has(run.tenant)) {
      problems.push(`${where}: unknown tenant ${JSON.stringify(run.tenant)}`);
    }
    if (typeof run.emrJobRunId !== 'string' || !run.emrJobRunId) {
      problems.push(`${where}: emrJobRunId is required`);
    } else if (ids.has(run.emrJobRunId)) {
      problems.push(`${where}: job run ${run.emrJobRunId} appears twice`);
    }
    ids.add(run.emrJobRunId);
    if (typeof run.spot !== 'boolean') {
      problems.push(`${where}: spot must be true or false`);
    }
    for (const role of ['driver', 'executor']) {
      const shape = run[role];
      if (
        !shape ||
        !(shape.cores > 0) ||
        !(shape.memoryGiB > 0) ||
        !Number.isFinite(shape.cores) ||
        !Number.isFinite(shape.memoryGiB)
      ) {
        problems.push(`${where}: ${role} needs positive cores and memoryGiB`);
      }
    }
    const executor = run.executor;
    if (
      executor &&
      !(
        Number.isInteger(executor.min) &&
        Number.isInteger(executor.max) &&
        executor.min >= 0 &&
        executor.max >= Math.max(1, executor.min)
      )
    ) {
      problems.push(
        `${where}: executor.min and executor.max must be integers, 0 <= min <= max, max >= 1`,
      );
    }
    if (run.day !== undefined) {
      try {
        minuteOfDay(run.day);
      } catch (error) {
        problems.push(`${where}: day: ${/** @type {Error} */ (error).message}`);
      }
    }
    if (
      run.durationMinutes !== undefined &&
      !(Number.isInteger(run.durationMinutes) && run.durationMinutes >= 5)
    ) {
      problems.push(`${where}: durationMinutes must be an integer >= 5`);
    }
  });
  if (problems.length > 0) {
    throw new Error(`invalid world: ${problems.join('; ')}`);
  }
}

/** @param {ForeignVirtualCluster} foreign @param {number} index */
function foreignOf(foreign, index) {
  if (typeof foreign === 'string') {
    return {
      virtualClusterId: foreign,
      namespace: index === 0 ? 'emr-sandbox' : `emr-sandbox-${index + 1}`,
    };
  }
  return {
    virtualClusterId: foreign.virtualClusterId,
    namespace:
      foreign.namespace ??
      (index === 0 ? 'emr-sandbox' : `emr-sandbox-${index + 1}`),
  };
}

/** The smallest m5 that holds a pod. */
function instanceTypeFor(cores, memoryGiB) {
  const fit = INSTANCE_TYPES.find(
    type => type.vcpu >= cores && type.memoryGiB >= memoryGiB,
  );
  if (!fit) {
    throw new Error(
      `no instance type holds a pod of ${cores} vCPU and ${memoryGiB} GiB`,
    );
  }
  return fit;
}

/**
 * The day index (0 = first day of the period) of the k-th run without a
 * day: the first three on the last three days (today, today-1, and a run of
 * today-2 that spans midnight into today-1), so the days the bill has not
 * covered have runs; the rest spread evenly over the earlier days.
 */
function spreadDayIndex(k, count, days) {
  const last = days - 1;
  if (k < 3) {
    return Math.max(0, last - k);
  }
  const earlier = Math.max(1, days - 3); // indexes 0 .. days-4
  return Math.min(
    Math.max(0, days - 4),
    Math.floor(((k - 3) * earlier) / Math.max(1, count - 3)),
  );
}

// ---------------------------------------------------------------------------
// The generator

/**
 * Generates the sample cost data of a world. Pure: same input, same output.
 *
 * @param {World} world
 * @param {Options} options
 * @returns {{ files: GeneratedFile[], summary: Record<string, any> }}
 */
export function generateCostData(world, options) {
  validateWorld(world);
  if (!options || typeof options.today !== 'string') {
    throw new Error('options.today (YYYY-MM-DD) is required');
  }
  const today = options.today;
  const todayStart = minuteOfDay(today);
  const days = options.days ?? DEFAULT_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > 366) {
    throw new Error(`days must be an integer from 1 to 366, got ${days}`);
  }
  const layout = options.layout ?? 'legacy';
  if (layout !== 'legacy' && layout !== 'cur2') {
    throw new Error(`layout must be legacy or cur2, got ${layout}`);
  }
  const seed = options.seed ?? DEFAULT_SEED;
  const curLagDays = options.curLagDays ?? DEFAULT_CUR_LAG_DAYS;
  if (!Number.isInteger(curLagDays) || curLagDays < 0) {
    throw new Error(`curLagDays must be an integer >= 0, got ${curLagDays}`);
  }
  const rates =
    options.rates ?? UPLIFT_RATES[world.region] ?? UPLIFT_RATES['us-east-1'];
  const outputs = new Set(options.outputs ?? ['cur', 'kubecost', 'summary']);
  const { region, accountId, clusterName } = world;
  const prefix =
    USAGE_TYPE_PREFIX[region] ?? region.replace(/-/g, '').toUpperCase();

  const from = addDays(today, -(days - 1));
  const periodStart = minuteOfDay(from);
  const periodEnd = todayStart + MINUTES_PER_DAY;
  const curLastDay = addDays(today, -curLagDays);
  /** @type {string[]} */
  const dayList = [];
  for (let i = 0; i < days; i++) {
    dayList.push(addDays(from, i));
  }
  const dayIndexOf = new Map(dayList.map((day, index) => [day, index]));

  const tenantsByName = new Map(world.tenants.map(t => [t.name, t]));
  // A run may name an earlier virtual cluster of its tenant: still the tenant's.
  const tenantByVc = new Map(world.tenants.map(t => [t.virtualClusterId, t]));
  for (const run of world.runs) {
    if (run.virtualClusterId && !tenantByVc.has(run.virtualClusterId)) {
      tenantByVc.set(
        run.virtualClusterId,
        /** @type {Tenant} */ (tenantsByName.get(run.tenant)),
      );
    }
  }
  const foreigns = (world.foreignVirtualClusters ?? []).map(foreignOf);

  // -- Job runs: when they run, and their pods --------------------------------

  /**
   * @typedef {object} Pod
   * @property {string} uid
   * @property {string} name
   * @property {string} namespace
   * @property {'driver' | 'executor' | 'system'} role
   * @property {number} cores
   * @property {number} memoryGiB
   * @property {number} volumeGiB
   * @property {number} start
   * @property {number} end
   * @property {'spot' | 'on-demand'} capacity
   * @property {Job | null} job
   * @property {Instance | null} instance
   */
  /**
   * @typedef {object} Job
   * @property {string} emrJobRunId
   * @property {string} virtualClusterId
   * @property {string} namespace
   * @property {string | null} tenant
   * @property {string | null} entityRef
   * @property {string | null} name
   * @property {boolean} spot
   * @property {number} start
   * @property {number} end
   * @property {Pod[]} pods
   * @property {ExecutorShape} executorShape
   * @property {PodShape} driverShape
   */
  /**
   * @typedef {object} Instance
   * @property {string} id
   * @property {string} type
   * @property {number} vcpu
   * @property {number} memoryGiB
   * @property {number} onDemand
   * @property {'spot' | 'on-demand'} capacity
   * @property {number} start
   * @property {number} end
   * @property {Pod[]} pods
   */

  /** @type {Job[]} */
  const jobs = [];
  /** @type {string[]} */
  const skippedRuns = [];

  /**
   * @param {Run & { namespace: string, virtualClusterId: string, tenantName: string | null }} run
   * @param {number} dayIndex
   * @param {boolean} spansMidnight
   */
  const scheduleJob = (run, dayIndex, spansMidnight) => {
    const rng = rngFor(seed, 'run', run.emrJobRunId);
    const dayStart = periodStart + dayIndex * MINUTES_PER_DAY;
    const isLastDay = dayIndex === days - 1;
    let duration = run.durationMinutes ?? intIn(rng, 35, 150);
    let startInDay;
    if (spansMidnight && !isLastDay) {
      startInDay = 22 * 60 + 30 + intIn(rng, 0, 60);
      duration = Math.max(duration, MINUTES_PER_DAY - startInDay + 15);
    } else {
      const latest = Math.max(0, MINUTES_PER_DAY - duration - 10);
      startInDay = intIn(rng, Math.min(60, latest), Math.min(20 * 60, latest));
    }
    const start = dayStart + startInDay;
    const end = Math.min(start + duration, periodEnd);
    /** @type {Job} */
    const job = {
      emrJobRunId: run.emrJobRunId,
      virtualClusterId: run.virtualClusterId,
      namespace: run.namespace,
      tenant: run.tenantName,
      entityRef: run.entityRef ?? null,
      name: run.name ?? null,
      spot: run.spot,
      start,
      end,
      pods: [],
      executorShape: run.executor,
      driverShape: run.driver,
    };
    const podRng = rngFor(seed, 'pods', run.emrJobRunId);
    /** @type {(role: 'driver' | 'executor', name: string, shape: PodShape, s: number, e: number, volumeGiB: number) => void} */
    const addPod = (role, name, shape, s, e, volumeGiB) => {
      job.pods.push({
        uid: uuidOf(podRng),
        name,
        namespace: run.namespace,
        role,
        cores: shape.cores,
        memoryGiB: shape.memoryGiB,
        volumeGiB,
        start: s,
        end: Math.max(s + 1, e),
        capacity: role === 'executor' && run.spot ? 'spot' : 'on-demand',
        job,
        instance: null,
      });
    };
    addPod(
      'driver',
      `spark-${run.emrJobRunId}-driver`,
      run.driver,
      start,
      end,
      0,
    );
    const { min, max } = run.executor;
    const count = Math.max(1, min === max ? max : intIn(rng, min, max));
    const base = Math.min(count, Math.max(1, min));
    const appId = hexOf(podRng, 16);
    const volume = run.executor.volumeGiB ?? 0;
    const length = end - start;
    for (let i = 1; i <= count; i++) {
      let s;
      let e;
      if (i <= base) {
        s = start + intIn(rng, 1, 3);
        e = end - intIn(rng, 0, 2);
      } else {
        // Dynamic allocation: added while the stages are wide, removed when idle.
        s =
          start +
          intIn(rng, Math.floor(length * 0.15), Math.floor(length * 0.5));
        e = Math.min(
          end - 1,
          s + intIn(rng, 15, Math.max(16, Math.floor(length * 0.6))),
        );
      }
      if (e <= s + 2) {
        e = Math.min(end, s + 5);
      }
      addPod(
        'executor',
        `spark-${run.emrJobRunId}-${appId}-exec-${i}`,
        run.executor,
        s,
        e,
        volume,
      );
    }
    jobs.push(job);
  };

  const undated = world.runs.filter(run => run.day === undefined);
  let k = 0;
  for (const run of world.runs) {
    const tenant = /** @type {Tenant} */ (tenantsByName.get(run.tenant));
    const resolved = {
      ...run,
      namespace: tenant.namespace,
      virtualClusterId: run.virtualClusterId ?? tenant.virtualClusterId,
      tenantName: tenant.name,
    };
    if (run.day !== undefined) {
      const dayIndex = dayIndexOf.get(run.day);
      if (dayIndex === undefined) {
        skippedRuns.push(run.emrJobRunId);
        continue;
      }
      const spans = rngFor(seed, 'spans', run.emrJobRunId)() < 0.25;
      scheduleJob(resolved, dayIndex, spans);
    } else {
      const dayIndex = spreadDayIndex(k, undated.length, days);
      const spans = k === 2 || (k >= 3 && (k - 3) % 4 === 1);
      scheduleJob(resolved, dayIndex, spans);
      k++;
    }
  }

  // Runs of the foreign virtual clusters: a few per month, spread out.
  foreigns.forEach((foreign, f) => {
    const count = Math.max(1, Math.round(days / 8));
    for (let j = 0; j < count; j++) {
      const rng = rngFor(seed, 'foreign', foreign.virtualClusterId, j);
      const dayIndex = Math.min(
        days - 1,
        Math.floor(((j + 0.5) * days) / count),
      );
      scheduleJob(
        {
          tenant: '',
          tenantName: null,
          emrJobRunId: `00000003${alnumOf(rng, 11)}`,
          virtualClusterId: foreign.virtualClusterId,
          namespace: foreign.namespace,
          name: `sandbox-${f + 1}-${j + 1}`,
          spot: true,
          driver: { cores: 1, memoryGiB: 4 },
          executor: { cores: 2, memoryGiB: 8, min: 2, max: 4 },
        },
        dayIndex,
        false,
      );
    }
  });

  // System pods without EMR labels (Kubecost's __unallocated__) some days.
  /** @type {Pod[]} */
  const systemPods = [];
  dayList.forEach((day, index) => {
    if (index % 7 !== 3) {
      return;
    }
    const rng = rngFor(seed, 'system', day);
    const start = minuteOfDay(day) + 3 * 60 + intIn(rng, 0, 30);
    systemPods.push({
      uid: uuidOf(rng),
      name: `image-gc-${day.replace(/-/g, '')}-${alnumOf(rng, 5)}`,
      namespace: 'kube-system',
      role: 'system',
      cores: 0.5,
      memoryGiB: 1,
      volumeGiB: 0,
      start,
      end: start + intIn(rng, 45, 90),
      capacity: 'on-demand',
      job: null,
      instance: null,
    });
  });

  // -- Nodes: an always-on On-Demand system node (cluster add-ons, the system
  //    pods); every Spark pod gets a node of its own, the smallest m5 that
  //    holds it, for the pod's lifetime (Karpenter-like): drivers On-Demand,
  //    executors Spot when the run is. Boot and consolidation delays are
  //    left out, so a node that a pod fills has no idle capacity.

  /** @type {Instance[]} */
  const instances = [];
  /** @param {string} key @param {{ type: string, vcpu: number, memoryGiB: number, onDemand: number }} type @param {'spot' | 'on-demand'} capacity @param {number} start @param {number} end */
  const addInstance = (key, type, capacity, start, end) => {
    /** @type {Instance} */
    const instance = {
      id: `i-0${hexOf(rngFor(seed, 'instance', key), 16)}`,
      type: type.type,
      vcpu: type.vcpu,
      memoryGiB: type.memoryGiB,
      onDemand: type.onDemand,
      capacity,
      start,
      end,
      pods: [],
    };
    instances.push(instance);
    return instance;
  };
  const systemType = /** @type {(typeof INSTANCE_TYPES)[number]} */ (
    INSTANCE_TYPES.find(type => type.type === SYSTEM_INSTANCE_TYPE)
  );
  const systemNode = addInstance(
    'system',
    systemType,
    'on-demand',
    periodStart,
    periodEnd,
  );

  /** Whether a pod fits on an instance next to the pods already there. */
  const fits = (/** @type {Instance} */ instance, /** @type {Pod} */ pod) => {
    const overlapping = instance.pods.filter(
      other => other.start < pod.end && pod.start < other.end,
    );
    const moments = [
      pod.start,
      ...overlapping.map(other => other.start),
    ].filter(moment => moment >= pod.start && moment < pod.end);
    return moments.every(moment => {
      let cores = pod.cores;
      let memory = pod.memoryGiB;
      for (const other of overlapping) {
        if (other.start <= moment && moment < other.end) {
          cores += other.cores;
          memory += other.memoryGiB;
        }
      }
      return (
        cores <= instance.vcpu + 1e-9 && memory <= instance.memoryGiB + 1e-9
      );
    });
  };
  /** @param {Pod} pod @param {Instance} instance */
  const place = (pod, instance) => {
    pod.instance = instance;
    instance.pods.push(pod);
  };
  /** @param {Pod} pod */
  const ownNode = pod =>
    addInstance(
      pod.uid,
      instanceTypeFor(pod.cores, pod.memoryGiB),
      pod.capacity,
      pod.start,
      pod.end,
    );

  const byStart = (/** @type {Pod} */ a, /** @type {Pod} */ b) =>
    a.start - b.start || compare(a.uid, b.uid);
  for (const pod of [...systemPods].sort(byStart)) {
    place(pod, fits(systemNode, pod) ? systemNode : ownNode(pod));
  }
  for (const pod of jobs.flatMap(job => job.pods).sort(byStart)) {
    place(pod, ownNode(pod));
  }

  // -- Prices ------------------------------------------------------------------

  /** @type {Map<string, number>} */
  const spotPrices = new Map();
  /** Spot: 30-35 % of On-Demand, per instance type and day, 4 decimals. */
  const hourlyPrice = (
    /** @type {Instance} */ instance,
    /** @type {string} */ day,
  ) => {
    if (instance.capacity === 'on-demand') {
      return instance.onDemand;
    }
    const key = `${instance.type}\u0000${day}`;
    let price = spotPrices.get(key);
    if (price === undefined) {
      const ratio =
        0.3 + 0.05 * rngFor(seed, 'spot-price', instance.type, day)();
      price = Math.round(instance.onDemand * ratio * 10000) / 10000;
      spotPrices.set(key, price);
    }
    return price;
  };

  // -- Hour by hour: instance lines, split cost per pod, Kubecost sums --------

  /**
   * @typedef {object} CurRow
   * @property {number} start
   * @property {string} productCode
   * @property {string} operation
   * @property {string} usageType
   * @property {string} resourceId
   * @property {string} usageAmount
   * @property {string} rate
   * @property {string} cost
   * @property {string} publicOnDemandCost
   * @property {string} productFamily
   * @property {string} instanceType
   * @property {Record<string, string>} product
   * @property {Record<string, string>} tags
   * @property {string} [parent]
   * @property {string} [splitUsage]
   * @property {string} [splitUsageRatio]
   * @property {string} [splitCost]
   * @property {string} [unusedCost]
   * @property {string} [publicOnDemandSplitCost]
   * @property {string} [publicOnDemandUnusedCost]
   */
  /** @type {CurRow[]} */
  const curRows = [];

  /** Kubecost sums per pod and day: cpu, ram, hours. */
  /** @type {Map<string, { pod: Pod, day: string, cpu: number, ram: number, hours: number }>} */
  const podDays = new Map();
  /** Idle (unallocated node capacity) per day and capacity type. */
  /** @type {Map<string, { day: string, capacity: 'spot' | 'on-demand', cpu: number, ram: number }>} */
  const idle = new Map();

  const overlap = (a0, a1, b0, b1) =>
    Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));

  for (const instance of instances) {
    const firstHour = Math.floor(instance.start / 60);
    const lastHour = Math.ceil(instance.end / 60) - 1;
    for (let hour = firstHour; hour <= lastHour; hour++) {
      const slotStart = hour * 60;
      const slotEnd = slotStart + 60;
      const running =
        overlap(instance.start, instance.end, slotStart, slotEnd) / 60;
      if (running <= 0) {
        continue;
      }
      const day = dayOf(slotStart);
      const billed = day <= curLastDay;
      const price = hourlyPrice(instance, day);
      const unit =
        price /
        (CPU_WEIGHT * instance.vcpu + MEMORY_WEIGHT * instance.memoryGiB);
      const unitOnDemand =
        instance.onDemand /
        (CPU_WEIGHT * instance.vcpu + MEMORY_WEIGHT * instance.memoryGiB);
      const pods = instance.pods
        .map(pod => ({
          pod,
          share: overlap(pod.start, pod.end, slotStart, slotEnd) / 60,
        }))
        .filter(entry => entry.share > 0);
      const cpuAllocated = pods.reduce(
        (sum, e) => sum + e.pod.cores * e.share,
        0,
      );
      const memAllocated = pods.reduce(
        (sum, e) => sum + e.pod.memoryGiB * e.share,
        0,
      );
      const cpuAvailable = instance.vcpu * running;
      const memAvailable = instance.memoryGiB * running;
      const cpuUnused = Math.max(
        0,
        CPU_WEIGHT * unit * (cpuAvailable - cpuAllocated),
      );
      const memUnused = Math.max(
        0,
        MEMORY_WEIGHT * unit * (memAvailable - memAllocated),
      );
      const cpuUnusedOnDemand = Math.max(
        0,
        CPU_WEIGHT * unitOnDemand * (cpuAvailable - cpuAllocated),
      );
      const memUnusedOnDemand = Math.max(
        0,
        MEMORY_WEIGHT * unitOnDemand * (memAvailable - memAllocated),
      );

      // Kubecost: what no pod requested is idle.
      const idleKey = `${day}\u0000${instance.capacity}`;
      const idleSum = idle.get(idleKey) ?? {
        day,
        capacity: instance.capacity,
        cpu: 0,
        ram: 0,
      };
      idleSum.cpu += cpuUnused;
      idleSum.ram += memUnused;
      idle.set(idleKey, idleSum);

      if (billed) {
        const spot = instance.capacity === 'spot';
        curRows.push({
          start: slotStart,
          productCode: 'AmazonEC2',
          operation: spot ? 'RunInstances:SV001' : 'RunInstances',
          usageType: `${prefix}-${spot ? 'SpotUsage' : 'BoxUsage'}:${
            instance.type
          }`,
          resourceId: instance.id,
          usageAmount: curNumber(running),
          rate: String(price),
          cost: curNumber(price * running),
          publicOnDemandCost: curNumber(instance.onDemand * running),
          productFamily: 'Compute Instance',
          instanceType: instance.type,
          product: {
            vcpu: String(instance.vcpu),
            memory: `${instance.memoryGiB} GiB`,
            marketoption: spot ? 'Spot' : 'OnDemand',
          },
          tags: {},
        });
      }

      for (const { pod, share } of pods) {
        const cpuUsage = pod.cores * share;
        const memUsage = pod.memoryGiB * share;
        const cpuSplit = CPU_WEIGHT * unit * cpuUsage;
        const memSplit = MEMORY_WEIGHT * unit * memUsage;
        const key = `${pod.uid}\u0000${day}`;
        const sum = podDays.get(key) ?? { pod, day, cpu: 0, ram: 0, hours: 0 };
        sum.cpu += cpuSplit;
        sum.ram += memSplit;
        sum.hours += share;
        podDays.set(key, sum);
        if (!billed) {
          continue;
        }
        const job = pod.job;
        /** @type {Record<string, string>} */
        const tags = {
          aws_eks_cluster_name: clusterName,
          aws_eks_namespace: pod.namespace,
        };
        if (job) {
          tags.user_emr_containers_amazonaws_com_job_id = job.emrJobRunId;
          tags.user_emr_containers_amazonaws_com_virtual_cluster_id =
            job.virtualClusterId;
          tags.user_spark_role = pod.role;
        }
        const resourceId = `arn:aws:eks:${region}:${accountId}:pod/${clusterName}/${pod.namespace}/${pod.name}/${pod.uid}`;
        const parts = [
          {
            usageType: `${prefix}-EKS-EC2-vCPU-Hours`,
            usage: cpuUsage,
            available: cpuAvailable,
            split: cpuSplit,
            unused:
              cpuAllocated > 0 ? (cpuUnused * cpuUsage) / cpuAllocated : 0,
            splitOnDemand: CPU_WEIGHT * unitOnDemand * cpuUsage,
            unusedOnDemand:
              cpuAllocated > 0
                ? (cpuUnusedOnDemand * cpuUsage) / cpuAllocated
                : 0,
          },
          {
            usageType: `${prefix}-EKS-EC2-GB-Hours`,
            usage: memUsage,
            available: memAvailable,
            split: memSplit,
            unused:
              memAllocated > 0 ? (memUnused * memUsage) / memAllocated : 0,
            splitOnDemand: MEMORY_WEIGHT * unitOnDemand * memUsage,
            unusedOnDemand:
              memAllocated > 0
                ? (memUnusedOnDemand * memUsage) / memAllocated
                : 0,
          },
        ];
        for (const part of parts) {
          curRows.push({
            start: slotStart,
            productCode: 'AmazonEKS',
            operation: 'EKSPod-EC2',
            usageType: part.usageType,
            resourceId,
            usageAmount: curNumber(part.usage),
            rate: '',
            cost: '0',
            publicOnDemandCost: '0',
            productFamily: 'Compute',
            instanceType: '',
            product: {},
            tags,
            parent: instance.id,
            splitUsage: curNumber(part.usage),
            splitUsageRatio: curNumber(part.usage / part.available),
            splitCost: curNumber(part.split),
            unusedCost: curNumber(part.unused),
            publicOnDemandSplitCost: curNumber(part.splitOnDemand),
            publicOnDemandUnusedCost: curNumber(part.unusedOnDemand),
          });
        }
      }
    }
  }

  // -- EMR on EKS uplift: requested vCPU and GB per job run and hour ----------

  /** Model uplift (what the bill says once it covers the day) per job and day. */
  /** @type {Map<string, { vcpuHours: number, gbHours: number }>} */
  const modelUplift = new Map();
  for (const job of jobs) {
    const arn = `arn:aws:emr-containers:${region}:${accountId}:/virtualclusters/${job.virtualClusterId}/jobruns/${job.emrJobRunId}`;
    const firstHour = Math.floor(Math.min(...job.pods.map(p => p.start)) / 60);
    const lastHour = Math.ceil(Math.max(...job.pods.map(p => p.end)) / 60) - 1;
    for (let hour = firstHour; hour <= lastHour; hour++) {
      const slotStart = hour * 60;
      let vcpuHours = 0;
      let gbHours = 0;
      for (const pod of job.pods) {
        const share =
          overlap(pod.start, pod.end, slotStart, slotStart + 60) / 60;
        vcpuHours += pod.cores * share;
        gbHours += pod.memoryGiB * GB_PER_GIB * share;
      }
      if (vcpuHours <= 0) {
        continue;
      }
      const day = dayOf(slotStart);
      const key = `${job.emrJobRunId}\u0000${day}`;
      const model = modelUplift.get(key) ?? { vcpuHours: 0, gbHours: 0 };
      model.vcpuHours += vcpuHours;
      model.gbHours += gbHours;
      modelUplift.set(key, model);
      if (day > curLastDay) {
        continue;
      }
      for (const [usageType, amount, rate] of /** @type {const} */ ([
        [`${prefix}-EMR-EKS-EC2-vCPUHours`, vcpuHours, rates.vcpuHour],
        [`${prefix}-EMR-EKS-EC2-GBHours`, gbHours, rates.gbHour],
      ])) {
        const cost = curNumber(amount * rate);
        curRows.push({
          start: slotStart,
          productCode: 'ElasticMapReduce',
          operation: 'StartJobRun',
          usageType,
          resourceId: arn,
          usageAmount: curNumber(amount),
          rate: String(rate),
          cost,
          publicOnDemandCost: cost,
          productFamily: 'EMR Containers',
          instanceType: '',
          product: { computeprovider: 'EC2' },
          tags: {},
        });
      }
    }
  }

  // -- Files -------------------------------------------------------------------

  curRows.sort(
    (a, b) =>
      a.start - b.start ||
      compare(a.productCode, b.productCode) ||
      compare(a.resourceId, b.resourceId) ||
      compare(a.usageType, b.usageType),
  );

  /** @type {GeneratedFile[]} */
  const files = [];
  /** @type {Array<{ path: string, rows: number }>} */
  const fileRows = [];

  const curColumns = layout === 'legacy' ? CUR_LEGACY_COLUMNS : CUR2_COLUMNS;
  /** @type {Map<string, Array<Record<string, string>>>} */
  const curByMonth = new Map();
  for (const row of curRows) {
    const start = isoOf(row.start);
    const period = billingPeriodOf(start.slice(0, 10));
    /** @type {Record<string, string>} */
    const out = {
      bill_billing_period_start_date: period.start,
      bill_billing_period_end_date: period.end,
      line_item_usage_account_id: accountId,
      line_item_line_item_type: 'Usage',
      line_item_usage_start_date: start,
      line_item_usage_end_date: isoOf(row.start + 60),
      line_item_product_code: row.productCode,
      line_item_operation: row.operation,
      line_item_usage_type: row.usageType,
      line_item_resource_id: row.resourceId,
      line_item_usage_amount: row.usageAmount,
      line_item_currency_code: 'USD',
      line_item_unblended_rate: row.rate,
      line_item_unblended_cost: row.cost,
      line_item_net_unblended_cost: row.cost,
      pricing_public_on_demand_cost: row.publicOnDemandCost,
      product_product_family: row.productFamily,
      product_instance_type: row.instanceType,
      split_line_item_parent_resource_id: row.parent ?? '',
      split_line_item_split_usage: row.splitUsage ?? '',
      split_line_item_split_usage_ratio: row.splitUsageRatio ?? '',
      split_line_item_split_cost: row.splitCost ?? '',
      split_line_item_unused_cost: row.unusedCost ?? '',
      split_line_item_public_on_demand_split_cost:
        row.publicOnDemandSplitCost ?? '',
      split_line_item_public_on_demand_unused_cost:
        row.publicOnDemandUnusedCost ?? '',
    };
    if (layout === 'legacy') {
      out.product_region = region;
      for (const key of TAG_KEYS) {
        out[`resource_tags_${key}`] = row.tags[key] ?? '';
      }
    } else {
      out.product_region_code = region;
      out.product = mapJson(row.product);
      out.resource_tags = mapJson(row.tags);
    }
    const month = start.slice(0, 7);
    const list = curByMonth.get(month) ?? [];
    list.push(out);
    curByMonth.set(month, list);
  }
  if (outputs.has('cur')) {
    for (const month of [...curByMonth.keys()].sort()) {
      const rows = /** @type {Array<Record<string, string>>} */ (
        curByMonth.get(month)
      );
      const path = `cur/cur-${month}.csv`;
      files.push({ path, text: csvText(curColumns, rows) });
      fileRows.push({ path, rows: rows.length });
    }
  }

  // Kubecost: one row per pod and day, then unallocated and idle per day.
  /** @type {Array<Record<string, string> & { _order: string }>} */
  const kubecostRows = [];
  for (const sum of podDays.values()) {
    const { pod, day } = sum;
    if (pod.role === 'system') {
      continue; // reported as __unallocated__ below
    }
    const job = /** @type {Job} */ (pod.job);
    const cpu = kubecostNumber(sum.cpu);
    const ram = kubecostNumber(sum.ram);
    const pv = kubecostNumber(
      (pod.volumeGiB * GP3_GIB_MONTH * sum.hours) / HOURS_PER_MONTH,
    );
    const network = kubecostNumber(
      pod.role === 'executor'
        ? sum.hours * (0.001 + 0.004 * rngFor(seed, 'network', pod.uid, day)())
        : 0,
    );
    kubecostRows.push({
      _order: `${day}\u00000\u0000${pod.namespace}\u0000${pod.name}`,
      date: day,
      namespace: pod.namespace,
      pod: pod.name,
      job_id: job.emrJobRunId,
      virtual_cluster_id: job.virtualClusterId,
      spark_role: pod.role,
      capacity_type: pod.instance?.capacity ?? pod.capacity,
      cpu_cost: cpu,
      ram_cost: ram,
      pv_cost: pv,
      network_cost: network,
      total_cost: kubecostTotal(cpu, ram, pv, network),
    });
  }
  /** @type {Map<string, { day: string, cpu: number, ram: number }>} */
  const unallocated = new Map();
  for (const sum of podDays.values()) {
    if (sum.pod.role !== 'system') {
      continue;
    }
    const entry = unallocated.get(sum.day) ?? { day: sum.day, cpu: 0, ram: 0 };
    entry.cpu += sum.cpu;
    entry.ram += sum.ram;
    unallocated.set(sum.day, entry);
  }
  for (const entry of unallocated.values()) {
    const cpu = kubecostNumber(entry.cpu);
    const ram = kubecostNumber(entry.ram);
    kubecostRows.push({
      _order: `${entry.day}\u00001\u0000`,
      date: entry.day,
      namespace: 'kube-system',
      pod: '__unallocated__',
      job_id: '',
      virtual_cluster_id: '',
      spark_role: '',
      capacity_type: 'on-demand',
      cpu_cost: cpu,
      ram_cost: ram,
      pv_cost: kubecostNumber(0),
      network_cost: kubecostNumber(0),
      total_cost: kubecostTotal(cpu, ram, '0', '0'),
    });
  }
  for (const entry of idle.values()) {
    const cpu = kubecostNumber(entry.cpu);
    const ram = kubecostNumber(entry.ram);
    if (unitsOf(cpu, KUBECOST_SCALE) + unitsOf(ram, KUBECOST_SCALE) === 0) {
      continue;
    }
    kubecostRows.push({
      _order: `${entry.day}\u00002\u0000${entry.capacity}`,
      date: entry.day,
      namespace: '',
      pod: '__idle__',
      job_id: '',
      virtual_cluster_id: '',
      spark_role: '',
      capacity_type: entry.capacity,
      cpu_cost: cpu,
      ram_cost: ram,
      pv_cost: kubecostNumber(0),
      network_cost: kubecostNumber(0),
      total_cost: kubecostTotal(cpu, ram, '0', '0'),
    });
  }
  kubecostRows.sort((a, b) => compare(a._order, b._order));
  if (outputs.has('kubecost')) {
    /** @type {Map<string, Array<Record<string, string>>>} */
    const byMonth = new Map();
    for (const row of kubecostRows) {
      const month = row.date.slice(0, 7);
      const list = byMonth.get(month) ?? [];
      list.push(row);
      byMonth.set(month, list);
    }
    for (const month of [...byMonth.keys()].sort()) {
      const rows = /** @type {Array<Record<string, string>>} */ (
        byMonth.get(month)
      );
      const path = `kubecost/allocation-${month}.csv`;
      files.push({ path, text: csvText(KUBECOST_COLUMNS, rows) });
      fileRows.push({ path, rows: rows.length });
    }
  }

  // -- Summary: sums of the very values written ----------------------------------

  const summary = summarize({
    world,
    seed,
    layout,
    today,
    from,
    days,
    curLastDay,
    rates,
    jobs,
    curRows,
    kubecostRows,
    modelUplift,
    instances,
    foreigns,
    tenantByVc,
    skippedRuns,
    fileRows,
  });
  if (outputs.has('summary')) {
    files.push({ path: 'summary.json', text: prettyJson(summary) });
  }
  return { files, summary };
}

/** @param {string} a @param {string} b */
function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** @param {...string} parts */
function kubecostTotal(...parts) {
  const units = parts.reduce(
    (sum, part) => sum + unitsOf(part, KUBECOST_SCALE),
    0,
  );
  return kubecostNumber(units / KUBECOST_SCALE);
}

/**
 * Sums of integer units, per key.
 */
class Sums {
  /** @param {number} scale */
  constructor(scale) {
    this.scale = scale;
    /** @type {Map<string, number>} */
    this.units = new Map();
  }

  /** @param {string} key @param {string} value */
  add(key, value) {
    this.units.set(
      key,
      (this.units.get(key) ?? 0) + unitsOf(value, this.scale),
    );
  }

  /** @param {string} key */
  get(key) {
    return amountOfUnits(this.units.get(key) ?? 0, this.scale);
  }
}

/**
 * The summary: totals per tenant, entity, job and source, computed from the
 * rounded values in the files, so a test summing the CSV gets them exactly.
 * @param {any} input
 */
function summarize(input) {
  const {
    world,
    seed,
    layout,
    today,
    from,
    days,
    curLastDay,
    rates,
    jobs,
    curRows,
    kubecostRows,
    modelUplift,
    instances,
    foreigns,
    tenantByVc,
    skippedRuns,
    fileRows,
  } = input;
  /** @type {Map<string, 'spot' | 'on-demand'>} */
  const capacityOf = new Map(instances.map(i => [i.id, i.capacity]));
  /** @type {Map<string, any>} */
  const jobById = new Map(jobs.map(job => [job.emrJobRunId, job]));
  const cur = new Sums(CUR_SCALE);
  const kc = new Sums(KUBECOST_SCALE);
  const arn =
    /^arn:aws[a-z-]*:emr-containers:[a-z0-9-]+:\d{12}:\/virtualclusters\/([0-9a-z]+)\/jobruns\/([0-9a-z]+)$/;
  /** @type {Set<string>} */
  const curDays = new Set();

  for (const row of curRows) {
    const day = isoOf(row.start).slice(0, 10);
    curDays.add(day);
    if (row.productCode === 'ElasticMapReduce') {
      const match = arn.exec(row.resourceId);
      if (!match) {
        continue;
      }
      const [, vc, jobId] = match;
      const owner = tenantByVc.get(vc)?.name ?? `foreign:${vc}`;
      cur.add(`uplift|${owner}`, row.cost);
      cur.add(`uplift|${owner}|${day}`, row.cost);
      cur.add(`uplift-job|${jobId}`, row.cost);
      const ref = jobById.get(jobId)?.entityRef;
      if (ref) {
        cur.add(`uplift-entity|${ref}`, row.cost);
      }
    } else if (row.operation === 'EKSPod-EC2') {
      const vc = row.tags.user_emr_containers_amazonaws_com_virtual_cluster_id;
      const jobId = row.tags.user_emr_containers_amazonaws_com_job_id;
      const capacity = capacityOf.get(row.parent) ?? 'unknown';
      const owner = vc
        ? tenantByVc.get(vc)?.name ?? `foreign:${vc}`
        : `namespace:${row.tags.aws_eks_namespace}`;
      for (const value of [row.splitCost, row.unusedCost]) {
        cur.add(`compute|${owner}`, value);
        cur.add(`compute|${owner}|${capacity}`, value);
        cur.add(`compute|${owner}|${day}`, value);
        cur.add(`compute|${owner}|${day}|${capacity}`, value);
        cur.add('split-total', value);
        if (jobId) {
          cur.add(`compute-job|${jobId}`, value);
          const ref = jobById.get(jobId)?.entityRef;
          if (ref) {
            cur.add(`compute-entity|${ref}`, value);
          }
        }
      }
      for (const value of [
        row.publicOnDemandSplitCost,
        row.publicOnDemandUnusedCost,
      ]) {
        cur.add(`od|${owner}`, value);
        cur.add(`od|${owner}|${capacity}`, value);
      }
    } else if (row.productCode === 'AmazonEC2') {
      const capacity = capacityOf.get(row.resourceId) ?? 'unknown';
      cur.add('ec2', row.cost);
      cur.add(`ec2|${capacity}`, row.cost);
    }
  }

  for (const row of kubecostRows) {
    const compute = amountOfUnits(
      unitsOf(row.total_cost, KUBECOST_SCALE) -
        unitsOf(row.pv_cost, KUBECOST_SCALE),
      KUBECOST_SCALE,
    );
    const computeText = kubecostNumber(compute);
    if (row.pod === '__idle__') {
      kc.add('idle', row.total_cost);
      kc.add(`idle|${row.capacity_type}`, row.total_cost);
      continue;
    }
    if (row.pod === '__unallocated__') {
      kc.add('unallocated', row.total_cost);
      continue;
    }
    const owner =
      tenantByVc.get(row.virtual_cluster_id)?.name ??
      `foreign:${row.virtual_cluster_id}`;
    kc.add(`compute|${owner}`, computeText);
    kc.add(`compute|${owner}|${row.capacity_type}`, computeText);
    kc.add(`compute|${owner}|${row.date}`, computeText);
    kc.add(`compute|${owner}|${row.date}|${row.capacity_type}`, computeText);
    kc.add(`storage|${owner}`, row.pv_cost);
    kc.add(`storage|${owner}|${row.date}`, row.pv_cost);
    kc.add(`total|${owner}`, row.total_cost);
    kc.add(`compute-job|${row.job_id}`, computeText);
    kc.add(`storage-job|${row.job_id}`, row.pv_cost);
    const ref = jobById.get(row.job_id)?.entityRef;
    if (ref) {
      kc.add(`compute-entity|${ref}`, computeText);
      kc.add(`storage-entity|${ref}`, row.pv_cost);
    }
  }

  // The model's uplift (full period, billed or not), at full precision.
  /** @type {Map<string, number>} */
  const model = new Map();
  const addModel = (/** @type {string} */ key, /** @type {number} */ value) =>
    model.set(key, (model.get(key) ?? 0) + value);
  for (const [key, usage] of modelUplift) {
    const [jobId, day] = key.split('\u0000');
    const job = jobById.get(jobId);
    const owner = job.tenant ?? `foreign:${job.virtualClusterId}`;
    const uplift =
      usage.vcpuHours * rates.vcpuHour + usage.gbHours * rates.gbHour;
    addModel(`uplift|${owner}`, uplift);
    addModel(`uplift|${owner}|${day}`, uplift);
    addModel(`vcpu|${owner}`, usage.vcpuHours);
    addModel(`gb|${owner}`, usage.gbHours);
    addModel(`uplift-job|${jobId}`, uplift);
    addModel(`vcpu-job|${jobId}`, usage.vcpuHours);
    addModel(`gb-job|${jobId}`, usage.gbHours);
    addModel(`days-job|${jobId}|${day}`, 1);
    if (job.entityRef) {
      addModel(`uplift-entity|${job.entityRef}`, uplift);
    }
  }
  const m = (/** @type {string} */ key) =>
    Number((model.get(key) ?? 0).toFixed(8));

  const dayList = [];
  for (let i = 0; i < days; i++) {
    dayList.push(addDays(from, i));
  }

  /** @type {Record<string, any>} */
  const tenants = {};
  for (const tenant of world.tenants) {
    const t = tenant.name;
    const spot = cur.get(`compute|${t}|spot`);
    const spotOnDemand = cur.get(`od|${t}|spot`);
    /** @type {Record<string, any>} */
    const perDay = {};
    for (const day of dayList) {
      const entry = {
        curUplift: cur.get(`uplift|${t}|${day}`),
        curCompute: cur.get(`compute|${t}|${day}`),
        curComputeSpot: cur.get(`compute|${t}|${day}|spot`),
        curComputeOnDemand: cur.get(`compute|${t}|${day}|on-demand`),
        kubecostCompute: kc.get(`compute|${t}|${day}`),
        kubecostComputeSpot: kc.get(`compute|${t}|${day}|spot`),
        kubecostComputeOnDemand: kc.get(`compute|${t}|${day}|on-demand`),
        kubecostStorage: kc.get(`storage|${t}|${day}`),
        modelUplift: m(`uplift|${t}|${day}`),
      };
      if (Object.values(entry).some(value => value !== 0)) {
        perDay[day] = entry;
      }
    }
    tenants[t] = {
      namespace: tenant.namespace,
      virtualClusterId: tenant.virtualClusterId,
      cur: {
        uplift: cur.get(`uplift|${t}`),
        compute: cur.get(`compute|${t}`),
        computeSpot: spot,
        computeOnDemand: cur.get(`compute|${t}|on-demand`),
        publicOnDemand: cur.get(`od|${t}`),
        spotSavings: Number((spotOnDemand - spot).toFixed(8)),
      },
      kubecost: {
        compute: kc.get(`compute|${t}`),
        computeSpot: kc.get(`compute|${t}|spot`),
        computeOnDemand: kc.get(`compute|${t}|on-demand`),
        storage: kc.get(`storage|${t}`),
        total: kc.get(`total|${t}`),
      },
      model: {
        uplift: m(`uplift|${t}`),
        vcpuHours: m(`vcpu|${t}`),
        gbHours: m(`gb|${t}`),
      },
      days: perDay,
    };
  }

  /** @type {Record<string, any>} */
  const entities = {};
  for (const job of jobs) {
    if (!job.entityRef || !job.tenant || entities[job.entityRef]) {
      continue;
    }
    const ref = job.entityRef;
    entities[ref] = {
      tenant: job.tenant,
      curUplift: cur.get(`uplift-entity|${ref}`),
      curCompute: cur.get(`compute-entity|${ref}`),
      kubecostCompute: kc.get(`compute-entity|${ref}`),
      kubecostStorage: kc.get(`storage-entity|${ref}`),
      modelUplift: m(`uplift-entity|${ref}`),
    };
  }

  const jobSummaries = jobs
    .filter(job => job.tenant)
    .map(job => ({
      emrJobRunId: job.emrJobRunId,
      tenant: job.tenant,
      virtualClusterId: job.virtualClusterId,
      entityRef: job.entityRef,
      name: job.name,
      spot: job.spot,
      start: isoOf(job.start),
      end: isoOf(job.end),
      executors: job.pods.filter(pod => pod.role === 'executor').length,
      days: dayList.filter(day =>
        model.has(`days-job|${job.emrJobRunId}|${day}`),
      ),
      vcpuHours: m(`vcpu-job|${job.emrJobRunId}`),
      gbHours: m(`gb-job|${job.emrJobRunId}`),
      modelUplift: m(`uplift-job|${job.emrJobRunId}`),
      curUplift: cur.get(`uplift-job|${job.emrJobRunId}`),
      curCompute: cur.get(`compute-job|${job.emrJobRunId}`),
      kubecostCompute: kc.get(`compute-job|${job.emrJobRunId}`),
      kubecostStorage: kc.get(`storage-job|${job.emrJobRunId}`),
    }));

  /** @type {Record<string, any>} */
  const foreign = {};
  for (const f of foreigns) {
    const key = `foreign:${f.virtualClusterId}`;
    foreign[f.virtualClusterId] = {
      namespace: f.namespace,
      runs: jobs.filter(job => job.virtualClusterId === f.virtualClusterId)
        .length,
      cur: {
        uplift: cur.get(`uplift|${key}`),
        compute: cur.get(`compute|${key}`),
      },
      kubecost: {
        compute: kc.get(`compute|${key}`),
        storage: kc.get(`storage|${key}`),
      },
    };
  }

  const unallocatedDays = kubecostRows
    .filter(row => row.pod === '__unallocated__')
    .map(row => row.date);

  return {
    generator: 'examples/cost-data/generate.mjs',
    seed,
    layout,
    region: world.region,
    accountId: world.accountId,
    clusterName: world.clusterName,
    currency: 'USD',
    today,
    from,
    to: today,
    days,
    curLastDay,
    curDays: curDays.size,
    kubecostLastDay: today,
    rates: { vcpuHour: rates.vcpuHour, gbHour: rates.gbHour },
    files: fileRows,
    tenants,
    entities,
    jobs: jobSummaries,
    foreign,
    kubecost: {
      rows: kubecostRows.length,
      idle: {
        total: kc.get('idle'),
        spot: kc.get('idle|spot'),
        onDemand: kc.get('idle|on-demand'),
      },
      unallocated: { total: kc.get('unallocated'), days: unallocatedDays },
    },
    cur: {
      rows: curRows.length,
      ec2: {
        total: cur.get('ec2'),
        spot: cur.get('ec2|spot'),
        onDemand: cur.get('ec2|on-demand'),
      },
      splitTotal: cur.get('split-total'),
      otherNamespaces: {
        'kube-system': cur.get('compute|namespace:kube-system'),
      },
    },
    skippedRuns,
  };
}

// ---------------------------------------------------------------------------
// Files on disk

/**
 * Writes generated files under `outDir`, first removing CSV files of ours
 * (cur/cur-YYYY-MM.csv, kubecost/allocation-YYYY-MM.csv) the new set lacks,
 * so a glob over the directory never mixes in stale months.
 * @param {GeneratedFile[]} files
 * @param {string} outDir
 */
export function writeCostFiles(files, outDir) {
  const keep = new Set(files.map(file => resolve(outDir, file.path)));
  for (const [dir, pattern] of /** @type {const} */ ([
    ['cur', /^cur-\d{4}-\d{2}\.csv$/],
    ['kubecost', /^allocation-\d{4}-\d{2}\.csv$/],
  ])) {
    const path = join(outDir, dir);
    if (!existsSync(path)) {
      continue;
    }
    for (const name of readdirSync(path)) {
      const file = resolve(path, name);
      if (pattern.test(name) && !keep.has(file)) {
        rmSync(file);
      }
    }
  }
  for (const file of files) {
    const path = resolve(outDir, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.text);
  }
}

// ---------------------------------------------------------------------------
// CLI

const USAGE = `Usage: node examples/cost-data/generate.mjs --world <world.json> --out <dir>
  [--today YYYY-MM-DD] [--days ${DEFAULT_DAYS}] [--layout legacy|cur2]
  [--only cur,kubecost,summary] [--seed <text>] [--quiet]

Writes <out>/cur/cur-YYYY-MM.csv, <out>/kubecost/allocation-YYYY-MM.csv and
<out>/summary.json, and prints the summary (JSON) on stdout.`;

/** @param {string[]} argv */
export function main(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      world: { type: 'string' },
      out: { type: 'string' },
      today: { type: 'string' },
      days: { type: 'string' },
      layout: { type: 'string' },
      only: { type: 'string' },
      seed: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.world || !values.out) {
    process.stderr.write(`--world and --out are required\n\n${USAGE}\n`);
    return 2;
  }
  if (values.days !== undefined && !/^\d+$/.test(values.days)) {
    process.stderr.write(`--days must be a positive integer\n`);
    return 2;
  }
  const outputs = values.only
    ? values.only.split(',').map(part => part.trim())
    : undefined;
  if (
    outputs &&
    !outputs.every(o => ['cur', 'kubecost', 'summary'].includes(o))
  ) {
    process.stderr.write(
      `--only takes cur, kubecost and summary, comma-separated\n`,
    );
    return 2;
  }
  const world = JSON.parse(readFileSync(values.world, 'utf8'));
  const { files, summary } = generateCostData(world, {
    today: values.today ?? new Date().toISOString().slice(0, 10),
    days: values.days === undefined ? undefined : Number(values.days),
    layout: /** @type {'legacy' | 'cur2' | undefined} */ (values.layout),
    seed: values.seed,
    outputs: /** @type {Output[] | undefined} */ (outputs),
  });
  writeCostFiles(files, values.out);
  if (!values.quiet) {
    process.stdout.write(prettyJson(summary));
  }
  process.stderr.write(
    `wrote ${files.length} files to ${values.out} (CUR through ${summary.curLastDay}, Kubecost through ${summary.kubecostLastDay})\n`,
  );
  return 0;
}

if (
  process.argv[1] &&
  resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${/** @type {Error} */ (error).message}\n`);
    process.exitCode = 1;
  }
}
