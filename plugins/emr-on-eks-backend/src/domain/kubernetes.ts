import {
  EMR_ON_EKS_LABELS,
  EMR_ON_EKS_MANAGED_BY,
  PRIORITY_TIERS,
  PriorityTier,
  TenantSpec,
} from '@spot-spark/plugin-emr-on-eks-common';
import { parseEntityRef } from '@backstage/catalog-model';

/** A Kubernetes object as we render it: plain data, applied as-is. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/**
 * Priority values per tier. Every driver class sits above every executor
 * class, so under pressure the scheduler preempts executors (which the driver
 * can bring back) and never a driver (which would lose the whole job).
 */
const PRIORITY_VALUES: Record<
  PriorityTier,
  { driver: number; executor: number }
> = {
  low: { driver: 2000, executor: 1000 },
  standard: { driver: 2100, executor: 1100 },
  high: { driver: 2200, executor: 1200 },
};

export function priorityClassName(
  tier: PriorityTier,
  role: 'driver' | 'executor',
): string {
  return `emr-on-eks-${tier}-${role}`;
}

/** Kubernetes' own classes, meant for cluster components only. */
const SYSTEM_PRIORITY_CLASSES = [
  'system-cluster-critical',
  'system-node-critical',
];

/** The PriorityClasses a tenant of `tier` may not use: higher tiers' and the system ones. */
export function forbiddenPriorityClasses(tier: PriorityTier): string[] {
  const above = PRIORITY_TIERS.slice(PRIORITY_TIERS.indexOf(tier) + 1);
  return [
    ...above.flatMap(higher => [
      priorityClassName(higher, 'driver'),
      priorityClassName(higher, 'executor'),
    ]),
    ...SYSTEM_PRIORITY_CLASSES,
  ];
}

function managedLabels(extra: Record<string, string> = {}) {
  return { [EMR_ON_EKS_LABELS.managedBy]: EMR_ON_EKS_MANAGED_BY, ...extra };
}

/**
 * Cluster-scoped PriorityClasses, shared by all tenants of a cluster: rendered
 * once per cluster, never per tenant.
 */
export function clusterPriorityClasses(): KubernetesObject[] {
  return PRIORITY_TIERS.flatMap(tier =>
    (['driver', 'executor'] as const).map(role => ({
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: {
        name: priorityClassName(tier, role),
        labels: managedLabels(),
      },
      value: PRIORITY_VALUES[tier][role],
      globalDefault: false,
      preemptionPolicy: 'PreemptLowerPriority',
      description: `EMR on EKS ${role}s of ${tier}-priority tenants`,
    })),
  );
}

const FULL = [
  'get',
  'list',
  'watch',
  'describe',
  'create',
  'edit',
  'delete',
  'annotate',
  'patch',
  'label',
];
const FULL_WITH_COLLECTIONS = [
  ...FULL.slice(0, 7),
  'deletecollection',
  ...FULL.slice(7),
];

/**
 * What the EMR service (user `emr-containers`) may do in a tenant namespace:
 * the rules of eksctl's emr-containers-rbac.yaml and terraform-aws-emr's
 * virtual-cluster module.
 */
