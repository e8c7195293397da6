import { PRIORITY_TIERS } from '@spot-spark/plugin-emr-on-eks-common';
import fc from 'fast-check';
import { spec, testSettings } from '../../__testUtils__/fixtures';
import { bootstrapSchema } from '../../config/bootstrap';
import type { ClusterSettings } from '../../config';
import { tenantPodTemplates } from '../podTemplates';
import { BOOTSTRAP_NAMES, bootstrapObjects } from './bootstrap';
import { Manifest, nodePoolAdmits } from './scheduling';

const BASE = testSettings().clusters[0];

const capacityLabels = fc.oneof(
  fc.constant({
    capacityTypeLabel: 'eks.amazonaws.com/capacityType',
    capacityTypeValues: { onDemand: 'ON_DEMAND', spot: 'SPOT' },
  }),
  fc.constant({
    capacityTypeLabel: 'karpenter.sh/capacity-type',
    capacityTypeValues: { onDemand: 'on-demand', spot: 'spot' },
  }),
  // Custom labels, in domains Karpenter lets a NodePool set.
  fc
    .record({
      prefix: fc.constantFrom(
        '',
        'example.com/',
        'spark.acme.io/',
        'node.kubernetes.io/',
      ),
      name: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/),
      values: fc
        .uniqueArray(fc.stringMatching(/^[A-Za-z0-9][-A-Za-z0-9_.]{0,20}$/), {
          minLength: 2,
          maxLength: 2,
        })
        .filter(([a, b]) => /[A-Za-z0-9]$/.test(a) && /[A-Za-z0-9]$/.test(b)),
    })
    .map(({ prefix, name, values: [onDemand, spot] }) => ({
      capacityTypeLabel: `${prefix}${name}`,
      capacityTypeValues: { onDemand, spot },
    })),
);

const FAMILIES = [
  'm5',
  'm6i',
  'm7i',
  'c6a',
  'r6i',
  'm7g',
  'c7g',
  'r8g',
  'c6gn',
];
const families = fc.uniqueArray(fc.constantFrom(...FAMILIES), {
  minLength: 1,
  maxLength: FAMILIES.length,
});

const clusters: fc.Arbitrary<ClusterSettings> = fc
  .record({
    label: capacityLabels,
    spot: families,
    onDemand: families,
    spotMaxCpu: fc.integer({ min: 1, max: 100_000 }),
    onDemandMaxCpu: fc.integer({ min: 1, max: 100_000 }),
  })
  .map(({ label, spot, onDemand, spotMaxCpu, onDemandMaxCpu }) => ({
    ...BASE,
    ...label,
    bootstrap: bootstrapSchema.parse({
      spotInstanceFamilies: spot,
      onDemandInstanceFamilies: onDemand,
      spotMaxCpu,
      onDemandMaxCpu,
    }),
  }));

describe('the bundle and the pod templates (property)', () => {
  it('admit every pod our templates create on a node pool: Spot executors only on Spot, drivers only On-Demand', () => {
    fc.assert(
      fc.property(
        clusters,
        fc.constantFrom(...PRIORITY_TIERS),
        (cluster, tier) => {
          const objects = bootstrapObjects(cluster, { storageClass: 'gp3' });
          const pools = [objects.spotNodePool, objects.onDemandNodePool];
          const templates = tenantPodTemplates(spec(), cluster, tier);
          const admittedBy = (template: Manifest) =>
            pools
              .filter(nodePool => nodePoolAdmits(nodePool, template).admitted)
              .map(nodePool => nodePool.metadata.name);
          expect(admittedBy(templates.driver)).toEqual([
            BOOTSTRAP_NAMES.onDemandNodePool,
          ]);
          expect(admittedBy(templates.executor)).toEqual([
            BOOTSTRAP_NAMES.spotNodePool,
          ]);
          expect(admittedBy(templates.executorOnDemand)).toEqual([
            BOOTSTRAP_NAMES.onDemandNodePool,
          ]);
        },
      ),
      { numRuns: 200 },
    );
  });
});

