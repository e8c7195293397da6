import { KubernetesValidatorFunctions } from '@backstage/catalog-model';
import {
  parseTenantSpec,
  QUOTA_KEYS,
} from '@spot-spark/plugin-emr-on-eks-common';
import fc from 'fast-check';
import { validateAgainstUpstreamSchema } from '../__testUtils__/kubernetesSchemas';
import { identified, spec, testSettings } from '../__testUtils__/fixtures';
import { IAM_INLINE_POLICY_MAX_SIZE, policySize } from './iam';
import {
  clusterPriorityClasses,
  tenantObjects,
  toLabelValue,
} from './kubernetes';
import { buildTenantPlan, checkSpecAgainstSettings } from './plan';
import { tenantPodTemplates } from './podTemplates';

const byKindName = (
  objects: ReturnType<typeof tenantObjects>,
  kind: string,
  name?: string,
) =>
  objects.find(
    o => o.kind === kind && (!name || o.metadata.name === name),
  )! as any;

describe('tenantObjects', () => {
  const objects = tenantObjects(spec());

  it('renders objects that fit the upstream Kubernetes schemas', () => {
    expect(objects.map(o => o.kind)).toEqual([
      'Namespace',
      'ResourceQuota',
      'LimitRange',
      'NetworkPolicy',
      'NetworkPolicy',
      'Role',
      'RoleBinding',
      'ResourceQuota',
    ]);
    for (const object of objects) {
      expect(() => validateAgainstUpstreamSchema(object)).not.toThrow();
    }
  });

  it('is checked by a schema validation that does reject bad objects', () => {
    const broken = { ...byKindName(objects, 'LimitRange') };
    broken.spec = { limits: [{ type: 'Container', max: 'six cores' }] };
    expect(() => validateAgainstUpstreamSchema(broken)).toThrow();
  });

  it('labels the namespace with tenant, owner and Pod Security Admission', () => {
    const ns = byKindName(objects, 'Namespace');
    expect(ns.metadata.name).toBe('team-a');
    expect(ns.metadata.labels).toMatchObject({
      'emr-on-eks.spot-spark.io/tenant': 'team-a',
      'emr-on-eks.spot-spark.io/owner': 'team-a',
      'pod-security.kubernetes.io/enforce': 'baseline',
    });
    expect(ns.metadata.annotations['emr-on-eks.spot-spark.io/owner']).toBe(
      'group:default/team-a',
    );
    const strict = byKindName(
      tenantObjects(spec({ podSecurity: 'restricted' })),
      'Namespace',
    );
    expect(strict.metadata.labels['pod-security.kubernetes.io/enforce']).toBe(
      'restricted',
    );
  });

  it('uses the namespace override for every namespaced object', () => {
    const custom = tenantObjects(spec({ namespace: 'spark-team-a' }));
    expect(custom[0].metadata.name).toBe('spark-team-a');
    for (const object of custom.slice(1)) {
      expect(object.metadata.namespace).toBe('spark-team-a');
    }
  });

  it('carries quota and LimitRange exactly as specified', () => {
    expect(byKindName(objects, 'ResourceQuota').spec.hard).toEqual({
      'requests.cpu': '64',
      'requests.memory': '256Gi',
      'limits.cpu': '128',
      'limits.memory': '512Gi',
      pods: '200',
      'requests.storage': '2Ti',
    });
    expect(byKindName(objects, 'LimitRange').spec.limits).toEqual([
      {
        type: 'Container',
        max: { cpu: '6', memory: '48Gi' },
        min: { cpu: '100m', memory: '64Mi' },
        default: { cpu: '1', memory: '2Gi' },
        defaultRequest: { cpu: '500m', memory: '1Gi' },
      },
    ]);
  });

  it('denies by default and allows namespace, DNS, HTTPS and the spec CIDRs', () => {
    const deny = byKindName(objects, 'NetworkPolicy', 'default-deny-all');
    expect(deny.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
    });
    const allow = byKindName(
      objects,
      'NetworkPolicy',
      'allow-emr-on-eks-traffic',
    );
    expect(allow.spec.ingress).toEqual([{ from: [{ podSelector: {} }] }]);
    expect(allow.spec.egress).toEqual([
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
      { ports: [{ protocol: 'TCP', port: 443 }] },
      { to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] },
    ]);
    const none = byKindName(
      tenantObjects(spec({ network: { egressCidrs: [] } })),
      'NetworkPolicy',
      'allow-emr-on-eks-traffic',
    );
    expect(none.spec.egress).toHaveLength(3);
  });

  it('binds the emr-containers Role to the emr-containers user', () => {
    const role = byKindName(objects, 'Role');
    expect(role.metadata.name).toBe('emr-containers');
    expect(role.rules).toContainEqual({
      apiGroups: [''],
      resources: ['namespaces'],
      verbs: ['get'],
    });
    expect(role.rules).toContainEqual({
      apiGroups: [''],
      resources: ['secrets'],
      verbs: ['create', 'patch', 'delete', 'watch'],
    });
    const binding = byKindName(objects, 'RoleBinding');
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'emr-containers',
    });
    expect(binding.subjects).toEqual([
      {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'User',
        name: 'emr-containers',
      },
    ]);
  });
});

