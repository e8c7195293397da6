// @ts-check
/**
 * Nodes: an always-on On-Demand system node (cluster add-ons, the system
 * pods); every Spark pod gets a node of its own, the smallest m5 that holds
 * it, for the pod's lifetime (Karpenter-like): drivers On-Demand, executors
 * Spot when the run is. Boot and consolidation delays are left out, so a
 * node that a pod fills has no idle capacity.
 */
import { hexOf, rngFor } from './random.mjs';
import { compare } from './numbers.mjs';

/**
 * @typedef {import('./pods.mjs').Pod} Pod
 * @typedef {import('./pods.mjs').Job} Job
 * @typedef {import('./options.mjs').Period} Period
 * @typedef {{ type: string, vcpu: number, memoryGiB: number, onDemand: number }} InstanceType
 */

/**
 * @typedef {object} Instance
 * @property {string} id
 * @property {string} type
 * @property {number} vcpu
 * @property {number} memoryGiB
 * @property {number} onDemand
 * @property {'spot' | 'on-demand'} capacity
 * @property {number} start
 * @property {number} end
 * @property {Pod[]} pods
 */

/**
 * m5 instances, Linux On-Demand USD per hour in us-east-1; the sample uses
 * these prices in every region.
 * @type {ReadonlyArray<InstanceType>}
 */
export const INSTANCE_TYPES = Object.freeze([
  { type: 'm5.large', vcpu: 2, memoryGiB: 8, onDemand: 0.096 },
  { type: 'm5.xlarge', vcpu: 4, memoryGiB: 16, onDemand: 0.192 },
  { type: 'm5.2xlarge', vcpu: 8, memoryGiB: 32, onDemand: 0.384 },
  { type: 'm5.4xlarge', vcpu: 16, memoryGiB: 64, onDemand: 0.768 },
  { type: 'm5.8xlarge', vcpu: 32, memoryGiB: 128, onDemand: 1.536 },
  { type: 'm5.12xlarge', vcpu: 48, memoryGiB: 192, onDemand: 2.304 },
  { type: 'm5.16xlarge', vcpu: 64, memoryGiB: 256, onDemand: 3.072 },
  { type: 'm5.24xlarge', vcpu: 96, memoryGiB: 384, onDemand: 4.608 },
]);

/**
 * The always-on On-Demand node of cluster add-ons; its spare capacity is
 * Kubecost's `__idle__` every day. Spark pods get nodes of their own.
 */
const SYSTEM_INSTANCE_TYPE = 'm5.large';

/**
 * The smallest m5 that holds a pod.
 * @param {number} cores @param {number} memoryGiB
 */
function instanceTypeFor(cores, memoryGiB) {
  const fit = INSTANCE_TYPES.find(
    type => type.vcpu >= cores && type.memoryGiB >= memoryGiB,
  );
  if (!fit) {
    throw new Error(
      `no instance type holds a pod of ${cores} vCPU and ${memoryGiB} GiB`,
    );
  }
  return fit;
}

/**
 * Whether a pod fits on an instance next to the pods already there.
 * @param {Instance} instance @param {Pod} pod
 */
function fits(instance, pod) {
  const overlapping = instance.pods.filter(
    other => other.start < pod.end && pod.start < other.end,
  );
  const moments = [pod.start, ...overlapping.map(other => other.start)].filter(
    moment => moment >= pod.start && moment < pod.end,
  );
  return moments.every(moment => {
    let cores = pod.cores;
    let memory = pod.memoryGiB;
    for (const other of overlapping) {
      if (other.start <= moment && moment < other.end) {
        cores += other.cores;
        memory += other.memoryGiB;
      }
    }
    return cores <= instance.vcpu + 1e-9 && memory <= instance.memoryGiB + 1e-9;
  });
}

/** @param {Pod} pod @param {Instance} instance */
function place(pod, instance) {
  pod.instance = instance;
  instance.pods.push(pod);
}

/**
 * Places every pod on a node (setting `pod.instance`); returns the nodes,
 * the system node first.
 * @param {object} input
 * @param {Job[]} input.jobs
 * @param {Pod[]} input.systemPods
 * @param {Period} input.period
 * @param {string} input.seed
 */
export function placePods({ jobs, systemPods, period, seed }) {
  /** @type {Instance[]} */
  const instances = [];
  /** @param {string} key @param {InstanceType} type @param {'spot' | 'on-demand'} capacity @param {number} start @param {number} end */
  const addInstance = (key, type, capacity, start, end) => {
    /** @type {Instance} */
    const instance = {
      id: `i-0${hexOf(rngFor(seed, 'instance', key), 16)}`,
      type: type.type,
      vcpu: type.vcpu,
      memoryGiB: type.memoryGiB,
      onDemand: type.onDemand,
      capacity,
      start,
      end,
      pods: [],
    };
    instances.push(instance);
    return instance;
  };
  const systemType = /** @type {InstanceType} */ (
    INSTANCE_TYPES.find(type => type.type === SYSTEM_INSTANCE_TYPE)
  );
  const systemNode = addInstance(
    'system',
    systemType,
    'on-demand',
    period.periodStart,
    period.periodEnd,
  );
  /** @param {Pod} pod */
  const ownNode = pod =>
    addInstance(
      pod.uid,
      instanceTypeFor(pod.cores, pod.memoryGiB),
      pod.capacity,
      pod.start,
      pod.end,
    );

  const byStart = (/** @type {Pod} */ a, /** @type {Pod} */ b) =>
    a.start - b.start || compare(a.uid, b.uid);
  for (const pod of [...systemPods].sort(byStart)) {
    place(pod, fits(systemNode, pod) ? systemNode : ownNode(pod));
  }
  for (const pod of jobs.flatMap(job => job.pods).sort(byStart)) {
    place(pod, ownNode(pod));
  }
  return instances;
}
