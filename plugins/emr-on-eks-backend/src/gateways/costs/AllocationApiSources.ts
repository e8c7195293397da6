import type { CapacityType } from '@spot-spark/plugin-emr-on-eks-common';
import { addCostDays } from '@spot-spark/plugin-emr-on-eks-common';
import type {
  ComputeAllocation,
  ComputeRow,
  ComputeSource,
  DayRange,
} from './CostSources';
import { jsonAmount } from './amounts';

/** Pod labels EMR on EKS sets, as Kubecost and OpenCost spell them back. */
const JOB_ID_LABEL = 'emr_containers_amazonaws_com_job_id';
const VIRTUAL_CLUSTER_LABEL = 'emr_containers_amazonaws_com_virtual_cluster_id';
/** The aggregation: one allocation per pod, with its job and virtual cluster. */
const AGGREGATE =
  'namespace,pod,label:emr-containers.amazonaws.com/job.id,label:emr-containers.amazonaws.com/virtual-cluster-id';
/** Node labels that tell Spot from On-Demand (managed node groups, Karpenter). */
const CAPACITY_LABELS: Record<string, { spot: string; onDemand: string }> = {
  eks_amazonaws_com_capacityType: { spot: 'SPOT', onDemand: 'ON_DEMAND' },
  karpenter_sh_capacity_type: { spot: 'spot', onDemand: 'on-demand' },
};
const GB = 1e9;

/** One allocation of an `/allocation` answer, the fields the rollup reads. */
interface Allocation {
  name?: string;
  properties?: {
    namespace?: string;
    pod?: string;
    node?: string;
    providerID?: string;
    labels?: Record<string, string>;
    nodeLabels?: Record<string, string>;
  };
  start?: string;
  window?: { start?: string };
  minutes?: number;
  cpuCoreRequestAverage?: number;
  ramByteRequestAverage?: number;
  cpuCost?: number;
  ramCost?: number;
  gpuCost?: number;
  networkCost?: number;
  sharedCost?: number;
  loadBalancerCost?: number;
  pvCost?: number;
}

/** A node of Kubecost's `/model/assets`, for its capacity type. */
interface NodeAsset {
  type?: string;
  preemptible?: boolean;
  properties?: { name?: string; providerID?: string };
  labels?: Record<string, string>;
}

/** A label of an allocation or node: Kubecost may prefix keys with `label_`. */
function label(
  labels: Record<string, string> | undefined,
  key: string,
): string | undefined {
  const value = labels?.[key] ?? labels?.[`label_${key}`];
  return value ? value : undefined;
}

function capacityOfLabels(
  labels: Record<string, string> | undefined,
): CapacityType | undefined {
  for (const [key, values] of Object.entries(CAPACITY_LABELS)) {
    const value = label(labels, key);
    if (value === values.spot) {
      return 'spot';
    }
    if (value === values.onDemand) {
      return 'on-demand';
    }
  }
  return undefined;
}

/** The window query parameter of the days: [from 00:00, to + 1 00:00) UTC. */
function windowOf(range: DayRange): string {
  return `${range.from}T00:00:00Z,${addCostDays(range.to, 1)}T00:00:00Z`;
}

async function getJson(
  fetchImpl: typeof fetch,
  baseUrl: string,
  path: string,
  params: Record<string, string>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ code?: number; data?: unknown; message?: string }> {
  const url = `${baseUrl}${path}?${new URLSearchParams(params)}`;
  const timeout = AbortSignal.timeout(timeoutMs);
  const res = await fetchImpl(url, {
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    headers: { Accept: 'application/json' },
  }).catch(error => {
    throw new Error(`GET ${path} failed: ${String(error?.message ?? error)}`);
  });
  if (!res.ok) {
    throw new Error(`GET ${path} answered ${res.status} ${res.statusText}`);
  }
  const body = (await res.json()) as {
    code?: number;
    data?: unknown;
    message?: string;
  };
  if (body.code !== undefined && body.code !== 200) {
    throw new Error(
      `GET ${path} answered code ${body.code}${
        body.message ? `: ${body.message}` : ''
      }`,
    );
  }
  return body;
}

