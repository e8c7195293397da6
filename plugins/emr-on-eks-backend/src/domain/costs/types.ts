import type {
  CapacityType,
  CostCategory,
  CostSource,
} from '@spot-spark/plugin-emr-on-eks-common';

/** UTC days, YYYY-MM-DD, both inclusive. */
export interface DayRange {
  from: string;
  to: string;
}

/** The EMR on EKS uplift of one job run on one day, from the bill. */
export interface UpliftRow {
  /** UTC day of the usage (`line_item_usage_start_date`), YYYY-MM-DD. */
  date: string;
  virtualClusterId: string;
  emrJobRunId: string;
  amount: number;
}

/** What the bill says about the uplift of a period. */
export interface UpliftResult {
  /** Summed per day, virtual cluster and job run. */
  rows: UpliftRow[];
  /**
   * The last day the bill fully covers: the day before the latest usage day
   * seen in the whole bill (any product), since that day may still grow.
   * Null when the bill holds no usage at all.
   */
  completeThrough: string | null;
}

/**
 * Who a compute row is charged to:
 * - `job`: pods of one job run (job-id label present);
 * - `namespace`: pods of a namespace without a job id (submitters of
 *   external tools, say);
 * - `idle`: capacity no pod used (`__idle__`);
 * - `unallocated`: pods of no namespace, or costs Kubecost could not
 *   place (`__unallocated__`).
 */
export type ComputeAllocation = 'job' | 'namespace' | 'idle' | 'unallocated';

/** Compute (EC2 of the pods) or storage (PVs) of one group on one day. */
export interface ComputeRow {
  date: string;
  allocation: ComputeAllocation;
  /** Kubernetes namespace; null for idle and unallocated rows. */
  namespace: string | null;
  /** From the `emr-containers.amazonaws.com/virtual-cluster-id` label. */
  virtualClusterId: string | null;
  /** From the `emr-containers.amazonaws.com/job.id` label. */
  emrJobRunId: string | null;
  category: 'compute' | 'storage';
  capacityType: CapacityType;
  amount: number;
  /**
   * What the same usage costs On-Demand, when the source says (CUR split
   * cost's public On-Demand columns); null otherwise.
   */
  onDemandAmount: number | null;
  /** Requested vCPU-hours, when the source reports requests (Kubecost, OpenCost). */
  vcpuHours: number | null;
  /** Requested memory GB-hours, when the source reports requests. */
  gbHours: number | null;
}

/** A daily cost row as the rollup writes it. */
export interface StoredCostRow {
  date: string;
  tenant: string;
  tenantUid: string | null;
  virtualClusterId: string | null;
  emrJobRunId: string | null;
  jobRunId: string | null;
  jobName: string | null;
  entityRef: string | null;
  category: CostCategory;
  capacityType: CapacityType;
  amount: number;
  amountLow: number | null;
  amountHigh: number | null;
  onDemandAmount: number | null;
  currency: string;
  source: CostSource;
  estimated: boolean;
}