/** A NodePool of just what nodePoolAdmits reads. */
function pool(options: {
  name?: string;
  labels?: Record<string, string>;
  requirements?: Array<{ key: string; operator: string; values?: string[] }>;
  taints?: Array<{ key: string; value?: string; effect: string }>;
}): Manifest {
  return {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name: options.name ?? 'pool' },
    spec: {
      template: {
        metadata: { labels: options.labels ?? {} },
        spec: {
          requirements: options.requirements ?? [],
          ...(options.taints ? { taints: options.taints } : {}),
        },
      },
    },
  };
}

function pod(podSpec: Record<string, unknown>): Manifest {
  return { apiVersion: 'v1', kind: 'Pod', spec: podSpec };
}

const requiring = (
  ...terms: Array<Array<{ key: string; operator: string; values?: string[] }>>
) =>
  pod({
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: terms.map(matchExpressions => ({
            matchExpressions,
          })),
        },
      },
    },
  });

const SPOT_REQ = {
  key: 'karpenter.sh/capacity-type',
  operator: 'In',
  values: ['spot'],
};
const ON_DEMAND_REQ = {
  key: 'karpenter.sh/capacity-type',
  operator: 'In',
  values: ['on-demand'],
};
const TAINT = { key: 'dedicated', value: 'spark', effect: 'NoSchedule' };