/** Who an allocation is charged to, from its name and labels. */
function allocationOf(
  key: string,
  allocation: Allocation,
): {
  allocation: ComputeAllocation;
  namespace: string | null;
  virtualClusterId: string | null;
  emrJobRunId: string | null;
} {
  const name = allocation.name ?? key;
  if (name === '__idle__' || name.startsWith('__idle__')) {
    return {
      allocation: 'idle',
      namespace: null,
      virtualClusterId: null,
      emrJobRunId: null,
    };
  }
  const properties = allocation.properties ?? {};
  const namespace =
    properties.namespace && properties.namespace !== '__unallocated__'
      ? properties.namespace
      : null;
  if (!namespace) {
    return {
      allocation: 'unallocated',
      namespace: null,
      virtualClusterId: null,
      emrJobRunId: null,
    };
  }
  const job = label(properties.labels, JOB_ID_LABEL);
  const vc = label(properties.labels, VIRTUAL_CLUSTER_LABEL);
  return {
    allocation: job ? 'job' : 'namespace',
    namespace,
    virtualClusterId: vc ?? null,
    emrJobRunId: job ?? null,
  };
}

/**
 * Daily compute and storage rows of `/allocation` answers (one set of
 * allocations per day): compute = CPU + RAM + GPU + network + shared + load
 * balancers, storage = PVs (a row of its own when not zero); requested
 * vCPU-hours and GB-hours from the request averages over the minutes, for
 * the uplift estimate. Rows of one day, allocation, job and capacity add up.
 */
export function allocationRows(
  data: unknown,
  capacityOfNode: (allocation: Allocation) => CapacityType,
  source: string,
): ComputeRow[] {
  const sets = Array.isArray(data) ? data : [];
  const rows = new Map<string, ComputeRow>();
  const add = (row: ComputeRow) => {
    const key = [
      row.date,
      row.allocation,
      row.namespace,
      row.virtualClusterId,
      row.emrJobRunId,
      row.category,
      row.capacityType,
    ].join('\u0000');
    const existing = rows.get(key);
    if (!existing) {
      rows.set(key, row);
      return;
    }
    existing.amount += row.amount;
    if (row.vcpuHours !== null) {
      existing.vcpuHours = (existing.vcpuHours ?? 0) + row.vcpuHours;
    }
    if (row.gbHours !== null) {
      existing.gbHours = (existing.gbHours ?? 0) + row.gbHours;
    }
  };
  for (const set of sets) {
    if (!set || typeof set !== 'object') {
      continue;
    }
    for (const [key, allocation] of Object.entries(
      set as Record<string, Allocation>,
    )) {
      const start = allocation.window?.start ?? allocation.start;
      if (!start || Number.isNaN(Date.parse(start))) {
        continue;
      }
      const date = new Date(start).toISOString().slice(0, 10);
      const who = allocationOf(key, allocation);
      const capacityType = capacityOfNode(allocation);
      const amount = (field: keyof Allocation) =>
        jsonAmount(allocation[field], {
          source,
          field,
          row: `allocation ${JSON.stringify(key.slice(0, 120))} on ${date}`,
        });
      const hours = amount('minutes') / 60;
      const compute =
        amount('cpuCost') +
        amount('ramCost') +
        amount('gpuCost') +
        amount('networkCost') +
        amount('sharedCost') +
        amount('loadBalancerCost');
      const pvCost = amount('pvCost');
      const cpuCores = amount('cpuCoreRequestAverage');
      const ramBytes = amount('ramByteRequestAverage');
      const requests = who.allocation === 'job' && hours > 0;
      add({
        date,
        ...who,
        category: 'compute',
        capacityType,
        amount: compute,
        onDemandAmount: null,
        vcpuHours: requests ? cpuCores * hours : null,
        gbHours: requests ? (ramBytes / GB) * hours : null,
      });
      if (pvCost !== 0) {
        add({
          date,
          ...who,
          category: 'storage',
          capacityType,
          amount: pvCost,
          onDemandAmount: null,
          vcpuHours: null,
          gbHours: null,
        });
      }
    }
  }
  return [...rows.values()];
}