describe('clusterPriorityClasses', () => {
  const classes = clusterPriorityClasses() as any[];

  it('fit the upstream schema and are not global defaults', () => {
    for (const pc of classes) {
      expect(() => validateAgainstUpstreamSchema(pc)).not.toThrow();
      expect(pc.globalDefault).toBe(false);
    }
  });

  it('put every driver above every executor, and tiers in order', () => {
    const value = (name: string) =>
      classes.find(c => c.metadata.name === name).value;
    const drivers = classes
      .filter(c => c.metadata.name.endsWith('-driver'))
      .map(c => c.value);
    const executors = classes
      .filter(c => c.metadata.name.endsWith('-executor'))
      .map(c => c.value);
    expect(Math.min(...drivers)).toBeGreaterThan(Math.max(...executors));
    expect(value('emr-on-eks-high-executor')).toBeGreaterThan(
      value('emr-on-eks-standard-executor'),
    );
    expect(value('emr-on-eks-standard-executor')).toBeGreaterThan(
      value('emr-on-eks-low-executor'),
    );
  });
});

describe('tenantPodTemplates', () => {
  const settings = testSettings();
  const templates = tenantPodTemplates(spec(), settings.clusters[0]) as any;
  const affinity = (template: any) =>
    template.spec.affinity.nodeAffinity
      .requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]
      .matchExpressions[0];

  it('are valid Pods with the container names Spark uses', () => {
    for (const template of Object.values(templates)) {
      expect(() =>
        validateAgainstUpstreamSchema(template as any),
      ).not.toThrow();
    }
    expect(templates.driver.spec.containers[0].name).toBe(
      'spark-kubernetes-driver',
    );
    expect(templates.executor.spec.containers[0].name).toBe(
      'spark-kubernetes-executor',
    );
  });

  it('pin the driver to On-Demand and executors to Spot with hard affinity', () => {
    expect(affinity(templates.driver)).toEqual({
      key: 'eks.amazonaws.com/capacityType',
      operator: 'In',
      values: ['ON_DEMAND'],
    });
    expect(affinity(templates.executor).values).toEqual(['SPOT']);
    expect(affinity(templates.executorOnDemand).values).toEqual(['ON_DEMAND']);
    expect(templates.driver.spec.priorityClassName).toBe(
      'emr-on-eks-standard-driver',
    );
    expect(templates.executor.spec.priorityClassName).toBe(
      'emr-on-eks-standard-executor',
    );
  });

  it('use Karpenter values with the Karpenter label', () => {
    const karpenter = testSettings();
    const cluster = {
      ...karpenter.clusters[0],
      capacityTypeLabel: 'karpenter.sh/capacity-type',
      capacityTypeValues: { onDemand: 'on-demand', spot: 'spot' },
    };
    const t = tenantPodTemplates(
      spec({ priorityTier: 'high' }),
      cluster,
    ) as any;
    expect(affinity(t.driver)).toEqual({
      key: 'karpenter.sh/capacity-type',
      operator: 'In',
      values: ['on-demand'],
    });
    expect(affinity(t.executor).values).toEqual(['spot']);
    expect(t.executor.spec.priorityClassName).toBe('emr-on-eks-high-executor');
  });
});

