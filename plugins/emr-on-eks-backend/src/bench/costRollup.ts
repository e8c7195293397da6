import { DuckDBInstance } from '@duckdb/node-api';
import { costDays } from '@spot-spark/plugin-emr-on-eks-common';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CostIncarnation } from '../domain/costs/incarnations';
import { rollUpCosts } from '../domain/costs/rollup';
import { createDuckDbCurSources } from '../gateways/costs/CurCostSources';
import { createKubecostExportSource } from '../gateways/costs/KubecostExportSource';
import { round } from './stats';

const TENANTS = 200;
const DAYS = costDays('2026-10-01', '2026-10-30');
const vc = (t: number) => `vc${String(t).padStart(23, '0')}`;

/**
 * Writes a synthetic legacy-layout CUR (Parquet) of `rows` rows: half EMR
 * uplift lines of job runs, 40% split cost pod lines, 10% EC2 instance lines,
 * 100 lines a job run, each run on one of 30 days, runs spread over 200
 * tenants; and a Kubecost export of `kubecostRows` pod-days, 20 pods a run. DuckDB writes them, so making the data is not
 * what is measured.
 */
async function writeData(dir: string, rows: number, kubecostRows: number) {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const cur = path.join(dir, 'cur.parquet');
  const kubecost = path.join(dir, 'kubecost.parquet');
  // A job a day per tenant-ish: each job run has 100 CUR lines (hours x
  // usage types x pods) on one day; 20 pods a day in the Kubecost export.
  const job = (per: number) => `(i // ${per})`;
  const day = (per: number) =>
    `(DATE '2026-10-01' + CAST(${job(per)} % 30 AS INTEGER))`;
  const tenant = (per: number) => `((${job(per)} // 30) % ${TENANTS})`;
  const vcId = (per: number) =>
    `'vc' || lpad(CAST(${tenant(per)} AS VARCHAR), 23, '0')`;
  const jobId = (per: number) =>
    `'job' || lpad(CAST(${job(per)} AS VARCHAR), 16, '0')`;
  await connection.run(`COPY (
    SELECT
      CAST(${day(
        100,
      )} AS TIMESTAMP) + INTERVAL 1 HOUR * (i % 24) AS line_item_usage_start_date,
      CASE WHEN i % 10 < 5 THEN 'ElasticMapReduce' ELSE 'AmazonEC2' END AS line_item_product_code,
      CASE WHEN i % 10 < 5 THEN 'StartJobRun' WHEN i % 10 < 9 THEN 'EKSPod-EC2' ELSE 'RunInstances' END AS line_item_operation,
      CASE WHEN i % 10 < 5 THEN 'USE1-EMR-EKS-EC2-vCPUHours'
           WHEN i % 10 < 9 THEN 'USE1-EKS-EC2-vCPU-Hours'
           WHEN i % 2 = 0 THEN 'USE1-SpotUsage:m5.2xlarge' ELSE 'USE1-BoxUsage:m5.2xlarge' END AS line_item_usage_type,
      CASE WHEN i % 10 < 5 THEN 'arn:aws:emr-containers:us-east-1:111122223333:/virtualclusters/' || ${vcId(
        100,
      )} || '/jobruns/' || ${jobId(100)}
           WHEN i % 10 < 9 THEN 'arn:aws:eks:us-east-1:111122223333:pod/shared/emr-team-' || CAST(${tenant(
             100,
           )} AS VARCHAR) || '/pod-' || CAST(i AS VARCHAR) || '/uid'
           ELSE 'i-' || lpad(CAST(i % 500 AS VARCHAR), 17, '0') END AS line_item_resource_id,
      0.01 + (i % 7) * 0.001 AS line_item_unblended_cost,
      0.009 + (i % 7) * 0.001 AS line_item_net_unblended_cost,
      CASE WHEN i % 10 BETWEEN 5 AND 8 THEN 'i-' || lpad(CAST(i % 500 AS VARCHAR), 17, '0') END AS split_line_item_parent_resource_id,
      CASE WHEN i % 10 BETWEEN 5 AND 8 THEN 0.02 END AS split_line_item_split_cost,
      CASE WHEN i % 10 BETWEEN 5 AND 8 THEN 0.001 END AS split_line_item_unused_cost,
      CASE WHEN i % 10 BETWEEN 5 AND 8 THEN 0.06 END AS split_line_item_public_on_demand_split_cost,
      CASE WHEN i % 10 BETWEEN 5 AND 8 THEN 0.003 END AS split_line_item_public_on_demand_unused_cost,
      CASE WHEN i % 10 BETWEEN 5 AND 8 THEN ${jobId(
        100,
      )} END AS resource_tags_user_emr_containers_amazonaws_com_job_id,
      CASE WHEN i % 10 BETWEEN 5 AND 8 THEN ${vcId(
        100,
      )} END AS resource_tags_user_emr_containers_amazonaws_com_virtual_cluster_id
    FROM range(${rows}) t(i)
  ) TO '${cur}' (FORMAT parquet)`);
  await connection.run(`COPY (
    SELECT
      CAST(${day(20)} AS VARCHAR) AS date,
      'emr-team-' || CAST(${tenant(20)} AS VARCHAR) AS namespace,
      'pod-' || CAST(i AS VARCHAR) AS pod,
      ${jobId(20)} AS job_id,
      ${vcId(20)} AS virtual_cluster_id,
      CASE WHEN i % 5 = 0 THEN 'driver' ELSE 'executor' END AS spark_role,
      CASE WHEN i % 5 = 0 THEN 'on-demand' ELSE 'spot' END AS capacity_type,
      0.3 AS cpu_cost, 0.1 AS ram_cost, 0.01 AS pv_cost, 0.0 AS network_cost, 0.41 AS total_cost
    FROM range(${kubecostRows}) t(i)
  ) TO '${kubecost}' (FORMAT parquet)`);
  connection.closeSync();
  instance.closeSync();
  return { cur, kubecost };
}

