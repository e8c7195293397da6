import {
  JobRunRequest,
  PriorityTier,
  RequestedResources,
  sparkMemoryToMiB,
  Tenant,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { JobSettings } from '../../config';

/*
 * The job's shape: what its release supports and the sizes it resolves to
 * (cores, memory with overhead, executor counts), which both validation and
 * composition start from.
 */

/** `emr-6.12.0-latest` -> [6, 12, 0]. */
export function parseReleaseLabel(
  label: string,
): [number, number, number] | undefined {
  const match = /^emr-(\d+)\.(\d+)\.(\d+)-/.exec(label);
  return match
    ? [Number(match[1]), Number(match[2]), Number(match[3])]
    : undefined;
}

function releaseAtLeast(label: string, major: number, minor: number): boolean {
  const version = parseReleaseLabel(label);
  return (
    version !== undefined &&
    (version[0] > major || (version[0] === major && version[1] >= minor))
  );
}

/** What each release line supports, from the EMR on EKS release notes. */
export function releaseFeatures(label: string) {
  return {
    /** Graceful executor decommissioning (EMR 6.3+). */
    decommission: releaseAtLeast(label, 6, 3),
    /** Driver-owned, reusable executor PVCs (EMR 6.8+). */
    pvcReuse: releaseAtLeast(label, 6, 8),
    /** waitToReusePersistentVolumeClaim and the local-disk shuffle IO plugin (Spark 3.4, EMR 6.12+). */
    pvcWaitAndShuffleIO: releaseAtLeast(label, 6, 12),
  };
}

/** Overhead Spark adds to a container's memory: 10% for JVM jobs, 40% for PySpark; at least 384 MiB. */
export function memoryOverheadMiB(memoryMiB: number, pyspark: boolean): number {
  return Math.max(384, Math.ceil(memoryMiB * (pyspark ? 0.4 : 0.1)));
}

function isPySpark(request: JobRunRequest) {
  return request.mainClass === undefined && /\.py$/i.test(request.entryPoint);
}

/** One Spark container's memory: heap, overhead, and what Spark adds on top. */
export interface ContainerShape {
  cores: number;
  memoryMiB: number;
  overheadMiB: number;
  /** PySpark worker memory and off-heap memory, which Spark adds to the pod. */
  extraMiB: number;
}

/** The memory of a Spark container's pod, as Kubernetes sees it. */
export function podMemoryMiB(container: ContainerShape): number {
  return container.memoryMiB + container.overheadMiB + container.extraMiB;
}

/** The resolved size of a run: the numbers both validation and composition use. */
export interface JobShape {
  releaseLabel: string;
  tier: PriorityTier;
  driver: ContainerShape;
  executor: ContainerShape;
  dynamicAllocation: boolean;
  minExecutors: number;
  maxExecutors: number;
  localStorage: string;
}

export const DEFAULT_MIN_EXECUTORS = 1;
export const DEFAULT_MAX_EXECUTORS = 10;

export function jobShape(
  request: JobRunRequest,
  tenant: Tenant,
  jobs: JobSettings,
): JobShape {
  const pyspark = isPySpark(request);
  const overhead = (key: string, memoryMiB: number) => {
    const given = request.sparkConf[key];
    const parsed = given === undefined ? undefined : sparkMemoryToMiB(given);
    return parsed ?? memoryOverheadMiB(memoryMiB, pyspark);
  };
  const confMiB = (key: string) =>
    sparkMemoryToMiB(request.sparkConf[key] ?? '') ?? 0;
  // Spark sizes a pod with its off-heap memory only when off-heap is enabled.
  const offHeap =
    request.sparkConf['spark.memory.offHeap.enabled'] === 'true'
      ? confMiB('spark.memory.offHeap.size')
      : 0;
  const driverMemory = sparkMemoryToMiB(request.driver.memory)!;
  const executorMemory = sparkMemoryToMiB(request.executor.memory)!;
  const { instances, minExecutors, maxExecutors } = request.executor;
  const dynamicAllocation = instances === undefined;
  return {
    releaseLabel: request.releaseLabel ?? tenant.spec.releaseLabel,
    tier: request.priorityTier ?? tenant.spec.priorityTier,
    driver: {
      cores: request.driver.cores,
      memoryMiB: driverMemory,
      overheadMiB: overhead('spark.driver.memoryOverhead', driverMemory),
      extraMiB: offHeap,
    },
    executor: {
      cores: request.executor.cores,
      memoryMiB: executorMemory,
      overheadMiB: overhead('spark.executor.memoryOverhead', executorMemory),
      extraMiB: offHeap + confMiB('spark.executor.pyspark.memory'),
    },
    dynamicAllocation,
    minExecutors:
      instances ??
      minExecutors ??
      Math.min(DEFAULT_MIN_EXECUTORS, maxExecutors ?? DEFAULT_MIN_EXECUTORS),
    maxExecutors:
      instances ??
      maxExecutors ??
      Math.max(DEFAULT_MAX_EXECUTORS, minExecutors ?? 0),
    localStorage: request.executor.localStorage ?? jobs.localStorage,
  };
}

export function requestedResources(shape: JobShape): RequestedResources {
  const driverMemory = podMemoryMiB(shape.driver);
  const executorMemory = podMemoryMiB(shape.executor);
  return {
    driver: { cores: shape.driver.cores, memoryMiB: driverMemory },
    executor: { cores: shape.executor.cores, memoryMiB: executorMemory },
    minExecutors: shape.minExecutors,
    maxExecutors: shape.maxExecutors,
    maxCores: shape.driver.cores + shape.maxExecutors * shape.executor.cores,
    maxMemoryMiB: driverMemory + shape.maxExecutors * executorMemory,
  };
}
