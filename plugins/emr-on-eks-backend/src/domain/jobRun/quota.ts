import {
  FieldIssue,
  JobRunRequest,
  parseQuantity,
  Tenant,
} from '@spot-spark/plugin-emr-on-eks-common';
import { JobShape, podMemoryMiB } from './shape';

/*
 * Fitting a job into the tenant's LimitRange and ResourceQuota: Kubernetes
 * quantities, the requests of EMR's own containers, and the quota check.
 */

export function quantityOf(value: string | undefined): number | undefined {
  return value === undefined ? undefined : parseQuantity(value);
}

export const MIB = 1024 * 1024;
export const formatMiB = (mib: number) =>
  mib % 1024 === 0 ? `${mib / 1024}Gi` : `${Math.round(mib)}Mi`;
const formatCpu = (cores: number) => `${Math.round(cores * 1000) / 1000}`;

/** Requests of EMR's own containers, within the tenant's LimitRange. */
export function emrContainerRequests(tenant: Tenant) {
  const { min, max, default: limits } = tenant.spec.limitRange;
  const clamp = (wanted: number, resource: 'cpu' | 'memory') => {
    const low = quantityOf(min[resource]) ?? 0;
    const high = Math.min(
      quantityOf(max[resource]) ?? Infinity,
      quantityOf(limits[resource]) ?? Infinity,
    );
    return Math.min(Math.max(wanted, low), high);
  };
  return {
    logging: { cpu: clamp(0.1, 'cpu'), memory: clamp(512 * MIB, 'memory') },
    submitterLogging: {
      cpu: clamp(0.1, 'cpu'),
      memory: clamp(200 * MIB, 'memory'),
    },
  };
}

export function quantityText(
  cpuOrBytes: number,
  kind: 'cpu' | 'memory',
): string {
  return kind === 'cpu'
    ? `${Math.round(cpuOrBytes * 1000)}m`
    : `${Math.ceil(cpuOrBytes / MIB)}Mi`;
}

/**
 * The job alone, at its largest, must fit the tenant's quota: the driver,
 * maxExecutors executors, EMR's logging container in each of those pods, and
 * the job submitter pod. (Other running jobs share the quota; a job that
 * cannot fit even alone would never start.)
 */
export function checkQuota(
  request: JobRunRequest,
  tenant: Tenant,
  shape: JobShape,
): FieldIssue[] {
  const quota = tenant.spec.quota;
  const emr = emrContainerRequests(tenant);
  const defaults = tenant.spec.limitRange;
  const submitterMain = {
    cpu: quantityOf(defaults.defaultRequest.cpu) ?? 0,
    memory: quantityOf(defaults.defaultRequest.memory) ?? 0,
  };
  const submitterMainLimit = {
    cpu: quantityOf(defaults.default.cpu) ?? submitterMain.cpu,
    memory: quantityOf(defaults.default.memory) ?? submitterMain.memory,
  };
  const loggingLimit = {
    cpu: quantityOf(defaults.default.cpu) ?? emr.logging.cpu,
    memory: quantityOf(defaults.default.memory) ?? emr.logging.memory,
  };
  const sparkPods = 1 + shape.maxExecutors;
  const sparkCpu =
    shape.driver.cores + shape.maxExecutors * shape.executor.cores;
  const sparkMemory =
    (podMemoryMiB(shape.driver) +
      shape.maxExecutors * podMemoryMiB(shape.executor)) *
    MIB;
  const needs: Record<string, number> = {
    pods: sparkPods + 1,
    'requests.cpu':
      sparkCpu +
      sparkPods * emr.logging.cpu +
      submitterMain.cpu +
      emr.submitterLogging.cpu,
    'requests.memory':
      sparkMemory +
      sparkPods * emr.logging.memory +
      submitterMain.memory +
      emr.submitterLogging.memory,
    'limits.cpu':
      sparkCpu +
      sparkPods * loggingLimit.cpu +
      submitterMainLimit.cpu +
      loggingLimit.cpu,
    'limits.memory':
      sparkMemory +
      sparkPods * loggingLimit.memory +
      submitterMainLimit.memory +
      loggingLimit.memory,
    persistentvolumeclaims: shape.maxExecutors,
    'requests.storage':
      shape.maxExecutors * (quantityOf(shape.localStorage) ?? 0),
  };
  const field =
    request.executor.instances !== undefined
      ? 'executor.instances'
      : 'executor.maxExecutors';
  const issues: FieldIssue[] = [];
  for (const [key, needed] of Object.entries(needs)) {
    const hard = quantityOf(quota[key as keyof typeof quota]);
    if (hard !== undefined && needed > hard + 1e-9) {
      const shown =
        key.endsWith('memory') || key.endsWith('storage')
          ? formatMiB(Math.ceil(needed / MIB))
          : formatCpu(needed);
      issues.push({
        path: field,
        message: `with ${
          shape.maxExecutors
        } executors the job needs ${shown} of ${key}, but tenant ${
          tenant.name
        }'s quota is ${quota[key as keyof typeof quota]}`,
      });
    }
  }
  return issues;
}