describe('priority guard', () => {
  it.each([
    [
      'low',
      [
        'emr-on-eks-standard-driver',
        'emr-on-eks-standard-executor',
        'emr-on-eks-high-driver',
        'emr-on-eks-high-executor',
        'system-cluster-critical',
        'system-node-critical',
      ],
    ],
    [
      'standard',
      [
        'emr-on-eks-high-driver',
        'emr-on-eks-high-executor',
        'system-cluster-critical',
        'system-node-critical',
      ],
    ],
    ['high', ['system-cluster-critical', 'system-node-critical']],
  ] as const)(
    'gives a %s tenant zero pods of every higher tier’s and every system class',
    (tier, forbidden) => {
      const guard = byKindName(
        tenantObjects(spec({ priorityTier: tier })),
        'ResourceQuota',
        'emr-on-eks-priority-guard',
      );
      expect(guard.spec).toEqual({
        hard: { pods: '0' },
        scopeSelector: {
          matchExpressions: [
            { scopeName: 'PriorityClass', operator: 'In', values: forbidden },
          ],
        },
      });
      expect(() => validateAgainstUpstreamSchema(guard)).not.toThrow();
      // The tenant's own classes stay usable.
      const own = clusterPriorityClasses()
        .map(pc => pc.metadata.name)
        .filter(name => !forbidden.includes(name as never));
      expect(own).toContain(`emr-on-eks-${tier}-driver`);
      expect(own).toContain(`emr-on-eks-${tier}-executor`);
    },
  );
});

