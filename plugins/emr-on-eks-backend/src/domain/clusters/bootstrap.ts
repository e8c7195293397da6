/*
 * The cluster bootstrap bundle: what a cluster needs for Spot-first Spark
 * (Karpenter node pools and node class, the tiers' priority classes, a gp3
 * storage class, and how to give EMR access), rendered from the cluster's
 * settings. See docs/cluster-bootstrap.md.
 *
 * Signature for callers (GET /clusters/:name/bootstrap):
 *   renderBootstrapBundle(cluster: ClusterSettings, jobs: { storageClass: string })
 * Pass `settings.jobs` as the second argument: the storage class is named as
 * the job runs ask for it. Settings the bundle cannot honour (a capacity
 * label Karpenter may not set, a Windows AMI) throw a BootstrapSettingsError
 * whose message names the key to change.
 */
import {
  EMR_ON_EKS_LABELS,
  EMR_ON_EKS_MANAGED_BY,
  type ClusterBootstrapFile,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { ClusterSettings, JobSettings } from '../../config';
import { Capacity, capacityPlacement } from '../capacity';
import { clusterPriorityClasses, KubernetesObject } from '../kubernetes';
import { partitionOf } from '../names';
import { toYaml } from '../podTemplates';

/** Names of the bundle's Karpenter objects. */
export const BOOTSTRAP_NAMES = {
  nodeClass: 'emr-on-eks-spark',
  spotNodePool: 'emr-on-eks-spot-executors',
  onDemandNodePool: 'emr-on-eks-on-demand-drivers',
} as const;

/** Karpenter's own capacity-type label and its values. */
const KARPENTER_CAPACITY_LABEL = 'karpenter.sh/capacity-type';
const KARPENTER_CAPACITY_VALUES: Record<Capacity, string> = {
  onDemand: 'on-demand',
  spot: 'spot',
};

/** A cluster setting the bundle cannot be made from; the message names it. */
export class BootstrapSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BootstrapSettingsError';
  }
}

/*
 * Karpenter's restricted labels (sigs.k8s.io/karpenter pkg/apis/v1/labels.go,
 * plus the AWS provider's own domain): a NodePool may not set them, and the
 * well-known ones are Karpenter's to fill in.
 */
const RESTRICTED_DOMAINS = [
  'kubernetes.io',
  'k8s.io',
  'karpenter.sh',
  'karpenter.k8s.aws',
];
const DOMAIN_EXCEPTIONS = [
  'kops.k8s.io',
  'node.kubernetes.io',
  'node-restriction.kubernetes.io',
];
const WELL_KNOWN_LABELS = [
  'karpenter.sh/nodepool',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'node.kubernetes.io/instance-type',
  'kubernetes.io/arch',
  'kubernetes.io/os',
  KARPENTER_CAPACITY_LABEL,
  'node.kubernetes.io/windows-build',
];

