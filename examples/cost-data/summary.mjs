// @ts-check
/**
 * The summary: totals per tenant, entity, job and source, computed from the
 * rounded values in the files (summed as integer units), so a test summing
 * the CSV gets them exactly; the model's uplift at full precision.
 */
import {
  CUR_SCALE,
  KUBECOST_SCALE,
  Sums,
  amountOfUnits,
  kubecostNumber,
  unitsOf,
} from './numbers.mjs';
import { isoOf } from './time.mjs';

/**
 * @typedef {import('./pods.mjs').Job} Job
 * @typedef {import('./world.mjs').Tenant} Tenant
 * @typedef {import('./curLineItems.mjs').CurRow} CurRow
 * @typedef {import('./kubecost.mjs').KubecostRow} KubecostRow
 */

/**
 * @typedef {object} SummaryInput
 * @property {import('./world.mjs').World} world
 * @property {string} seed
 * @property {'legacy' | 'cur2'} layout
 * @property {import('./options.mjs').Period} period
 * @property {{ vcpuHour: number, gbHour: number }} rates
 * @property {Job[]} jobs
 * @property {CurRow[]} curRows
 * @property {KubecostRow[]} kubecostRows
 * @property {import('./uplift.mjs').ModelUplift} modelUplift
 * @property {import('./nodes.mjs').Instance[]} instances
 * @property {import('./world.mjs').Foreign[]} foreigns
 * @property {Map<string, Tenant>} tenantByVc
 * @property {string[]} skippedRuns
 * @property {Array<{ path: string, rows: number }>} fileRows
 */

/**
 * Sums of the bill per owner (tenant, `foreign:<vc>`, `namespace:<ns>`),
 * day, capacity type, job and entity; and the days it covers.
 * @param {SummaryInput} input
 * @param {Map<string, Job>} jobById
 */
function curSums({ curRows, instances, tenantByVc }, jobById) {
  /** @type {Map<string, 'spot' | 'on-demand'>} */
  const capacityOf = new Map(instances.map(i => [i.id, i.capacity]));
  const cur = new Sums(CUR_SCALE);
  const arn =
    /^arn:aws[a-z-]*:emr-containers:[a-z0-9-]+:\d{12}:\/virtualclusters\/([0-9a-z]+)\/jobruns\/([0-9a-z]+)$/;
  /** @type {Set<string>} */
  const curDays = new Set();

  for (const row of curRows) {
    const day = isoOf(row.start).slice(0, 10);
    curDays.add(day);
    if (row.productCode === 'ElasticMapReduce') {
      const match = arn.exec(row.resourceId);
      if (!match) {
        continue;
      }
      const [, vc, jobId] = match;
      const owner = tenantByVc.get(vc)?.name ?? `foreign:${vc}`;
      cur.add(`uplift|${owner}`, row.cost);
      cur.add(`uplift|${owner}|${day}`, row.cost);
      cur.add(`uplift-job|${jobId}`, row.cost);
      const ref = jobById.get(jobId)?.entityRef;
      if (ref) {
        cur.add(`uplift-entity|${ref}`, row.cost);
      }
    } else if (row.operation === 'EKSPod-EC2') {
      const vc = row.tags.user_emr_containers_amazonaws_com_virtual_cluster_id;
      const jobId = row.tags.user_emr_containers_amazonaws_com_job_id;
      const capacity = capacityOf.get(row.parent) ?? 'unknown';
      const owner = vc
        ? tenantByVc.get(vc)?.name ?? `foreign:${vc}`
        : `namespace:${row.tags.aws_eks_namespace}`;
      for (const value of [row.splitCost, row.unusedCost]) {
        cur.add(`compute|${owner}`, value);
        cur.add(`compute|${owner}|${capacity}`, value);
        cur.add(`compute|${owner}|${day}`, value);
        cur.add(`compute|${owner}|${day}|${capacity}`, value);
        cur.add('split-total', value);
        if (jobId) {
          cur.add(`compute-job|${jobId}`, value);
          const ref = jobById.get(jobId)?.entityRef;
          if (ref) {
            cur.add(`compute-entity|${ref}`, value);
          }
        }
      }
      for (const value of [
        row.publicOnDemandSplitCost,
        row.publicOnDemandUnusedCost,
      ]) {
        cur.add(`od|${owner}`, value);
        cur.add(`od|${owner}|${capacity}`, value);
      }
    } else if (row.productCode === 'AmazonEC2') {
      const capacity = capacityOf.get(row.resourceId) ?? 'unknown';
      cur.add('ec2', row.cost);
      cur.add(`ec2|${capacity}`, row.cost);
    }
  }

  return { cur, curDays };
}

/**
 * Sums of the Kubecost export per owner, day, capacity type, job and
 * entity, and its idle and unallocated capacity.
 * @param {SummaryInput} input
 * @param {Map<string, Job>} jobById
 */
