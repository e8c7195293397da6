import type { ClusterSettings } from '../config';

/*
 * Where each capacity's pods go: the one rule that both the Spark pod
 * templates (affinity, tolerations) and the cluster bootstrap bundle's
 * Karpenter node pools (labels, taints) are derived from, so they cannot
 * drift apart.
 */

/** The two capacity types Spark pods are placed on. */
export type Capacity = 'onDemand' | 'spot';

/** A node taint, as in a Node's or a NodePool template's `spec.taints`. */
export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** A pod toleration, as in a Pod's `spec.tolerations`. */
export interface Toleration {
  key?: string;
  operator?: 'Equal' | 'Exists';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** Where the pods of one capacity go, and what their nodes must look like. */
export interface CapacityPlacement {
  /**
   * The node label a pod requires (required node affinity, `In`): the
   * cluster's capacity-type label and this capacity's value (one value).
   */
  nodeSelector: { key: string; values: string[] };
  /** Tolerations the pods carry: one for each of {@link CapacityPlacement.taints}. */
  tolerations: Toleration[];
  /** Labels every node of this capacity carries (what `nodeSelector` matches). */
  nodeLabels: Record<string, string>;
  /** Taints the nodes of this capacity carry, keeping other pods off. */
  taints: Taint[];
}

/**
 * The taint of the Spot executors' nodes: only pods that tolerate it (our
 * Spark executor pods) land there, so no cluster add-on, driver or other
 * team's service ends up on capacity that can be reclaimed at two minutes'
 * notice.
 */
export const SPOT_EXECUTOR_TAINT: Taint = {
  key: 'emr-on-eks.spot-spark.io/capacity',
  value: 'spot',
  effect: 'NoSchedule',
};

/**
 * The placement of a cluster's pods of one capacity.
 *
 * Spot nodes are tainted ({@link SPOT_EXECUTOR_TAINT}) and the Spot pods
 * tolerate it. On-Demand nodes are not tainted: EMR's job submitter pod
 * takes a node selector (`jobsubmitter.node.selector.*`) but no
 * tolerations, and it must run On-Demand. On clusters without the
 * bootstrap bundle (managed node groups), the toleration matches no taint
 * and changes nothing.
 */
export function capacityPlacement(
  cluster: Pick<ClusterSettings, 'capacityTypeLabel' | 'capacityTypeValues'>,
  capacity: Capacity,
): CapacityPlacement {
  const key = cluster.capacityTypeLabel;
  const value = cluster.capacityTypeValues[capacity];
  const taints = capacity === 'spot' ? [SPOT_EXECUTOR_TAINT] : [];
  return {
    nodeSelector: { key, values: [value] },
    tolerations: taints.map(taint => ({
      key: taint.key,
      operator: 'Equal' as const,
      value: taint.value,
      effect: taint.effect,
    })),
    nodeLabels: { [key]: value },
    taints,
  };
}
