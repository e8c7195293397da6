// @ts-check
/** The generator's input: tenants, their job runs, foreign virtual clusters. */
import { minuteOfDay } from './time.mjs';

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

/** @typedef {{ virtualClusterId: string, namespace: string }} Foreign */

/**
 * Throws an error naming every invalid field.
 * @param {World} world
 */
export function validateWorld(world) {
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

/**
 * A foreign virtual cluster with its namespace (default `emr-sandbox`,
 * `emr-sandbox-2`, ...).
 * @param {ForeignVirtualCluster} foreign
 * @param {number} index
 * @returns {Foreign}
 */
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

/**
 * Who owns what: tenants by name and by virtual cluster, and the foreign
 * virtual clusters.
 * @param {World} world
 */
export function indexWorld(world) {
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
  return { tenantsByName, tenantByVc, foreigns };
}