/** Samples the process's resident memory (DuckDB's native memory included). */
function peakMemory() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20);
    },
  };
}

/**
 * The DuckDB rollup of 30 days as `npm start` configures it: the uplift
 * query over the CUR, the Kubecost export query, and turning their rows into
 * daily rows per tenant and job (what `CostService.refresh` does before it
 * writes); then, apart, the split-cost query (compute `cur-split`).
 */
export async function benchDuckDbRollup(options: {
  curRows: number;
  kubecostRows: number;
}) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cost-bench-'));
  try {
    const files = await writeData(dir, options.curRows, options.kubecostRows);
    const incarnations: CostIncarnation[] = Array.from(
      { length: TENANTS },
      (_, t) => ({
        name: `team-${t}`,
        uid: `uid-${t}`,
        cluster: 'shared',
        virtualClusterIds: [vc(t)],
        namespace: `emr-team-${t}`,
        createdAt: null,
        offboardedAt: null,
        region: 'us-east-1',
      }),
    );
    const memory = peakMemory();
    const started = performance.now();
    const cur = await createDuckDbCurSources({
      curPath: files.cur,
      costColumn: 'unblended',
    });
    const kubecost = await createKubecostExportSource({
      kubecostPath: files.kubecost,
    });
    const range = { from: DAYS[0], to: DAYS[DAYS.length - 1] };
    // As configured by default: uplift from the CUR, compute from Kubecost.
    const [uplift, allocations] = await Promise.all([
      cur.uplift.uplift(range),
      kubecost.compute.compute(range),
    ]);
    const queried = performance.now();
    const result = rollUpCosts({
      days: DAYS,
      completeThrough: uplift.completeThrough,
      uplift: uplift.rows,
      compute: allocations,
      computeSource: 'kubecost',
      incarnations,
      runs: [],
      rates: { 'us-east-1': { vcpuHour: 0.01012, gbHour: 0.00111125 } },
      currency: 'USD',
      now: new Date('2026-10-31T00:00:00Z'),
    });
    const seconds = (performance.now() - started) / 1000;
    const peakMiB = memory.stop();
    // compute: cur-split instead: the split cost query over the same CUR.
    const splitStarted = performance.now();
    const split = await cur.compute.compute(range);
    const splitSeconds = (performance.now() - splitStarted) / 1000;
    await cur.close();
    await kubecost.close();
    return {
      curRows: options.curRows,
      kubecostRows: options.kubecostRows,
      format: 'parquet',
      cores: os.availableParallelism(),
      'rollup seconds': round(seconds),
      'of which queries seconds': round((queried - started) / 1000),
      'peak RSS MiB': peakMiB,
      'uplift rows': uplift.rows.length,
      'cur-split compute query seconds': round(splitSeconds),
      'split compute rows': split.length,
      'kubecost rows out': allocations.length,
      'daily rows written': result.rows.length,
      target: options.curRows >= 10_000_000 ? '< 20 s' : '< 3 s',
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
