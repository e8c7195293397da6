// @ts-check
/**
 * Instance-hours: per node and hour, the pods on it, their requests and what
 * no pod requested, priced as AWS's split cost allocation example prices
 * them (a vCPU weighs 9 GB of memory). The CUR's EC2 and split cost rows and
 * Kubecost's pod and idle costs are all made from these.
 */
import { dayOf, overlap } from './time.mjs';

/** Split cost allocation weighs a vCPU 9 times a GB of memory (AWS's example). */
export const CPU_WEIGHT = 9;
export const MEMORY_WEIGHT = 1;

/**
 * @typedef {import('./nodes.mjs').Instance} Instance
 * @typedef {import('./pods.mjs').Pod} Pod
 */

/**
 * @typedef {object} InstanceHour
 * @property {Instance} instance
 * @property {number} slotStart first minute of the hour.
 * @property {string} day its UTC day.
 * @property {number} running fraction of the hour the instance ran.
 * @property {number} price the instance's hourly price that day.
 * @property {number} unit cost of a weighted unit (a GiB-hour; a vCPU-hour is 9).
 * @property {number} unitOnDemand the same at the On-Demand price.
 * @property {Array<{ pod: Pod, share: number }>} pods the pods in the hour,
 *   with the fraction of the hour each ran.
 * @property {number} cpuAllocated requested vCPU-hours.
 * @property {number} memAllocated requested GiB-hours.
 * @property {number} cpuAvailable the instance's vCPU-hours.
 * @property {number} memAvailable the instance's GiB-hours.
 * @property {number} cpuUnused cost of the vCPU no pod requested.
 * @property {number} memUnused cost of the memory no pod requested.
 * @property {number} cpuUnusedOnDemand the same at the On-Demand price.
 * @property {number} memUnusedOnDemand the same at the On-Demand price.
 */

/**
 * Every hour of every instance, instance by instance, hour by hour.
 * @param {Instance[]} instances
 * @param {(instance: Instance, day: string) => number} hourlyPrice
 * @returns {Generator<InstanceHour>}
 */
export function* instanceHours(instances, hourlyPrice) {
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
      yield {
        instance,
        slotStart,
        day,
        running,
        price,
        unit,
        unitOnDemand,
        pods,
        cpuAllocated,
        memAllocated,
        cpuAvailable,
        memAvailable,
        cpuUnused: Math.max(
          0,
          CPU_WEIGHT * unit * (cpuAvailable - cpuAllocated),
        ),
        memUnused: Math.max(
          0,
          MEMORY_WEIGHT * unit * (memAvailable - memAllocated),
        ),
        cpuUnusedOnDemand: Math.max(
          0,
          CPU_WEIGHT * unitOnDemand * (cpuAvailable - cpuAllocated),
        ),
        memUnusedOnDemand: Math.max(
          0,
          MEMORY_WEIGHT * unitOnDemand * (memAvailable - memAllocated),
        ),
      };
    }
  }
}