function kubecostSums({ kubecostRows, tenantByVc }, jobById) {
  const kc = new Sums(KUBECOST_SCALE);

  for (const row of kubecostRows) {
    const compute = amountOfUnits(
      unitsOf(row.total_cost, KUBECOST_SCALE) -
        unitsOf(row.pv_cost, KUBECOST_SCALE),
      KUBECOST_SCALE,
    );
    const computeText = kubecostNumber(compute);
    if (row.pod === '__idle__') {
      kc.add('idle', row.total_cost);
      kc.add(`idle|${row.capacity_type}`, row.total_cost);
      continue;
    }
    if (row.pod === '__unallocated__') {
      kc.add('unallocated', row.total_cost);
      continue;
    }
    const owner =
      tenantByVc.get(row.virtual_cluster_id)?.name ??
      `foreign:${row.virtual_cluster_id}`;
    kc.add(`compute|${owner}`, computeText);
    kc.add(`compute|${owner}|${row.capacity_type}`, computeText);
    kc.add(`compute|${owner}|${row.date}`, computeText);
    kc.add(`compute|${owner}|${row.date}|${row.capacity_type}`, computeText);
    kc.add(`storage|${owner}`, row.pv_cost);
    kc.add(`storage|${owner}|${row.date}`, row.pv_cost);
    kc.add(`total|${owner}`, row.total_cost);
    kc.add(`compute-job|${row.job_id}`, computeText);
    kc.add(`storage-job|${row.job_id}`, row.pv_cost);
    const ref = jobById.get(row.job_id)?.entityRef;
    if (ref) {
      kc.add(`compute-entity|${ref}`, computeText);
      kc.add(`storage-entity|${ref}`, row.pv_cost);
    }
  }

  return kc;
}

/**
 * The model's uplift (full period, billed or not), at full precision, per
 * owner, day, job and entity; and the days each job ran.
 * @param {SummaryInput} input
 * @param {Map<string, Job>} jobById
 */
function modelSums({ modelUplift, rates }, jobById) {
  /** @type {Map<string, number>} */
  const model = new Map();
  const addModel = (/** @type {string} */ key, /** @type {number} */ value) =>
    model.set(key, (model.get(key) ?? 0) + value);
  for (const [key, usage] of modelUplift) {
    const [jobId, day] = key.split('\u0000');
    const job = /** @type {Job} */ (jobById.get(jobId));
    const owner = job.tenant ?? `foreign:${job.virtualClusterId}`;
    const uplift =
      usage.vcpuHours * rates.vcpuHour + usage.gbHours * rates.gbHour;
    addModel(`uplift|${owner}`, uplift);
    addModel(`uplift|${owner}|${day}`, uplift);
    addModel(`vcpu|${owner}`, usage.vcpuHours);
    addModel(`gb|${owner}`, usage.gbHours);
    addModel(`uplift-job|${jobId}`, uplift);
    addModel(`vcpu-job|${jobId}`, usage.vcpuHours);
    addModel(`gb-job|${jobId}`, usage.gbHours);
    addModel(`days-job|${jobId}|${day}`, 1);
    if (job.entityRef) {
      addModel(`uplift-entity|${job.entityRef}`, uplift);
    }
  }

  return model;
}

/**
 * The summary (`summary.json`).
 * @param {SummaryInput} input
 */
