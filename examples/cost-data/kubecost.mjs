// @ts-check
/**
 * The Kubecost allocation export: one row per pod and UTC day, at the same
 * unit costs as the CUR's split cost (a pod-day's `cpu_cost + ram_cost` is
 * its `split_line_item_split_cost`), plus executors' network and PVC costs;
 * one file per month.
 */
import { monthlyCsvFiles } from './csv.mjs';
import { CPU_WEIGHT, MEMORY_WEIGHT } from './instanceHours.mjs';
import { compare, kubecostNumber, kubecostTotal } from './numbers.mjs';
import { rngFor } from './random.mjs';

/**
 * @typedef {import('./instanceHours.mjs').InstanceHour} InstanceHour
 * @typedef {import('./pods.mjs').Pod} Pod
 * @typedef {import('./pods.mjs').Job} Job
 * @typedef {Record<string, string> & { _order: string }} KubecostRow
 *   a row of the export; `_order` sorts the rows and is not written.
 * @typedef {Map<string, { pod: Pod, day: string, cpu: number, ram: number, hours: number }>} PodDays
 *   cost of each pod's requests per day: cpu, ram, and its hours.
 */

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

/** gp3 storage, USD per GiB-month, and the hours of a month AWS prices by. */
const GP3_GIB_MONTH = 0.08;
const HOURS_PER_MONTH = 730;

/**
 * Sums per pod and day of what its requests cost, system pods included.
 * @param {Iterable<InstanceHour>} hours
 * @returns {PodDays}
 */
export function podDayCosts(hours) {
  /** @type {PodDays} */
  const podDays = new Map();
  for (const { pods, unit, day } of hours) {
    for (const { pod, share } of pods) {
      const cpuUsage = pod.cores * share;
      const memUsage = pod.memoryGiB * share;
      const key = `${pod.uid}\u0000${day}`;
      const sum = podDays.get(key) ?? { pod, day, cpu: 0, ram: 0, hours: 0 };
      sum.cpu += CPU_WEIGHT * unit * cpuUsage;
      sum.ram += MEMORY_WEIGHT * unit * memUsage;
      sum.hours += share;
      podDays.set(key, sum);
    }
  }
  return podDays;
}

/**
 * The rows of the Spark pods (system pods are `__unallocated__`, see idle.mjs).
 * @param {PodDays} podDays
 * @param {string} seed
 * @returns {KubecostRow[]}
 */
export function kubecostPodRows(podDays, seed) {
  /** @type {KubecostRow[]} */
  const rows = [];
  for (const sum of podDays.values()) {
    const { pod, day } = sum;
    if (pod.role === 'system') {
      continue;
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
    rows.push({
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
  return rows;
}

/**
 * The export's order: per day the pods (by namespace and name), then
 * `__unallocated__`, then `__idle__` per capacity type.
 * @param {KubecostRow[]} rows
 */
export function sortKubecostRows(rows) {
  return rows.sort((a, b) => compare(a._order, b._order));
}

/**
 * The export's files, `kubecost/allocation-YYYY-MM.csv`, one per month.
 * @param {KubecostRow[]} rows in the export's order.
 */
export function kubecostFiles(rows) {
  return monthlyCsvFiles(
    rows,
    row => row.date.slice(0, 7),
    KUBECOST_COLUMNS,
    month => `kubecost/allocation-${month}.csv`,
  );
}
