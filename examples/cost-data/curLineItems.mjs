// @ts-check
/**
 * The CUR's line items of an instance-hour: the EC2 instance usage row, and
 * per pod on it the split cost allocation rows (vCPU and memory) with its
 * share of the hour's unused capacity. Layout-free: `curFiles.mjs` encodes
 * them as legacy CUR or CUR 2.0 columns.
 */
import { CPU_WEIGHT, MEMORY_WEIGHT } from './instanceHours.mjs';
import { compare, curNumber } from './numbers.mjs';

/**
 * @typedef {import('./instanceHours.mjs').InstanceHour} InstanceHour
 * @typedef {import('./world.mjs').World} World
 */

/**
 * A CUR row before its layout.
 * @typedef {object} CurRow
 * @property {number} start
 * @property {string} productCode
 * @property {string} operation
 * @property {string} usageType
 * @property {string} resourceId
 * @property {string} usageAmount
 * @property {string} rate
 * @property {string} cost
 * @property {string} publicOnDemandCost
 * @property {string} productFamily
 * @property {string} instanceType
 * @property {Record<string, string>} product
 * @property {Record<string, string>} tags
 * @property {string} [parent]
 * @property {string} [splitUsage]
 * @property {string} [splitUsageRatio]
 * @property {string} [splitCost]
 * @property {string} [unusedCost]
 * @property {string} [publicOnDemandSplitCost]
 * @property {string} [publicOnDemandUnusedCost]
 */

/** The prefix of a region's usage types (USE1-BoxUsage:m5.xlarge). */
const USAGE_TYPE_PREFIX = Object.freeze({
  'us-east-1': 'USE1',
  'us-east-2': 'USE2',
  'us-west-1': 'USW1',
  'us-west-2': 'USW2',
  'ca-central-1': 'CAN1',
  'eu-west-1': 'EU',
  'eu-west-2': 'EUW2',
  'eu-west-3': 'EUW3',
  'eu-central-1': 'EUC1',
  'eu-north-1': 'EUN1',
  'ap-south-1': 'APS3',
  'ap-southeast-1': 'APS1',
  'ap-southeast-2': 'APS2',
  'ap-northeast-1': 'APN1',
  'ap-northeast-2': 'APN2',
  'sa-east-1': 'SAE1',
});

/** @param {string} region */
export function usageTypePrefix(region) {
  return USAGE_TYPE_PREFIX[region] ?? region.replace(/-/g, '').toUpperCase();
}

/**
 * The instance's usage row of the hour.
 * @param {InstanceHour} hour
 * @param {string} prefix
 * @returns {CurRow}
 */
export function ec2LineItem(hour, prefix) {
  const { instance, running, price } = hour;
  const spot = instance.capacity === 'spot';
  return {
    start: hour.slotStart,
    productCode: 'AmazonEC2',
    operation: spot ? 'RunInstances:SV001' : 'RunInstances',
    usageType: `${prefix}-${spot ? 'SpotUsage' : 'BoxUsage'}:${instance.type}`,
    resourceId: instance.id,
    usageAmount: curNumber(running),
    rate: String(price),
    cost: curNumber(price * running),
    publicOnDemandCost: curNumber(instance.onDemand * running),
    productFamily: 'Compute Instance',
    instanceType: instance.type,
    product: {
      vcpu: String(instance.vcpu),
      memory: `${instance.memoryGiB} GiB`,
      marketoption: spot ? 'Spot' : 'OnDemand',
    },
    tags: {},
  };
}

/**
 * The split cost rows of the pods in the hour: per pod a vCPU row and a
 * memory row. An hour without pods is not split.
 * @param {InstanceHour} hour
 * @param {World} world
 * @param {string} prefix
 * @returns {CurRow[]}
 */
export function splitLineItems(hour, world, prefix) {
  const { region, accountId, clusterName } = world;
  const { instance, unit, unitOnDemand, cpuAllocated, memAllocated } = hour;
  /** @type {CurRow[]} */
  const rows = [];
  for (const { pod, share } of hour.pods) {
    const cpuUsage = pod.cores * share;
    const memUsage = pod.memoryGiB * share;
    const job = pod.job;
    /** @type {Record<string, string>} */
    const tags = {
      aws_eks_cluster_name: clusterName,
      aws_eks_namespace: pod.namespace,
    };
    if (job) {
      tags.user_emr_containers_amazonaws_com_job_id = job.emrJobRunId;
      tags.user_emr_containers_amazonaws_com_virtual_cluster_id =
        job.virtualClusterId;
      tags.user_spark_role = pod.role;
    }
    const resourceId = `arn:aws:eks:${region}:${accountId}:pod/${clusterName}/${pod.namespace}/${pod.name}/${pod.uid}`;
    const parts = [
      {
        usageType: `${prefix}-EKS-EC2-vCPU-Hours`,
        usage: cpuUsage,
        available: hour.cpuAvailable,
        split: CPU_WEIGHT * unit * cpuUsage,
        unused:
          cpuAllocated > 0 ? (hour.cpuUnused * cpuUsage) / cpuAllocated : 0,
        splitOnDemand: CPU_WEIGHT * unitOnDemand * cpuUsage,
        unusedOnDemand:
          cpuAllocated > 0
            ? (hour.cpuUnusedOnDemand * cpuUsage) / cpuAllocated
            : 0,
      },
      {
        usageType: `${prefix}-EKS-EC2-GB-Hours`,
        usage: memUsage,
        available: hour.memAvailable,
        split: MEMORY_WEIGHT * unit * memUsage,
        unused:
          memAllocated > 0 ? (hour.memUnused * memUsage) / memAllocated : 0,
        splitOnDemand: MEMORY_WEIGHT * unitOnDemand * memUsage,
        unusedOnDemand:
          memAllocated > 0
            ? (hour.memUnusedOnDemand * memUsage) / memAllocated
            : 0,
      },
    ];
    for (const part of parts) {
      rows.push({
        start: hour.slotStart,
        productCode: 'AmazonEKS',
        operation: 'EKSPod-EC2',
        usageType: part.usageType,
        resourceId,
        usageAmount: curNumber(part.usage),
        rate: '',
        cost: '0',
        publicOnDemandCost: '0',
        productFamily: 'Compute',
        instanceType: '',
        product: {},
        tags,
        parent: instance.id,
        splitUsage: curNumber(part.usage),
        splitUsageRatio: curNumber(part.usage / part.available),
        splitCost: curNumber(part.split),
        unusedCost: curNumber(part.unused),
        publicOnDemandSplitCost: curNumber(part.splitOnDemand),
        publicOnDemandUnusedCost: curNumber(part.unusedOnDemand),
      });
    }
  }
  return rows;
}

/**
 * The bill's order: by hour, product, resource and usage type.
 * @param {CurRow[]} rows
 */
export function sortCurRows(rows) {
  return rows.sort(
    (a, b) =>
      a.start - b.start ||
      compare(a.productCode, b.productCode) ||
      compare(a.resourceId, b.resourceId) ||
      compare(a.usageType, b.usageType),
  );
}