describe('nodePoolAdmits', () => {
  it('refuses a pod without the toleration on a tainted pool, and says which taint', () => {
    const tainted = pool({
      name: 'spot',
      requirements: [SPOT_REQ],
      taints: [TAINT],
    });
    expect(nodePoolAdmits(tainted, pod({}))).toEqual({
      admitted: false,
      reason:
        'node pool spot taints its nodes dedicated=spark:NoSchedule, which the pod does not tolerate',
    });
    const wrongValue = pod({
      tolerations: [
        {
          key: 'dedicated',
          operator: 'Equal',
          value: 'web',
          effect: 'NoSchedule',
        },
      ],
    });
    expect(nodePoolAdmits(tainted, wrongValue).admitted).toBe(false);
    const wrongEffect = pod({
      tolerations: [
        { key: 'dedicated', operator: 'Exists', effect: 'NoExecute' },
      ],
    });
    expect(nodePoolAdmits(tainted, wrongEffect).admitted).toBe(false);
  });

  it('admits a pod that tolerates the taint exactly, by key, or everything', () => {
    const tainted = pool({ taints: [TAINT] });
    for (const toleration of [
      {
        key: 'dedicated',
        operator: 'Equal',
        value: 'spark',
        effect: 'NoSchedule',
      },
      { key: 'dedicated', value: 'spark' },
      { key: 'dedicated', operator: 'Exists' },
      { operator: 'Exists' },
    ]) {
      expect(
        nodePoolAdmits(tainted, pod({ tolerations: [toleration] })),
      ).toEqual({
        admitted: true,
      });
    }
    // An empty key with Equal is not a wildcard.
    expect(
      nodePoolAdmits(tainted, pod({ tolerations: [{ operator: 'Equal' }] }))
        .admitted,
    ).toBe(false);
  });

  it('ignores PreferNoSchedule taints, which do not keep pods off', () => {
    const soft = pool({ taints: [{ key: 'x', effect: 'PreferNoSchedule' }] });
    expect(nodePoolAdmits(soft, pod({})).admitted).toBe(true);
  });

  it('refuses a pod requiring Spot on an On-Demand pool, naming the label', () => {
    const onDemand = pool({ name: 'od', requirements: [ON_DEMAND_REQ] });
    expect(nodePoolAdmits(onDemand, requiring([SPOT_REQ]))).toEqual({
      admitted: false,
      reason:
        'the pod requires karpenter.sh/capacity-type In [spot], and node pool od gives its nodes karpenter.sh/capacity-type in [on-demand]',
    });
    expect(nodePoolAdmits(onDemand, requiring([ON_DEMAND_REQ])).admitted).toBe(
      true,
    );
    expect(
      nodePoolAdmits(
        onDemand,
        pod({ nodeSelector: { 'karpenter.sh/capacity-type': 'spot' } }),
      ).admitted,
    ).toBe(false);
  });

  it('lets Karpenter choose well-known labels the pool leaves open, but not custom ones', () => {
    const open = pool({});
    expect(nodePoolAdmits(open, requiring([SPOT_REQ])).admitted).toBe(true);
    expect(
      nodePoolAdmits(
        open,
        pod({ nodeSelector: { 'topology.kubernetes.io/zone': 'us-east-1a' } }),
      ).admitted,
    ).toBe(true);
    expect(
      nodePoolAdmits(
        open,
        pod({ nodeSelector: { 'eks.amazonaws.com/capacityType': 'SPOT' } }),
      ),
    ).toEqual({
      admitted: false,
      reason:
        'the pod requires eks.amazonaws.com/capacityType In [SPOT], and node pool pool gives its nodes no eks.amazonaws.com/capacityType label',
    });
    expect(
      nodePoolAdmits(
        open,
        requiring([
          {
            key: 'eks.amazonaws.com/capacityType',
            operator: 'NotIn',
            values: ['SPOT'],
          },
        ]),
      ).admitted,
    ).toBe(true);
    expect(
      nodePoolAdmits(
        pool({ name: 'spark-pool' }),
        pod({ nodeSelector: { 'karpenter.sh/nodepool': 'spark-pool' } }),
      ).admitted,
    ).toBe(true);
  });

  it('matches template labels exactly', () => {
    const labelled = pool({
      labels: { 'eks.amazonaws.com/capacityType': 'SPOT' },
    });
    const wants = (value: string) =>
      requiring([
        {
          key: 'eks.amazonaws.com/capacityType',
          operator: 'In',
          values: [value],
        },
      ]);
    expect(nodePoolAdmits(labelled, wants('SPOT')).admitted).toBe(true);
    expect(nodePoolAdmits(labelled, wants('ON_DEMAND')).admitted).toBe(false);
    expect(
      nodePoolAdmits(
        labelled,
        requiring([
          { key: 'eks.amazonaws.com/capacityType', operator: 'DoesNotExist' },
        ]),
      ).admitted,
    ).toBe(false);
  });

  it('ORs the affinity terms, ANDs the expressions of a term and the nodeSelector', () => {
    const onDemand = pool({ requirements: [ON_DEMAND_REQ] });
    expect(
      nodePoolAdmits(onDemand, requiring([SPOT_REQ], [ON_DEMAND_REQ])).admitted,
    ).toBe(true);
    expect(
      nodePoolAdmits(onDemand, requiring([SPOT_REQ, ON_DEMAND_REQ])).admitted,
    ).toBe(false);
    const both = {
      ...requiring([ON_DEMAND_REQ]),
      spec: {
        ...(requiring([ON_DEMAND_REQ]).spec as object),
        nodeSelector: { 'kubernetes.io/arch': 'arm64' },
      },
    };
    const amd = pool({
      requirements: [
        ON_DEMAND_REQ,
        { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
      ],
    });
    expect(nodePoolAdmits(amd, both).admitted).toBe(false);
    expect(nodePoolAdmits(onDemand, both).admitted).toBe(true);
  });

  it('refuses required node affinity without terms, or with an empty term', () => {
    expect(nodePoolAdmits(pool({}), requiring()).admitted).toBe(false);
    expect(nodePoolAdmits(pool({}), requiring([])).admitted).toBe(false);
  });

  it('compares numbers for Gt and Lt against the pool’s ranges', () => {
    const big = pool({
      requirements: [
        {
          key: 'karpenter.k8s.aws/instance-cpu',
          operator: 'Gt',
          values: ['3'],
        },
      ],
    });
    const wantsCpu = (operator: string, value: string) =>
      requiring([
        { key: 'karpenter.k8s.aws/instance-cpu', operator, values: [value] },
      ]);
    expect(nodePoolAdmits(big, wantsCpu('Gt', '15')).admitted).toBe(true);
    expect(nodePoolAdmits(big, wantsCpu('Lt', '5')).admitted).toBe(true);
    expect(nodePoolAdmits(big, wantsCpu('Lt', '4')).admitted).toBe(false);
    expect(nodePoolAdmits(big, wantsCpu('In', '2')).admitted).toBe(false);
  });
});

/*
 * nodePoolAdmits against a brute-force oracle: over a small universe of
 * label values (plus "other", standing for every other text), a pool's
 * possible nodes are enumerated, and a pod is admitted when one of them
 * matches it by Kubernetes' own rules.
 */
describe('nodePoolAdmits agrees with enumerating the nodes (property)', () => {
  const KEYS = ['example.com/a', 'example.com/b'];
  const VALUES = ['0', '1', '2', '3', '4', '5', 'x', 'y'];
  const UNIVERSE = [...VALUES, '-1', '100', 'other', undefined];
  const operators = [
    'In',
    'NotIn',
    'Exists',
    'DoesNotExist',
    'Gt',
    'Lt',
  ] as const;
  const expression = fc
    .record({
      key: fc.constantFrom(...KEYS),
      operator: fc.constantFrom(...operators),
      values: fc.uniqueArray(fc.constantFrom(...VALUES), {
        minLength: 1,
        maxLength: 3,
      }),
      number: fc.constantFrom('0', '1', '2', '3', '4'),
    })
    .map(({ key, operator, values, number }) => {
      if (operator === 'Exists' || operator === 'DoesNotExist')
        return { key, operator };
      if (operator === 'Gt' || operator === 'Lt')
        return { key, operator, values: [number] };
      return { key, operator, values };
    });
  const poolArb = fc.record({
    labels: fc.dictionary(
      fc.constantFrom(...KEYS),
      fc.constantFrom(...VALUES),
      { maxKeys: 1 },
    ),
    requirements: fc.array(expression, { maxLength: 3 }),
  });
  const podArb = fc.array(
    fc.array(expression, { minLength: 1, maxLength: 3 }),
    {
      minLength: 1,
      maxLength: 2,
    },
  );

  type Expr = { key: string; operator: string; values?: string[] };
  /** Kubernetes' node selector requirement on one node's value. */
  const matches = (e: Expr, value: string | undefined): boolean => {
    const n =
      value !== undefined && /^-?\d+$/.test(value) ? Number(value) : undefined;
    switch (e.operator) {
      case 'In':
        return value !== undefined && e.values!.includes(value);
      case 'NotIn':
        return value === undefined || !e.values!.includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      case 'Gt':
        return n !== undefined && n > Number(e.values![0]);
      default:
        return n !== undefined && n < Number(e.values![0]);
    }
  };

  it('admits exactly when some node the pool can make matches', () => {
    fc.assert(
      fc.property(poolArb, podArb, (p, terms) => {
        // Every node: per key, the fixed label, or any value the pool's
        // requirements allow (absent too, for a key with requirements).
        const choices = KEYS.map(key => {
          if (key in p.labels) {
            const fixed = p.labels[key];
            return p.requirements
              .filter(r => r.key === key)
              .every(r => matches(r, fixed))
              ? [fixed]
              : [];
          }
          if (!p.requirements.some(r => r.key === key)) return [undefined];
          return UNIVERSE.filter(v =>
            p.requirements.filter(r => r.key === key).every(r => matches(r, v)),
          );
        });
        const nodes = choices[0].flatMap(a =>
          choices[1].map(b => ({ [KEYS[0]]: a, [KEYS[1]]: b })),
        );
        const oracle = nodes.some(node =>
          terms.some(term => term.every(e => matches(e, node[e.key]))),
        );
        expect(nodePoolAdmits(pool(p), requiring(...terms)).admitted).toBe(
          oracle,
        );
      }),
      { numRuns: 2000 },
    );
  });
});