/** Whether a NodePool may put `key` on its nodes as a template label. */
export function karpenterMaySetLabel(key: string): boolean {
  if (WELL_KNOWN_LABELS.includes(key) || key === 'kubernetes.io/hostname') {
    return false;
  }
  const domain = key.includes('/') ? key.slice(0, key.indexOf('/')) : '';
  if (DOMAIN_EXCEPTIONS.some(d => domain.endsWith(d))) {
    return true;
  }
  return !RESTRICTED_DOMAINS.some(d => domain.endsWith(d));
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkCapacityLabel(cluster: ClusterSettings): void {
  const key = cluster.capacityTypeLabel;
  const values = cluster.capacityTypeValues;
  const where = `emrOnEks.clusters (${cluster.name})`;
  if (values.onDemand === values.spot) {
    throw new BootstrapSettingsError(
      `${where}.capacityTypeValues: onDemand and spot are both ${values.spot}; they must differ, or drivers could land on Spot`,
    );
  }
  for (const capacity of ['onDemand', 'spot'] as const) {
    if (values[capacity].length > 63 || !LABEL_VALUE.test(values[capacity])) {
      throw new BootstrapSettingsError(
        `${where}.capacityTypeValues.${capacity} (${values[capacity]}) is not a Kubernetes label value`,
      );
    }
  }
  if (key === KARPENTER_CAPACITY_LABEL) {
    if (
      values.onDemand !== KARPENTER_CAPACITY_VALUES.onDemand ||
      values.spot !== KARPENTER_CAPACITY_VALUES.spot
    ) {
      throw new BootstrapSettingsError(
        `${where}.capacityTypeValues: Karpenter's ${key} label takes on-demand and spot, not ${values.onDemand} and ${values.spot}; remove capacityTypeValues`,
      );
    }
    return;
  }
  if (!karpenterMaySetLabel(key)) {
    throw new BootstrapSettingsError(
      `${where}.capacityTypeLabel: Karpenter may not put ${key} on its nodes (a restricted or well-known label); use karpenter.sh/capacity-type, eks.amazonaws.com/capacityType or a label of your own domain`,
    );
  }
}

/** Graviton families (m7g, c6gn, r8g, x2gd, im4gn, a1) are arm64. */
function architecture(family: string): 'arm64' | 'amd64' {
  return family === 'a1' || /^[a-z]+\d+g/.test(family) ? 'arm64' : 'amd64';
}

function managedLabels(): Record<string, string> {
  return { [EMR_ON_EKS_LABELS.managedBy]: EMR_ON_EKS_MANAGED_BY };
}

function ec2NodeClass(cluster: ClusterSettings): KubernetesObject {
  const bootstrap = cluster.bootstrap;
  const family = bootstrap.amiAlias.slice(0, bootstrap.amiAlias.indexOf('@'));
  if (family.startsWith('windows')) {
    throw new BootstrapSettingsError(
      `emrOnEks.clusters (${cluster.name}).bootstrap.amiAlias: ${bootstrap.amiAlias} is a Windows AMI, and EMR on EKS runs Spark in Linux containers; use al2023@latest or bottlerocket@latest`,
    );
  }
  const discovery = { 'karpenter.sh/discovery': cluster.eksClusterName };
  return {
    apiVersion: 'karpenter.k8s.aws/v1',
    kind: 'EC2NodeClass',
    metadata: { name: BOOTSTRAP_NAMES.nodeClass, labels: managedLabels() },
    spec: {
      role: bootstrap.nodeRole ?? `KarpenterNodeRole-${cluster.eksClusterName}`,
      amiSelectorTerms: [{ alias: bootstrap.amiAlias }],
      subnetSelectorTerms: [
        { tags: { ...(bootstrap.subnetSelectorTags ?? discovery) } },
      ],
      securityGroupSelectorTerms: [
        { tags: { ...(bootstrap.securityGroupSelectorTags ?? discovery) } },
      ],
      // Room for EMR's images (several GB each) and Spark's local scratch;
      // Bottlerocket keeps both on its data volume, the others on the root.
      blockDeviceMappings: [
        {
          deviceName: family === 'bottlerocket' ? '/dev/xvdb' : '/dev/xvda',
          ebs: {
            volumeSize: `${bootstrap.nodeVolumeGiB}Gi`,
            volumeType: 'gp3',
            encrypted: true,
            deleteOnTermination: true,
          },
        },
      ],
      // IMDSv2 only, one hop: pods cannot borrow the node's role; they use
      // their job-execution role (IRSA or Pod Identity).
      metadataOptions: {
        httpEndpoint: 'enabled',
        httpProtocolIPv6: 'disabled',
        httpPutResponseHopLimit: 1,
        httpTokens: 'required',
      },
      tags: {
        [EMR_ON_EKS_LABELS.managedBy]: EMR_ON_EKS_MANAGED_BY,
        'emr-on-eks.spot-spark.io/cluster': cluster.name,
      },
    },
  };
}

function nodePool(
  cluster: ClusterSettings,
  options: {
    name: string;
    capacity: Capacity;
    families: string[];
    maxCpu: number;
    /** Smallest instance, in vCPUs (exclusive). */
    cpuAbove: number;
    consolidateAfter: string;
  },
): KubernetesObject {
  const { capacity } = options;
  const placement = capacityPlacement(cluster, capacity);
  const families = [...new Set(options.families)];
  const arches = [...new Set(families.map(architecture))].sort();
  // Karpenter's own capacity-type label comes from the requirement below;
  // any other capacity label (eks.amazonaws.com/capacityType, a custom one)
  // is put on the nodes so that the pod templates' affinity matches.
  const labels = Object.fromEntries(
    Object.entries(placement.nodeLabels).filter(
      ([key]) => key !== KARPENTER_CAPACITY_LABEL,
    ),
  );
  return {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name: options.name, labels: managedLabels() },
    spec: {
      template: {
        ...(Object.keys(labels).length > 0 ? { metadata: { labels } } : {}),
        spec: {
          nodeClassRef: {
            group: 'karpenter.k8s.aws',
            kind: 'EC2NodeClass',
            name: BOOTSTRAP_NAMES.nodeClass,
          },
          requirements: [
            {
              key: KARPENTER_CAPACITY_LABEL,
              operator: 'In',
              values: [KARPENTER_CAPACITY_VALUES[capacity]],
            },
            {
              key: 'karpenter.k8s.aws/instance-family',
              operator: 'In',
              values: families,
              // Spot: keep several families in every launch request, so EC2
              // Fleet has many pools to choose from (fewer interruptions).
              ...(capacity === 'spot'
                ? { minValues: Math.min(3, families.length) }
                : {}),
            },
            {
              key: 'karpenter.k8s.aws/instance-cpu',
              operator: 'Gt',
              values: [String(options.cpuAbove)],
            },
            { key: 'kubernetes.io/arch', operator: 'In', values: arches },
            { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
          ],
          ...(placement.taints.length > 0
            ? { taints: placement.taints.map(taint => ({ ...taint })) }
            : {}),
          expireAfter: cluster.bootstrap.expireAfter,
        },
      },
      // Only empty nodes are removed: consolidating a busy node would evict
      // running executors and drivers, and Spark would recompute their work.
      disruption: {
        consolidationPolicy: 'WhenEmpty',
        consolidateAfter: options.consolidateAfter,
      },
      limits: { cpu: String(options.maxCpu) },
    },
  };
}

/**
 * The bundle's Kubernetes objects, in apply order: priority classes, the
 * storage class, the node class and the two node pools.
 */
export function bootstrapObjects(
  cluster: ClusterSettings,
  jobs: Pick<JobSettings, 'storageClass'>,
): {
  priorityClasses: KubernetesObject[];
  storageClass: KubernetesObject;
  nodeClass: KubernetesObject;
  onDemandNodePool: KubernetesObject;
  spotNodePool: KubernetesObject;
} {
  checkCapacityLabel(cluster);
  const bootstrap = cluster.bootstrap;
  return {
    // The very objects onboarding applies (clusterObjects), so either path
    // leaves the cluster the same.
    priorityClasses: clusterPriorityClasses(),
    storageClass: {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: jobs.storageClass, labels: managedLabels() },
      provisioner: 'ebs.csi.aws.com',
      parameters: {
        type: 'gp3',
        encrypted: 'true',
        'csi.storage.k8s.io/fstype': 'ext4',
      },
      // The volume is made in the zone the pod was scheduled to, not before.
      volumeBindingMode: 'WaitForFirstConsumer',
      reclaimPolicy: 'Delete',
      allowVolumeExpansion: true,
    },
    nodeClass: ec2NodeClass(cluster),
    // Drivers and EMR's job submitters: On-Demand, untainted (the submitter
    // takes no tolerations), small instances allowed.
    onDemandNodePool: nodePool(cluster, {
      name: BOOTSTRAP_NAMES.onDemandNodePool,
      capacity: 'onDemand',
      families: bootstrap.onDemandInstanceFamilies,
      maxCpu: bootstrap.onDemandMaxCpu,
      cpuAbove: 1,
      consolidateAfter: '5m',
    }),
    // Executors: Spot, many families, 4 vCPUs and up. EC2 Fleet picks the
    // instance with Karpenter's price-capacity-optimized allocation strategy
    // (the NodePool has no field for it: Karpenter always uses it for Spot).
    spotNodePool: nodePool(cluster, {
      name: BOOTSTRAP_NAMES.spotNodePool,
      capacity: 'spot',
      families: bootstrap.spotInstanceFamilies,
      maxCpu: bootstrap.spotMaxCpu,
      cpuAbove: 3,
      consolidateAfter: '2m',
    }),
  };
}

