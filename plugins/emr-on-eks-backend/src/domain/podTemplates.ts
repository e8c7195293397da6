import type {
  PriorityTier,
  TenantSpec,
} from '@spot-spark/plugin-emr-on-eks-common';
import { stringify } from 'yaml';
import type { ClusterSettings } from '../config';
import { Capacity, capacityPlacement } from './capacity';
import { priorityClassName, tenantLabels } from './kubernetes';

/** Container names Spark on Kubernetes gives its driver and executors. */
export const SPARK_DRIVER_CONTAINER = 'spark-kubernetes-driver';
export const SPARK_EXECUTOR_CONTAINER = 'spark-kubernetes-executor';

/**
 * A Spark pod template pinned to one capacity type with a hard node affinity:
 * a driver on Spot would lose the whole job on interruption, so the driver
 * never lands there, and executors land only where they were asked to.
 * Affinity and tolerations come from {@link capacityPlacement}, the rule the
 * bootstrap bundle's node pools are made from.
 */
export function podTemplate(options: {
  spec: TenantSpec;
  cluster: ClusterSettings;
  role: 'driver' | 'executor';
  capacity: Capacity;
}): Record<string, unknown> {
  const { spec, cluster, role, capacity } = options;
  const placement = capacityPlacement(cluster, capacity);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      labels: {
        ...tenantLabels(spec),
        'emr-on-eks.spot-spark.io/capacity':
          capacity === 'spot' ? 'spot' : 'on-demand',
      },
    },
    spec: {
      priorityClassName: priorityClassName(spec.priorityTier, role),
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchExpressions: [
                  {
                    key: placement.nodeSelector.key,
                    operator: 'In',
                    values: [...placement.nodeSelector.values],
                  },
                ],
              },
            ],
          },
        },
      },
      // Only Spot nodes are tainted: without the bundle (managed node
      // groups) the toleration matches nothing and is harmless.
      ...(placement.tolerations.length > 0
        ? { tolerations: placement.tolerations.map(t => ({ ...t })) }
        : {}),
      containers: [
        {
          name:
            role === 'driver'
              ? SPARK_DRIVER_CONTAINER
              : SPARK_EXECUTOR_CONTAINER,
        },
      ],
    },
  };
}

/**
 * The three templates of a tenant for one tier (default: the tenant's own),
 * keyed like TenantPodTemplates.
 */
export function tenantPodTemplates(
  spec: TenantSpec,
  cluster: ClusterSettings,
  tier: PriorityTier = spec.priorityTier,
) {
  const forTier = { ...spec, priorityTier: tier };
  return {
    driver: podTemplate({
      spec: forTier,
      cluster,
      role: 'driver',
      capacity: 'onDemand',
    }),
    executor: podTemplate({
      spec: forTier,
      cluster,
      role: 'executor',
      capacity: 'spot',
    }),
    executorOnDemand: podTemplate({
      spec: forTier,
      cluster,
      role: 'executor',
      capacity: 'onDemand',
    }),
  };
}

/** YAML text of a manifest, byte-stable for the same input. */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}