describe('tenantObjects of any accepted spec (property)', () => {
  const settings = testSettings();
  const cluster = settings.clusters[0];
  const dnsLabel = fc.stringMatching(/^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$/);
  const junk = fc.string({ unit: 'binary', maxLength: 80 });
  /** Mostly good values, now and then junk (which must then be refused). */
  const mostly = <T>(good: fc.Arbitrary<T>, weight = 19) =>
    fc.oneof(
      { arbitrary: good, weight },
      { arbitrary: junk as fc.Arbitrary<T | string>, weight: 1 },
    );
  const quantity = mostly(
    fc.oneof(
      fc.integer({ min: 0, max: 10_000 }).map(String),
      fc
        .tuple(
          fc.integer({ min: 0, max: 4096 }),
          fc.constantFrom(
            '',
            'm',
            'k',
            'M',
            'G',
            'Ki',
            'Mi',
            'Gi',
            'Ti',
            'E',
            'Ei',
          ),
        )
        .map(([n, suffix]) => `${n}${suffix}`),
      fc.integer({ min: 0, max: 9 }).map(n => `${n}e${n}`),
    ),
  );
  const cidr = mostly(
    fc.oneof(
      fc
        .tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 }))
        .map(([a, p]) => `${a}/${p}`),
      fc
        .tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 }))
        .map(([a, p]) => `${a}/${p}`),
    ),
  );
  const ownerRef = mostly(
    fc
      .tuple(
        fc.oneof(
          {
            arbitrary: fc.constantFrom('group', 'user', 'Group', 'USER'),
            weight: 9,
          },
          { arbitrary: fc.constant('component'), weight: 1 },
        ),
        fc.option(fc.stringMatching(/^[a-z0-9]+(-[a-z0-9]+)*$/), {
          nil: undefined,
        }),
        fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,70}[A-Za-z0-9])?$/),
      )
      .map(([kind, namespace, name]) =>
        namespace ? `${kind}:${namespace}/${name}` : `${kind}:${name}`,
      ),
  );
  const s3Prefix = mostly(
    fc
      .tuple(
        fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,20}[a-z0-9]$/),
        fc.array(fc.stringMatching(/^[A-Za-z0-9!_'()=+-]{1,200}$/), {
          maxLength: 4,
        }),
      )
      .map(
        ([bucket, parts]) =>
          `s3://${bucket}/${parts.map(p => `${p}/`).join('')}`,
      ),
    199,
  );
  const specInput = fc.record(
    {
      name: mostly(dnsLabel),
      owner: ownerRef,
      cluster: fc.oneof(
        { arbitrary: fc.constant('shared'), weight: 9 },
        { arbitrary: fc.constant('nowhere'), weight: 1 },
      ),
      namespace: dnsLabel,
      description: mostly(fc.string({ maxLength: 1100 })),
      quota: fc.dictionary(fc.constantFrom(...QUOTA_KEYS), quantity, {
        maxKeys: 3,
      }),
      // Bounds at or above the defaults (min 100m/64Mi .. max 8/64Gi), so
      // that most specs keep the LimitRange in order; junk now and then.
      limitRange: fc.record(
        {
          max: fc.record(
            {
              cpu: mostly(fc.constantFrom('8', '16', '64000m', '1e2')),
              memory: mostly(fc.constantFrom('64Gi', '1Ti', '1E', '1Ei')),
              'ephemeral-storage': mostly(fc.constantFrom('1Gi', '20G')),
            },
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: [] },
      ),
      network: fc.record({ egressCidrs: fc.array(cidr, { maxLength: 6 }) }),
      dataAccess: fc.array(
        fc.record({
          s3: s3Prefix,
          access: fc.constantFrom('read', 'read-write'),
        }),
        { maxLength: 50 },
      ),
      priorityTier: fc.constantFrom(
        'low',
        'standard',
        'high',
        'high',
        'urgent',
      ),
      logRetentionDays: fc.constantFrom(1, 30, 3653, 2),
      releaseLabel: mostly(
        fc
          .tuple(fc.nat(999), fc.nat(999), fc.nat(999))
          .map(([a, b, c]) => `emr-${a}.${b}.${c}-latest`),
      ),
      podSecurity: fc.constantFrom('baseline', 'restricted'),
    },
    { requiredKeys: ['name', 'owner', 'cluster'] },
  );

  it('fit the upstream schemas, carry valid labels, and have an IAM policy IAM accepts', () => {
    let accepted = 0;
    fc.assert(
      fc.property(specInput, input => {
        const parsed = parseTenantSpec(input);
        if (
          !parsed.success ||
          checkSpecAgainstSettings(parsed.data, settings).length > 0
        ) {
          return true;
        }
        accepted++;
        const objects = tenantObjects(parsed.data);
        for (const object of objects) {
          validateAgainstUpstreamSchema(object);
          for (const [key, value] of Object.entries(
            object.metadata.labels ?? {},
          )) {
            if (
              !KubernetesValidatorFunctions.isValidLabelKey(key) ||
              !KubernetesValidatorFunctions.isValidLabelValue(value)
            ) {
              throw new Error(`bad label ${key}=${JSON.stringify(value)}`);
            }
          }
          for (const key of Object.keys(object.metadata.annotations ?? {})) {
            if (!KubernetesValidatorFunctions.isValidAnnotationKey(key)) {
              throw new Error(`bad annotation key ${key}`);
            }
          }
        }
        const plan = buildTenantPlan(
          identified(parsed.data),
          cluster,
          settings,
        );
        return (
          policySize(plan.iam.permissionsPolicy) <= IAM_INLINE_POLICY_MAX_SIZE
        );
      }),
      { numRuns: 600 },
    );
    // The property says something only if specs do get through.
    expect(accepted).toBeGreaterThan(20);
  });

  it('turns any text into a label value', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 120 }), text =>
        KubernetesValidatorFunctions.isValidLabelValue(toLabelValue(text)),
      ),
    );
    expect(toLabelValue('team-a')).toBe('team-a');
  });
});