function manifest(cluster: ClusterSettings, objects: KubernetesObject[]) {
  const header = `# Rendered by ${EMR_ON_EKS_MANAGED_BY} for cluster ${cluster.name}: change the settings (emrOnEks.clusters[].bootstrap), not this file.\n`;
  return header + objects.map(object => toYaml(object)).join('---\n');
}

function readme(
  cluster: ClusterSettings,
  paths: string[],
  storageClass: string,
): string {
  const partition = partitionOf(cluster.region);
  const slr = `arn:${partition}:iam::${cluster.accountId}:role/AWSServiceRoleForAmazonEMRContainers`;
  const common = `--cluster-name ${cluster.eksClusterName} --region ${cluster.region}`;
  return `# Cluster bootstrap: ${cluster.name}

Rendered by ${EMR_ON_EKS_MANAGED_BY} for EKS cluster \`${
    cluster.eksClusterName
  }\`
(account ${cluster.accountId}, ${
    cluster.region
  }). It makes the cluster ready for
Spot-first Spark: apply it once, and again after the settings change.

    kubectl apply -k .

What it holds:

${paths.map(path => `- \`${path}\``).join('\n')}

Needs Karpenter v1 (\`karpenter.sh/v1\`, \`karpenter.k8s.aws/v1\`), its node role
\`${
    cluster.bootstrap.nodeRole ?? `KarpenterNodeRole-${cluster.eksClusterName}`
  }\` with an
access entry of type EC2_LINUX, and the Amazon EBS CSI driver add-on (for the
\`${storageClass}\` storage class).

## EMR's access to the cluster

EMR on EKS reaches each tenant namespace as the Kubernetes user
\`emr-containers\`; onboarding creates the namespaced Role and RoleBinding for it.
No cluster-wide RBAC is needed. What maps EMR's service-linked role to that user
is not a manifest but an EKS access entry (an AWS call):

    aws eks describe-cluster --name ${cluster.eksClusterName} --region ${
    cluster.region
  } \\
      --query cluster.accessConfig.authenticationMode
    # If it is CONFIG_MAP, allow access entries:
    aws eks update-cluster-config --name ${cluster.eksClusterName} --region ${
    cluster.region
  } \\
      --access-config authenticationMode=API_AND_CONFIG_MAP

    aws eks create-access-entry ${common} \\
      --principal-arn ${slr} \\
      --kubernetes-username emr-containers

With access entries enabled, EMR can also make the entry itself when a virtual
cluster is created, granting \`AmazonEMRJobPolicy\` in that namespace (the caller
then needs \`eks:CreateAccessEntry\` and the other access-entry permissions the
EMR on EKS guide lists under "Enable cluster access using EKS Access Entry");
for a namespace by hand:

    aws eks associate-access-policy ${common} \\
      --principal-arn ${slr} \\
      --policy-arn arn:${partition}:eks::aws:cluster-access-policy/AmazonEMRJobPolicy \\
      --access-scope type=namespace,namespaces=<tenant namespace>

Clusters that still use the \`aws-auth\` ConfigMap map the same role instead:

    eksctl create iamidentitymapping --cluster ${
      cluster.eksClusterName
    } --region ${cluster.region} \\
      --arn ${slr} --username emr-containers
`;
}

