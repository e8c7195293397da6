import {
  PRIORITY_TIERS,
  type PriorityTier,
  type TenantSpec,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { ClusterSettings } from '../../../config';
import { priorityClassName } from '../../kubernetes';
import { tenantPodTemplates, toYaml } from '../../podTemplates';
import { nodePoolAdmits } from '../scheduling';
import type {
  ClusterFacts,
  ClusterKubernetesState,
  PreflightCluster,
} from './facts';
import {
  applyHeredoc,
  checkTitle,
  fail,
  pass,
  regionFlag,
  skipped,
  warn,
  type Outcome,
} from './outcomes';

/*
 * The checks of the cluster's Kubernetes side (the live cluster, or the
 * GitOps output): node pools, the jobs' storage class, the tiers' priority
 * classes.
 */

/** A skip when the Kubernetes side was not read or could not be; undefined when it was. */
export function kubernetesReadFailure(
  facts: ClusterFacts,
): Outcome | undefined {
  const fact = facts.kubernetes;
  if (!fact) {
    return skipped('Not checked: the Kubernetes side was not read.');
  }
  return 'error' in fact
    ? skipped(
        `Not checked: the Kubernetes side could not be read (see "${checkTitle(
          'node-pools',
          'irsa',
        )}").`,
      )
    : undefined;
}

/** The pods our templates create, by what they need. */
function templatePods(cluster: ClusterSettings) {
  // The templates read only the tenant's name, owner and tier.
  const spec = {
    name: 'preflight',
    owner: 'group:default/preflight',
    priorityTier: 'standard',
  } as TenantSpec;
  const templates = tenantPodTemplates(spec, cluster);
  return [
    {
      what: 'Spark executors on Spot',
      capacity: 'spot' as const,
      pod: templates.executor,
    },
    {
      what: 'Spark drivers and job submitters on On-Demand',
      capacity: 'onDemand' as const,
      pod: templates.driver,
    },
  ];
}

/** Whether a node's labels satisfy the pod's required node affinity and selector. */
export function nodeLabelsAdmit(
  labels: Record<string, string>,
  pod: Record<string, unknown>,
): boolean {
  const spec = (pod.spec ?? {}) as {
    nodeSelector?: Record<string, string>;
    affinity?: {
      nodeAffinity?: {
        requiredDuringSchedulingIgnoredDuringExecution?: {
          nodeSelectorTerms?: Array<{
            matchExpressions?: Array<{
              key: string;
              operator: string;
              values?: string[];
            }>;
          }>;
        };
      };
    };
  };
  const selectorOk = Object.entries(spec.nodeSelector ?? {}).every(
    ([key, value]) => labels[key] === value,
  );
  const terms =
    spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
      ?.nodeSelectorTerms ?? [];
  const termsOk =
    terms.length === 0 ||
    terms.some(term =>
      (term.matchExpressions ?? []).every(expression => {
        const value = labels[expression.key];
        switch (expression.operator) {
          case 'In':
            return value !== undefined && !!expression.values?.includes(value);
          case 'NotIn':
            return value === undefined || !expression.values?.includes(value);
          case 'Exists':
            return value !== undefined;
          case 'DoesNotExist':
            return value === undefined;
          default:
            return false;
        }
      }),
    );
  return selectorOk && termsOk;
}

/** Whether something can run the pod templates' Spot and On-Demand pods. */
export function nodePoolsCheck(
  cluster: ClusterSettings,
  facts: ClusterFacts,
): Outcome {
  const fact = facts.kubernetes;
  if (!fact) {
    return skipped('Not checked: the Kubernetes side was not read.');
  }
  if ('error' in fact) {
    return fail(
      `Could not read the cluster's node pools and nodes: ${fact.error}`,
      cluster.kubernetes.mode === 'gitops'
        ? `Check that the backend can read the GitOps output of cluster ${cluster.name}.`
        : `Check that the backend reaches the Kubernetes API of cluster ${cluster.name} and may list nodes, nodepools.karpenter.sh, storageclasses and priorityclasses.`,
    );
  }
  const state = fact.value;
  const label = cluster.capacityTypeLabel;
  const found: string[] = [];
  const missing: string[] = [];
  for (const { what, capacity, pod } of templatePods(cluster)) {
    const pools = state.nodePools
      .filter(pool => nodePoolAdmits(pool, pod).admitted)
      .map(pool => `NodePool ${pool.metadata.name}`);
    const nodes = state.nodes
      .filter(node => nodeLabelsAdmit(node.labels, pod))
      .map(node => `node ${node.name}`);
    const where = [...pools, ...nodes.slice(0, 3)];
    if (nodes.length > 3) {
      where.push(`${nodes.length - 3} more nodes`);
    }
    if (where.length > 0) {
      found.push(`${what}: ${where.join(', ')}`);
    } else {
      missing.push(
        `${what} (${label}=${cluster.capacityTypeValues[capacity]})`,
      );
    }
  }
  if (missing.length > 0) {
    const advice = [
      `Apply the cluster's bootstrap bundle (Karpenter NodePools whose labels match the pod templates): download it from GET /api/emr-on-eks/clusters/${cluster.name}/bootstrap (the Clusters tab), then`,
      `kubectl apply -k ${cluster.name}-bootstrap/`,
      ...(cluster.kubernetes.mode === 'gitops'
        ? [
            `or write it into the GitOps output with POST /api/emr-on-eks/clusters/${cluster.name}/bootstrap and point the GitOps tool at its bootstrap/ directory,`,
          ]
        : []),
      `or give managed node groups the label ${label} (${cluster.capacityTypeValues.spot} for Spot, ${cluster.capacityTypeValues.onDemand} for On-Demand).`,
    ].join('\n');
    const also = found.length ? ` Found: ${found.join('; ')}.` : '';
    // The GitOps output shows neither nodes nor what other tools apply.
    return cluster.kubernetes.mode === 'gitops'
      ? warn(
          `The GitOps output declares no NodePool for ${missing.join(
            ' or ',
          )}; unless something outside it provides them, their pods stay Pending.${also}`,
          advice,
        )
      : fail(
          `Nothing can run ${missing.join(
            ' or ',
          )}: their pods would stay Pending.${also}`,
          advice,
        );
  }
  return pass(`${found.join('; ')}.`);
}

/** The gp3 StorageClass of the bundle, as a manifest to apply. */
export function storageClassManifest(name: string): string {
  return toYaml({
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name },
    provisioner: 'ebs.csi.aws.com',
    volumeBindingMode: 'WaitForFirstConsumer',
    allowVolumeExpansion: true,
    parameters: { type: 'gp3', encrypted: 'true' },
  });
}

