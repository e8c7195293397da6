import {
  CLUSTER_CHECKS,
  ClusterBootstrap,
  ClusterCheck,
  ClusterCheckId,
  ClusterPreflight,
} from '@spot-spark/plugin-emr-on-eks-common';

const TITLES: Record<ClusterCheckId, string> = {
  credentials: 'The cluster’s AWS credentials and account',
  'eks-cluster': 'The EKS cluster exists',
  identity: 'Jobs can get their AWS credentials',
  'oidc-provider': 'The IAM OIDC provider exists',
  'emr-service-linked-role': 'EMR’s service-linked role exists',
  'emr-cluster-access': 'EMR can reach the cluster',
  'node-pools': 'Node pools for Spot executors and On-Demand drivers',
  'storage-class': 'The storage class of the jobs’ volumes',
  'priority-classes': 'The priority classes of the tiers',
  'assets-bucket': 'The assets bucket blocks public access',
};

/** A passing check, as the backend reports it. */
export function aCheck(
  id: ClusterCheckId,
  overrides: Partial<ClusterCheck> = {},
): ClusterCheck {
  return {
    id,
    title: TITLES[id],
    status: 'pass',
    detail: `${id}: as expected`,
    ...overrides,
  };
}

/** The node-pools check failed, with the manifest that fixes it. */
export function aFailedNodePoolsCheck(cluster = 'shared'): ClusterCheck {
  return aCheck('node-pools', {
    status: 'fail',
    detail:
      'No NodePool admits executors: none has karpenter.sh/capacity-type spot with the label spot-spark.io/role=executor',
    advice: `kubectl apply -k bootstrap/${cluster}/  # the bundle under "Bootstrap bundle"`,
  });
}

/** A ready cluster in direct mode, every check passed. */
export function aCluster(
  overrides: Partial<ClusterPreflight> = {},
): ClusterPreflight {
  const name = overrides.name ?? 'shared';
  return {
    name,
    accountId: '123456789012',
    region: 'eu-west-1',
    eksClusterName: `${name}-eks`,
    identity: 'irsa',
    kubernetesMode: 'direct',
    ready: true,
    checks: CLUSTER_CHECKS.map(id => aCheck(id)),
    checkedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    ...overrides,
  };
}

/** A cluster whose node pools are missing (not ready), in GitOps mode in another account. */
export function aNotReadyCluster(
  overrides: Partial<ClusterPreflight> = {},
): ClusterPreflight {
  const name = overrides.name ?? 'analytics';
  return aCluster({
    name,
    accountId: '210987654321',
    region: 'us-east-1',
    identity: 'podIdentity',
    kubernetesMode: 'gitops',
    roleArn: 'arn:aws:iam::210987654321:role/spot-spark-backstage',
    ready: false,
    checks: CLUSTER_CHECKS.map(id => {
      if (id === 'node-pools') {
        return aFailedNodePoolsCheck(name);
      }
      if (id === 'oidc-provider') {
        return aCheck(id, {
          status: 'skipped',
          detail: 'Pod Identity needs no OIDC provider',
        });
      }
      return aCheck(id);
    }),
    ...overrides,
  });
}

/** A bootstrap bundle as the backend renders it for `cluster`. */
export function aBootstrap(cluster: string): ClusterBootstrap {
  const files = [
    {
      path: 'karpenter/nodepool-spot-executors.yaml',
      content: [
        'apiVersion: karpenter.sh/v1',
        'kind: NodePool',
        'metadata:',
        '  name: spot-spark-executors',
        'spec:',
        '  template:',
        '    spec:',
        '      requirements:',
        '        - key: karpenter.sh/capacity-type',
        '          operator: In',
        '          values: [spot]',
        '',
      ].join('\n'),
    },
    {
      path: 'karpenter/nodepool-on-demand-drivers.yaml',
      content: [
        'apiVersion: karpenter.sh/v1',
        'kind: NodePool',
        'metadata:',
        '  name: spot-spark-drivers',
        '',
      ].join('\n'),
    },
    {
      path: 'storage/storageclass-gp3.yaml',
      content: [
        'apiVersion: storage.k8s.io/v1',
        'kind: StorageClass',
        'metadata:',
        '  name: spot-spark-gp3',
        'volumeBindingMode: WaitForFirstConsumer',
        '',
      ].join('\n'),
    },
    {
      path: 'kustomization.yaml',
      content: [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'resources:',
        '  - karpenter/nodepool-spot-executors.yaml',
        '  - karpenter/nodepool-on-demand-drivers.yaml',
        '  - storage/storageclass-gp3.yaml',
        '',
      ].join('\n'),
    },
  ];
  return { cluster, files };
}