interface ApiSourceOptions {
  /** The service's base URL (config `baseUrl`), without a trailing slash. */
  baseUrl: string;
  fetch?: typeof fetch;
  /** Each request's time limit. Default 60 s. */
  timeoutMs?: number;
}

/**
 * Compute per pod and job from Kubecost's `/model/allocation`, daily, with
 * the capacity type of each pod's node from `/model/assets` (preemptible, or
 * the capacity-type label).
 */
export class KubecostComputeSource implements ComputeSource {
  readonly source = 'kubecost' as const;

  constructor(private readonly options: ApiSourceOptions) {}

  async compute(
    range: DayRange,
    options: { signal?: AbortSignal } = {},
  ): Promise<ComputeRow[]> {
    const fetchImpl = this.options.fetch ?? fetch;
    const timeoutMs = this.options.timeoutMs ?? 60_000;
    const window = windowOf(range);
    const [allocations, assets] = await Promise.all([
      getJson(
        fetchImpl,
        this.options.baseUrl,
        '/model/allocation',
        {
          window,
          aggregate: AGGREGATE,
          step: '1d',
          accumulate: 'false',
          idle: 'true',
          shareIdle: 'false',
        },
        timeoutMs,
        options.signal,
      ),
      getJson(
        fetchImpl,
        this.options.baseUrl,
        '/model/assets',
        { window, filterTypes: 'Node', accumulate: 'true' },
        timeoutMs,
        options.signal,
      ),
    ]);
    const nodes = new Map<string, CapacityType>();
    for (const set of Array.isArray(assets.data) ? assets.data : []) {
      for (const asset of Object.values(
        (set ?? {}) as Record<string, NodeAsset>,
      )) {
        if (asset?.type !== undefined && asset.type !== 'Node') {
          continue;
        }
        const capacity =
          capacityOfLabels(asset?.labels) ??
          (asset?.preemptible === true ? 'spot' : undefined) ??
          (asset?.preemptible === false ? 'on-demand' : undefined);
        for (const id of [
          asset?.properties?.name,
          asset?.properties?.providerID,
        ]) {
          if (id && capacity) {
            nodes.set(id, capacity);
          }
        }
      }
    }
    return allocationRows(
      allocations.data,
      allocation => {
        const p = allocation.properties;
        return (
          (p?.node ? nodes.get(p.node) : undefined) ??
          (p?.providerID ? nodes.get(p.providerID) : undefined) ??
          'unknown'
        );
      },
      'emrOnEks.costs.kubecost (GET /model/allocation)',
    );
  }
}

/**
 * Compute per pod and job from OpenCost's `/allocation`, daily; the capacity
 * type from the node labels it reports with the allocation, if any.
 */
export class OpenCostComputeSource implements ComputeSource {
  readonly source = 'opencost' as const;

  constructor(private readonly options: ApiSourceOptions) {}

  async compute(
    range: DayRange,
    options: { signal?: AbortSignal } = {},
  ): Promise<ComputeRow[]> {
    const body = await getJson(
      this.options.fetch ?? fetch,
      this.options.baseUrl,
      '/allocation',
      {
        window: windowOf(range),
        aggregate: AGGREGATE,
        step: '1d',
        accumulate: 'false',
        includeIdle: 'true',
        shareIdle: 'false',
      },
      this.options.timeoutMs ?? 60_000,
      options.signal,
    );
    return allocationRows(
      body.data,
      allocation =>
        capacityOfLabels(allocation.properties?.nodeLabels) ??
        capacityOfLabels(allocation.properties?.labels) ??
        'unknown',
      'emrOnEks.costs.opencost (GET /allocation)',
    );
  }
}