/** Whether the jobs' storage class exists. */
export function storageClassCheck(
  target: PreflightCluster,
  facts: ClusterFacts,
): Outcome {
  const state = (facts.kubernetes as { value: ClusterKubernetesState }).value;
  const name = target.storageClass;
  if (state.storageClasses.includes(name)) {
    return pass(`StorageClass ${name} exists.`);
  }
  return (target.cluster.kubernetes.mode === 'gitops' ? warn : fail)(
    target.cluster.kubernetes.mode === 'gitops'
      ? `The GitOps output declares no StorageClass ${name} (emrOnEks.jobs.storageClass); unless something outside it does, the executors' local volumes stay Pending.`
      : `StorageClass ${name} (emrOnEks.jobs.storageClass) does not exist: the executors' local volumes would stay Pending.`,
    `${applyHeredoc(
      storageClassManifest(name),
    )}\n(It needs the EBS CSI driver: aws eks create-addon --cluster-name ${
      target.cluster.eksClusterName
    } --addon-name aws-ebs-csi-driver ${regionFlag(target.cluster)})`,
  );
}

function tiersOf(cluster: ClusterSettings): PriorityTier[] {
  const allowed = (cluster.guardrails as { allowedPriorityTiers?: string[] })
    .allowedPriorityTiers;
  return PRIORITY_TIERS.filter(tier => !allowed || allowed.includes(tier));
}

/** Whether the allowed tiers' priority classes exist. */
export function priorityClassesCheck(
  cluster: ClusterSettings,
  facts: ClusterFacts,
): Outcome {
  const state = (facts.kubernetes as { value: ClusterKubernetesState }).value;
  const wanted = tiersOf(cluster).flatMap(tier =>
    (['driver', 'executor'] as const).map(role =>
      priorityClassName(tier, role),
    ),
  );
  const missing = wanted.filter(name => !state.priorityClasses.includes(name));
  if (missing.length === 0) {
    return pass(`PriorityClasses ${wanted.join(', ')} exist.`);
  }
  // The plugin applies them itself with a tenant's first reconcile.
  return warn(
    `PriorityClasses ${missing.join(
      ', ',
    )} do not exist yet; the plugin creates them when it reconciles the cluster's first tenant.`,
    `They come with the bootstrap bundle (kubectl apply -k ${cluster.name}-bootstrap/), or are created with the first tenant.`,
  );
}
