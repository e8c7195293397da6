// @ts-check
/**
 * The EMR on EKS uplift: per job run and hour, the requested vCPU-hours and
 * GB-hours of its pods, from pod start to pod end, at the uplift rates. The
 * model covers the whole period; the bill only the days through `curLastDay`.
 */
import { curNumber } from './numbers.mjs';
import { dayOf, overlap } from './time.mjs';

/** EMR on EKS uplift (EC2 compute provider), USD per requested vCPU-hour and GB-hour. */
export const UPLIFT_RATES = Object.freeze({
  'us-east-1': Object.freeze({ vcpuHour: 0.01012, gbHour: 0.00111125 }),
});

/** EMR bills memory per GB (10^9 bytes); pods request GiB. */
export const GB_PER_GIB = 1.073741824;

/**
 * Model usage per job run and day, keyed `<emrJobRunId>\u0000<day>`.
 * @typedef {Map<string, { vcpuHours: number, gbHours: number }>} ModelUplift
 */

/**
 * The uplift rows of the bill and the model uplift of every day.
 * @param {object} input
 * @param {import('./pods.mjs').Job[]} input.jobs
 * @param {import('./world.mjs').World} input.world
 * @param {string} input.prefix the region's usage type prefix.
 * @param {{ vcpuHour: number, gbHour: number }} input.rates
 * @param {string} input.curLastDay
 */
export function upliftLineItems({ jobs, world, prefix, rates, curLastDay }) {
  const { region, accountId } = world;
  /** @type {import('./curLineItems.mjs').CurRow[]} */
  const rows = [];
  /** @type {ModelUplift} */
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
        rows.push({
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
  return { rows, modelUplift };
}
