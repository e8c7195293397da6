import type { RequestedResources } from '@spot-spark/plugin-emr-on-eks-common';

/** EMR on EKS uplift rates of a region, per requested vCPU-hour and GB-hour. */
export interface UpliftRate {
  vcpuHour: number;
  gbHour: number;
}

/** An estimated amount, with the range it may fall in. */
export interface Estimate {
  amount: number;
  low: number;
  high: number;
}

const MS_PER_HOUR = 3_600_000;
/** EMR bills memory per GB (10^9 bytes); Spark requests are in MiB. */
const GB_PER_MIB = 1_048_576 / 1e9;

/** Milliseconds of [start, end) that fall on the UTC day `day`. */
export function overlapOnDay(day: string, start: Date, end: Date): number {
  const dayStart = Date.parse(`${day}T00:00:00Z`);
  const dayEnd = dayStart + 86_400_000;
  return Math.max(
    0,
    Math.min(end.getTime(), dayEnd) - Math.max(start.getTime(), dayStart),
  );
}

/**
 * The uplift of requested vCPU-hours and GB-hours at a region's rate: what
 * the bill will say, when the requests are exact (Kubecost, OpenCost).
 */
export function upliftOfRequests(
  requests: { vcpuHours: number; gbHours: number },
  rate: UpliftRate,
): number {
  return requests.vcpuHours * rate.vcpuHour + requests.gbHours * rate.gbHour;
}

/**
 * The uplift of a run's pods over `ms` milliseconds, from what the run asked
 * for: the driver plus between `minExecutors` and `maxExecutors` executors
 * (dynamic allocation decides which), so a low-high range, and its middle.
 */
export function upliftOfRun(
  requested: RequestedResources,
  ms: number,
  rate: UpliftRate,
): Estimate {
  const hours = ms / MS_PER_HOUR;
  const withExecutors = (executors: number) =>
    upliftOfRequests(
      {
        vcpuHours:
          (requested.driver.cores + executors * requested.executor.cores) *
          hours,
        gbHours:
          (requested.driver.memoryMiB +
            executors * requested.executor.memoryMiB) *
          GB_PER_MIB *
          hours,
      },
      rate,
    );
  const low = withExecutors(requested.minExecutors);
  const high = withExecutors(
    Math.max(requested.minExecutors, requested.maxExecutors),
  );
  return { amount: (low + high) / 2, low, high };
}