export function summarize(input) {
  const { world, seed, layout, period, rates, jobs } = input;
  const { curRows, kubecostRows, foreigns, skippedRuns, fileRows } = input;
  const { today, from, days, curLastDay, dayList } = period;
  /** @type {Map<string, Job>} */
  const jobById = new Map(jobs.map(job => [job.emrJobRunId, job]));
  const { cur, curDays } = curSums(input, jobById);
  const kc = kubecostSums(input, jobById);
  const model = modelSums(input, jobById);
  const m = (/** @type {string} */ key) =>
    Number((model.get(key) ?? 0).toFixed(8));

  /** @type {Record<string, any>} */
  const tenants = {};
  for (const tenant of world.tenants) {
    const t = tenant.name;
    const spot = cur.get(`compute|${t}|spot`);
    const spotOnDemand = cur.get(`od|${t}|spot`);
    /** @type {Record<string, any>} */
    const perDay = {};
    for (const day of dayList) {
      const entry = {
        curUplift: cur.get(`uplift|${t}|${day}`),
        curCompute: cur.get(`compute|${t}|${day}`),
        curComputeSpot: cur.get(`compute|${t}|${day}|spot`),
        curComputeOnDemand: cur.get(`compute|${t}|${day}|on-demand`),
        kubecostCompute: kc.get(`compute|${t}|${day}`),
        kubecostComputeSpot: kc.get(`compute|${t}|${day}|spot`),
        kubecostComputeOnDemand: kc.get(`compute|${t}|${day}|on-demand`),
        kubecostStorage: kc.get(`storage|${t}|${day}`),
        modelUplift: m(`uplift|${t}|${day}`),
      };
      if (Object.values(entry).some(value => value !== 0)) {
        perDay[day] = entry;
      }
    }
    tenants[t] = {
      namespace: tenant.namespace,
      virtualClusterId: tenant.virtualClusterId,
      cur: {
        uplift: cur.get(`uplift|${t}`),
        compute: cur.get(`compute|${t}`),
        computeSpot: spot,
        computeOnDemand: cur.get(`compute|${t}|on-demand`),
        publicOnDemand: cur.get(`od|${t}`),
        spotSavings: Number((spotOnDemand - spot).toFixed(8)),
      },
      kubecost: {
        compute: kc.get(`compute|${t}`),
        computeSpot: kc.get(`compute|${t}|spot`),
        computeOnDemand: kc.get(`compute|${t}|on-demand`),
        storage: kc.get(`storage|${t}`),
        total: kc.get(`total|${t}`),
      },
      model: {
        uplift: m(`uplift|${t}`),
        vcpuHours: m(`vcpu|${t}`),
        gbHours: m(`gb|${t}`),
      },
      days: perDay,
    };
  }

  /** @type {Record<string, any>} */
  const entities = {};
  for (const job of jobs) {
    if (!job.entityRef || !job.tenant || entities[job.entityRef]) {
      continue;
    }
    const ref = job.entityRef;
    entities[ref] = {
      tenant: job.tenant,
      curUplift: cur.get(`uplift-entity|${ref}`),
      curCompute: cur.get(`compute-entity|${ref}`),
      kubecostCompute: kc.get(`compute-entity|${ref}`),
      kubecostStorage: kc.get(`storage-entity|${ref}`),
      modelUplift: m(`uplift-entity|${ref}`),
    };
  }

  const jobSummaries = jobs
    .filter(job => job.tenant)
    .map(job => ({
      emrJobRunId: job.emrJobRunId,
      tenant: job.tenant,
      virtualClusterId: job.virtualClusterId,
      entityRef: job.entityRef,
      name: job.name,
      spot: job.spot,
      start: isoOf(job.start),
      end: isoOf(job.end),
      executors: job.pods.filter(pod => pod.role === 'executor').length,
      days: dayList.filter(day =>
        model.has(`days-job|${job.emrJobRunId}|${day}`),
      ),
      vcpuHours: m(`vcpu-job|${job.emrJobRunId}`),
      gbHours: m(`gb-job|${job.emrJobRunId}`),
      modelUplift: m(`uplift-job|${job.emrJobRunId}`),
      curUplift: cur.get(`uplift-job|${job.emrJobRunId}`),
      curCompute: cur.get(`compute-job|${job.emrJobRunId}`),
      kubecostCompute: kc.get(`compute-job|${job.emrJobRunId}`),
      kubecostStorage: kc.get(`storage-job|${job.emrJobRunId}`),
    }));

  /** @type {Record<string, any>} */
  const foreign = {};
  for (const f of foreigns) {
    const key = `foreign:${f.virtualClusterId}`;
    foreign[f.virtualClusterId] = {
      namespace: f.namespace,
      runs: jobs.filter(job => job.virtualClusterId === f.virtualClusterId)
        .length,
      cur: {
        uplift: cur.get(`uplift|${key}`),
        compute: cur.get(`compute|${key}`),
      },
      kubecost: {
        compute: kc.get(`compute|${key}`),
        storage: kc.get(`storage|${key}`),
      },
    };
  }

  const unallocatedDays = kubecostRows
    .filter(row => row.pod === '__unallocated__')
    .map(row => row.date);

  return {
    generator: 'examples/cost-data/generate.mjs',
    seed,
    layout,
    region: world.region,
    accountId: world.accountId,
    clusterName: world.clusterName,
    currency: 'USD',
    today,
    from,
    to: today,
    days,
    curLastDay,
    curDays: curDays.size,
    kubecostLastDay: today,
    rates: { vcpuHour: rates.vcpuHour, gbHour: rates.gbHour },
    files: fileRows,
    tenants,
    entities,
    jobs: jobSummaries,
    foreign,
    kubecost: {
      rows: kubecostRows.length,
      idle: {
        total: kc.get('idle'),
        spot: kc.get('idle|spot'),
        onDemand: kc.get('idle|on-demand'),
      },
      unallocated: { total: kc.get('unallocated'), days: unallocatedDays },
    },
    cur: {
      rows: curRows.length,
      ec2: {
        total: cur.get('ec2'),
        spot: cur.get('ec2|spot'),
        onDemand: cur.get('ec2|on-demand'),
      },
      splitTotal: cur.get('split-total'),
      otherNamespaces: {
        'kube-system': cur.get('compute|namespace:kube-system'),
      },
    },
    skippedRuns,
  };
}