const EMR_CONTAINERS_RULES = [
  { apiGroups: [''], resources: ['namespaces'], verbs: ['get'] },
  {
    apiGroups: [''],
    resources: [
      'serviceaccounts',
      'services',
      'configmaps',
      'events',
      'pods',
      'pods/log',
    ],
    verbs: FULL_WITH_COLLECTIONS,
  },
  {
    apiGroups: [''],
    resources: ['secrets'],
    verbs: ['create', 'patch', 'delete', 'watch'],
  },
  {
    apiGroups: ['apps'],
    resources: ['statefulsets', 'deployments'],
    verbs: FULL,
  },
  { apiGroups: ['batch'], resources: ['jobs'], verbs: FULL },
  {
    apiGroups: ['extensions', 'networking.k8s.io'],
    resources: ['ingresses'],
    verbs: FULL,
  },
  {
    apiGroups: ['rbac.authorization.k8s.io'],
    resources: ['roles', 'rolebindings'],
    verbs: FULL_WITH_COLLECTIONS,
  },
  { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: FULL },
];

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * A text as a Kubernetes label value: at most 63 of `[A-Za-z0-9._-]`, starting
 * and ending with a letter or digit. The spec schema already only accepts
 * owners whose name is one (the catalog's name rules are the same); this is
 * the last line for specs stored before that check, so that one bad value
 * cannot stop a tenant's objects from being applied.
 */
export function toLabelValue(text: string): string {
  if (text.length <= 63 && LABEL_VALUE.test(text)) {
    return text;
  }
  return text
    .replace(/[^-A-Za-z0-9_.]/g, '-')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/[^A-Za-z0-9]+$/, '');
}

/** Labels every namespaced object of a tenant carries. */
export function tenantLabels(spec: TenantSpec): Record<string, string> {
  return managedLabels({
    [EMR_ON_EKS_LABELS.tenant]: spec.name,
    // Label values cannot hold an entity ref; the full ref is an annotation.
    [EMR_ON_EKS_LABELS.owner]: toLabelValue(parseEntityRef(spec.owner).name),
  });
}

/**
 * The namespaced objects of a tenant, in apply order: the namespace first,
 * then what lives in it.
 */
export function tenantObjects(spec: TenantSpec): KubernetesObject[] {
  const namespace = spec.namespace;
  const labels = tenantLabels(spec);
  const meta = (name: string) => ({ name, namespace, labels });

  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: namespace,
        labels: {
          ...labels,
          'pod-security.kubernetes.io/enforce': spec.podSecurity,
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': 'latest',
        },
        annotations: {
          [EMR_ON_EKS_LABELS.owner]: spec.owner,
          ...(spec.description
            ? { 'emr-on-eks.spot-spark.io/description': spec.description }
            : {}),
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: meta('emr-on-eks-quota'),
      spec: { hard: { ...spec.quota } },
    },
    {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: meta('emr-on-eks-limits'),
      spec: {
        limits: [
          {
            type: 'Container',
            ...Object.fromEntries(
              (['max', 'min', 'default', 'defaultRequest'] as const)
                .filter(bound => Object.keys(spec.limitRange[bound]).length > 0)
                .map(bound => [bound, { ...spec.limitRange[bound] }]),
            ),
          },
        ],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('default-deny-all'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('allow-emr-on-eks-traffic'),
      spec: {
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        // Spark drivers and executors talk to each other inside the namespace.
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [
          { to: [{ podSelector: {} }] },
          {
            to: [
              {
                namespaceSelector: {
                  matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
                },
                podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
              },
            ],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
          // AWS endpoints (S3, STS, CloudWatch, Glue) and the API server.
          { ports: [{ protocol: 'TCP', port: 443 }] },
          ...(spec.network.egressCidrs.length > 0
            ? [
                {
                  to: spec.network.egressCidrs.map(cidr => ({
                    ipBlock: { cidr },
                  })),
                },
              ]
            : []),
        ],
      },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta('emr-containers'),
      rules: EMR_CONTAINERS_RULES,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta('emr-containers'),
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: 'emr-containers',
      },
      subjects: [
        {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'User',
          name: 'emr-containers',
        },
      ],
    },
    {
      // Tiers are enforced by the API server, not by convention: a pod of
      // this namespace asking for a higher tier's class, or for a system
      // class, is refused (a quota of zero pods for those classes), so it
      // cannot preempt other teams' pods.
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: meta('emr-on-eks-priority-guard'),
      spec: {
        hard: { pods: '0' },
        scopeSelector: {
          matchExpressions: [
            {
              scopeName: 'PriorityClass',
              operator: 'In',
              values: forbiddenPriorityClasses(spec.priorityTier),
            },
          ],
        },
      },
    },
  ];
}
