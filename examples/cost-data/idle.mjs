// @ts-check
/**
 * Capacity no tenant pays for, as Kubecost reports it: `__idle__` (what no
 * pod requested, per day and capacity type; Kubecost does not share idle by
 * default, where the CUR adds it to the pods as unused cost) and
 * `__unallocated__` (pods without EMR labels, per day).
 */
import {
  KUBECOST_SCALE,
  kubecostNumber,
  kubecostTotal,
  unitsOf,
} from './numbers.mjs';

/**
 * @typedef {import('./kubecost.mjs').KubecostRow} KubecostRow
 * @typedef {import('./kubecost.mjs').PodDays} PodDays
 */

/**
 * @param {string} date
 * @param {string} order
 * @param {Record<string, string>} fields
 * @param {string} cpu
 * @param {string} ram
 * @returns {KubecostRow}
 */
function capacityRow(date, order, fields, cpu, ram) {
  return {
    _order: `${date}\u0000${order}`,
    date,
    namespace: fields.namespace,
    pod: fields.pod,
    job_id: '',
    virtual_cluster_id: '',
    spark_role: '',
    capacity_type: fields.capacity_type,
    cpu_cost: cpu,
    ram_cost: ram,
    pv_cost: kubecostNumber(0),
    network_cost: kubecostNumber(0),
    total_cost: kubecostTotal(cpu, ram, '0', '0'),
  };
}

/**
 * One `__unallocated__` row per day with system pods.
 * @param {PodDays} podDays
 * @returns {KubecostRow[]}
 */
export function unallocatedRows(podDays) {
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
  return [...unallocated.values()].map(entry =>
    capacityRow(
      entry.day,
      '1\u0000',
      {
        namespace: 'kube-system',
        pod: '__unallocated__',
        capacity_type: 'on-demand',
      },
      kubecostNumber(entry.cpu),
      kubecostNumber(entry.ram),
    ),
  );
}

/**
 * One `__idle__` row per day and capacity type with idle capacity.
 * @param {Iterable<import('./instanceHours.mjs').InstanceHour>} hours
 * @returns {KubecostRow[]}
 */
export function idleRows(hours) {
  /** @type {Map<string, { day: string, capacity: 'spot' | 'on-demand', cpu: number, ram: number }>} */
  const idle = new Map();
  for (const { day, instance, cpuUnused, memUnused } of hours) {
    const key = `${day}\u0000${instance.capacity}`;
    const sum = idle.get(key) ?? {
      day,
      capacity: instance.capacity,
      cpu: 0,
      ram: 0,
    };
    sum.cpu += cpuUnused;
    sum.ram += memUnused;
    idle.set(key, sum);
  }
  /** @type {KubecostRow[]} */
  const rows = [];
  for (const entry of idle.values()) {
    const cpu = kubecostNumber(entry.cpu);
    const ram = kubecostNumber(entry.ram);
    if (unitsOf(cpu, KUBECOST_SCALE) + unitsOf(ram, KUBECOST_SCALE) === 0) {
      continue;
    }
    rows.push(
      capacityRow(
        entry.day,
        `2\u0000${entry.capacity}`,
        { namespace: '', pod: '__idle__', capacity_type: entry.capacity },
        cpu,
        ram,
      ),
    );
  }
  return rows;
}
