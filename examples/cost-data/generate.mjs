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
 * This file composes the steps, each in a module of its own next to it (see
 * README.md for the layout, the model, every column and the rows the plugin
 * ignores). No dependencies beyond Node's standard library.
 */

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { curFiles } from './curFiles.mjs';
import {
  ec2LineItem,
  sortCurRows,
  splitLineItems,
  usageTypePrefix,
} from './curLineItems.mjs';
import { idleRows, unallocatedRows } from './idle.mjs';
import { instanceHours } from './instanceHours.mjs';
import {
  kubecostFiles,
  kubecostPodRows,
  podDayCosts,
  sortKubecostRows,
} from './kubecost.mjs';
import { placePods } from './nodes.mjs';
import { DEFAULT_DAYS, resolveOptions } from './options.mjs';
import { scheduleRuns, systemPods } from './pods.mjs';
import { prettyJson } from './prettyJson.mjs';
import { priceList } from './prices.mjs';
import { summarize } from './summary.mjs';
import { upliftLineItems } from './uplift.mjs';
import { indexWorld, validateWorld } from './world.mjs';
import { writeCostFiles } from './writeCostFiles.mjs';

export { CUR2_COLUMNS, CUR_LEGACY_COLUMNS, TAG_KEYS } from './curFiles.mjs';
export { KUBECOST_COLUMNS } from './kubecost.mjs';
export { INSTANCE_TYPES } from './nodes.mjs';
export {
  DEFAULT_CUR_LAG_DAYS,
  DEFAULT_DAYS,
  DEFAULT_SEED,
} from './options.mjs';
export { prettyJson } from './prettyJson.mjs';
export { GB_PER_GIB, UPLIFT_RATES } from './uplift.mjs';
export { writeCostFiles } from './writeCostFiles.mjs';

/**
 * @typedef {import('./world.mjs').Tenant} Tenant
 * @typedef {import('./world.mjs').PodShape} PodShape
 * @typedef {import('./world.mjs').ExecutorShape} ExecutorShape
 * @typedef {import('./world.mjs').Run} Run
 * @typedef {import('./world.mjs').ForeignVirtualCluster} ForeignVirtualCluster
 * @typedef {import('./world.mjs').World} World
 * @typedef {import('./options.mjs').Output} Output
 * @typedef {import('./options.mjs').Options} Options
 * @typedef {{ path: string, text: string }} GeneratedFile
 */

/**
 * Generates the sample cost data of a world. Pure: same input, same output.
 *
 * @param {World} world
 * @param {Options} options
 * @returns {{ files: GeneratedFile[], summary: Record<string, any> }}
 */
export function generateCostData(world, options) {
  validateWorld(world);
  const { layout, seed, rates, outputs, period } = resolveOptions(
    world,
    options,
  );
  const { tenantsByName, tenantByVc, foreigns } = indexWorld(world);
  const prefix = usageTypePrefix(world.region);

  // Job runs and their pods, each pod on a node.
  const { jobs, skippedRuns } = scheduleRuns({
    world,
    tenantsByName,
    foreigns,
    seed,
    period,
  });
  const instances = placePods({
    jobs,
    systemPods: systemPods(period, seed),
    period,
    seed,
  });

  // Every node's hours, priced: the bill's EC2 and split cost rows through
  // curLastDay, Kubecost's pod, unallocated and idle rows every day.
  const hours = [...instanceHours(instances, priceList(seed))];
  const uplift = upliftLineItems({
    jobs,
    world,
    prefix,
    rates,
    curLastDay: period.curLastDay,
  });
  const curRows = sortCurRows([
    ...hours
      .filter(hour => hour.day <= period.curLastDay)
      .flatMap(hour => [
        ec2LineItem(hour, prefix),
        ...splitLineItems(hour, world, prefix),
      ]),
    ...uplift.rows,
  ]);
  const podDays = podDayCosts(hours);
  const kubecostRows = sortKubecostRows([
    ...kubecostPodRows(podDays, seed),
    ...unallocatedRows(podDays),
    ...idleRows(hours),
  ]);

  /** @type {Array<{ path: string, text: string, rows: number }>} */
  const written = [
    ...(outputs.has('cur') ? curFiles(curRows, layout, world) : []),
    ...(outputs.has('kubecost') ? kubecostFiles(kubecostRows) : []),
  ];
  /** @type {GeneratedFile[]} */
  const files = written.map(({ path, text }) => ({ path, text }));

  // The summary: sums of the very values written.
  const summary = summarize({
    world,
    seed,
    layout,
    period,
    rates,
    jobs,
    curRows,
    kubecostRows,
    modelUplift: uplift.modelUplift,
    instances,
    foreigns,
    tenantByVc,
    skippedRuns,
    fileRows: written.map(({ path, rows }) => ({ path, rows })),
  });
  if (outputs.has('summary')) {
    files.push({ path: 'summary.json', text: prettyJson(summary) });
  }
  return { files, summary };
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