/**
 * The files of a cluster's bootstrap bundle: a `kustomization.yaml` listing
 * the manifests (so `kubectl apply -k <dir>` applies them), the manifests,
 * and a README.md with what cannot be a manifest (EMR's access entry).
 * Byte-stable: the same settings give the same text.
 */
export function renderBootstrapBundle(
  cluster: ClusterSettings,
  jobs: Pick<JobSettings, 'storageClass'>,
): ClusterBootstrapFile[] {
  const objects = bootstrapObjects(cluster, jobs);
  const manifests: ClusterBootstrapFile[] = [
    {
      path: 'priority-classes.yaml',
      content: manifest(cluster, objects.priorityClasses),
    },
    {
      path: 'storage-class.yaml',
      content: manifest(cluster, [objects.storageClass]),
    },
    {
      path: 'karpenter/ec2nodeclass.yaml',
      content: manifest(cluster, [objects.nodeClass]),
    },
    {
      path: 'karpenter/nodepool-on-demand-drivers.yaml',
      content: manifest(cluster, [objects.onDemandNodePool]),
    },
    {
      path: 'karpenter/nodepool-spot-executors.yaml',
      content: manifest(cluster, [objects.spotNodePool]),
    },
  ];
  const paths = manifests.map(file => file.path);
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: paths,
  };
  return [
    {
      path: 'README.md',
      content: readme(
        cluster,
        ['kustomization.yaml', ...paths],
        jobs.storageClass,
      ),
    },
    { path: 'kustomization.yaml', content: toYaml(kustomization) },
    ...manifests,
  ];
}
