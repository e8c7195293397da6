/*
 * Whether a pod can land on the nodes of a Karpenter v1 NodePool: the
 * scheduler's node-affinity and taint rules, applied to every node the
 * NodePool can create (its template labels, requirements and taints).
 */

/** A Kubernetes manifest as plain data (parsed YAML or a rendered object). */
export type Manifest = Record<string, unknown>;

/** Whether a node pool admits a pod, and if not, why. */
export interface Admission {
  admitted: boolean;
  /** Why not (the label or taint that keeps the pod off), when refused. */
  reason?: string;
}

/**
 * Labels Karpenter (and the AWS provider) put on every node with a value of
 * their choosing when the NodePool does not constrain them, so a pod may
 * ask for them without the NodePool naming them.
 */
const WELL_KNOWN_LABELS = new Set([
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'node.kubernetes.io/instance-type',
  'kubernetes.io/arch',
  'kubernetes.io/os',
  'node.kubernetes.io/windows-build',
  'karpenter.sh/capacity-type',
]);
const WELL_KNOWN_DOMAIN = 'karpenter.k8s.aws/';
const NODE_POOL_LABEL = 'karpenter.sh/nodepool';

/**
 * The values one label can have on a node: absent or not, and when
 * present, within `only` (when set), outside `not`, and (for numbers)
 * strictly between `gt` and `lt`.
 */
interface LabelDomain {
  absent: boolean;
  present: boolean;
  only?: Set<string>;
  not: Set<string>;
  gt?: number;
  lt?: number;
}

const ANY: LabelDomain = { absent: true, present: true, not: new Set() };

function intersect(a: LabelDomain, b: LabelDomain): LabelDomain {
  const only =
    a.only && b.only
      ? new Set([...a.only].filter(v => b.only!.has(v)))
      : a.only ?? b.only;
  const bound = (
    x: number | undefined,
    y: number | undefined,
    pick: typeof Math.max,
  ) => {
    if (x === undefined) return y;
    return y === undefined ? x : pick(x, y);
  };
  return {
    absent: a.absent && b.absent,
    present: a.present && b.present,
    only,
    not: new Set([...a.not, ...b.not]),
    gt: bound(a.gt, b.gt, Math.max),
    lt: bound(a.lt, b.lt, Math.min),
  };
}

function numeric(value: string): number | undefined {
  return /^-?\d+$/.test(value) ? Number(value) : undefined;
}

function allows(domain: LabelDomain, value: string): boolean {
  if (!domain.present || domain.not.has(value)) return false;
  if (domain.only && !domain.only.has(value)) return false;
  if (domain.gt === undefined && domain.lt === undefined) return true;
  const n = numeric(value);
  return (
    n !== undefined &&
    (domain.gt === undefined || n > domain.gt) &&
    (domain.lt === undefined || n < domain.lt)
  );
}

/** Whether some node can carry the label with a value the domain allows. */
function canBePresent(domain: LabelDomain): boolean {
  if (!domain.present) return false;
  if (domain.only) return [...domain.only].some(v => allows(domain, v));
  if (domain.gt === undefined || domain.lt === undefined) return true;
  // A bounded integer range: some integer inside it not excluded.
  const count = domain.lt - domain.gt - 1;
  if (count <= 0) return false;
  if (count > domain.not.size) return true;
  for (let n = domain.gt + 1; n < domain.lt; n++) {
    if (!domain.not.has(String(n))) return true;
  }
  return false;
}

function satisfiable(domain: LabelDomain): boolean {
  return domain.absent || canBePresent(domain);
}

/** The domain of one requirement (NodePool requirement or pod expression). */
function requirementDomain(operator: string, values: string[]): LabelDomain {
  const first = numeric(values[0] ?? '');
  switch (operator) {
    case 'In':
      return {
        absent: false,
        present: true,
        only: new Set(values),
        not: new Set(),
      };
    case 'NotIn':
      return { absent: true, present: true, not: new Set(values) };
    case 'Exists':
      return { absent: false, present: true, not: new Set() };
    case 'DoesNotExist':
      return { absent: true, present: false, not: new Set() };
    case 'Gt':
    case 'Gte':
    case 'Lt':
    case 'Lte': {
      if (first === undefined) {
        return { absent: false, present: false, not: new Set() };
      }
      const domain: LabelDomain = {
        absent: false,
        present: true,
        not: new Set(),
      };
      if (operator === 'Gt') domain.gt = first;
      if (operator === 'Gte') domain.gt = first - 1;
      if (operator === 'Lt') domain.lt = first;
      if (operator === 'Lte') domain.lt = first + 1;
      return domain;
    }
    default:
      // An operator we do not know: nothing can be said to satisfy it.
      return { absent: false, present: false, not: new Set() };
  }
}

interface Expression {
  key: string;
  operator: string;
  values: string[];
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function strings(value: unknown): string[] {
  return list(value).map(String);
}

function expressions(value: unknown): Expression[] {
  return list(value).map(item => {
    const r = record(item);
    return {
      key: String(r.key ?? ''),
      operator: String(r.operator ?? ''),
      values: strings(r.values),
    };
  });
}

/** What the nodes of a NodePool can look like. */
interface PoolNodes {
  name: string;
  labels: Record<string, string>;
  requirements: Expression[];
  taints: Array<{ key: string; value?: string; effect: string }>;
}

function readNodePool(nodePool: Manifest): PoolNodes {
  const template = record(record(nodePool.spec).template);
  const spec = record(template.spec);
  const labels = Object.fromEntries(
    Object.entries(record(record(template.metadata).labels)).map(([k, v]) => [
      k,
      String(v),
    ]),
  );
  return {
    name: String(record(nodePool.metadata).name ?? '(unnamed)'),
    labels,
    requirements: expressions(spec.requirements),
    taints: list(spec.taints).map(item => {
      const r = record(item);
      return {
        key: String(r.key ?? ''),
        ...(r.value === undefined ? {} : { value: String(r.value) }),
        effect: String(r.effect ?? ''),
      };
    }),
  };
}

/** The values `key` can have on the pool's nodes. */
function poolDomain(pool: PoolNodes, key: string): LabelDomain {
  let domain: LabelDomain;
  if (key in pool.labels) {
    domain = requirementDomain('In', [pool.labels[key]]);
  } else if (key === NODE_POOL_LABEL) {
    domain = requirementDomain('In', [pool.name]);
  } else if (WELL_KNOWN_LABELS.has(key) || key.startsWith(WELL_KNOWN_DOMAIN)) {
    // Karpenter picks a value (any instance type, zone, capacity type...).
    domain = requirementDomain('Exists', []);
  } else if (pool.requirements.some(r => r.key === key)) {
    domain = ANY;
  } else {
    // A custom label nothing in the pool sets: its nodes do not have it.
    domain = requirementDomain('DoesNotExist', []);
  }
  for (const requirement of pool.requirements.filter(r => r.key === key)) {
    domain = intersect(
      domain,
      requirementDomain(requirement.operator, requirement.values),
    );
  }
  return domain;
}

function describePool(pool: PoolNodes, key: string): string {
  const domain = poolDomain(pool, key);
  if (!canBePresent(domain)) return `no ${key} label`;
  if (domain.only) {
    const values = [...domain.only].filter(v => allows(domain, v));
    return `${key} in [${values.join(', ')}]`;
  }
  return `${key} with Karpenter's choice of value`;
}

/** Why one term of the pod's required node affinity does not fit, if it does not. */
function termMismatch(pool: PoolNodes, term: Expression[]): string | undefined {
  for (const key of [...new Set(term.map(e => e.key))]) {
    let domain = poolDomain(pool, key);
    const wanted = term.filter(e => e.key === key);
    for (const expression of wanted) {
      domain = intersect(
        domain,
        requirementDomain(expression.operator, expression.values),
      );
    }
    if (!satisfiable(domain)) {
      const asked = wanted
        .map(e =>
          e.values.length > 0
            ? `${e.key} ${e.operator} [${e.values.join(', ')}]`
            : `${e.key} ${e.operator}`,
        )
        .join(' and ');
      return `the pod requires ${asked}, and node pool ${
        pool.name
      } gives its nodes ${describePool(pool, key)}`;
    }
  }
  return undefined;
}

/** Kubernetes' toleration rule (v1helper.TolerationsTolerateTaint). */
function tolerates(
  toleration: Record<string, unknown>,
  taint: { key: string; value?: string; effect: string },
): boolean {
  const effect = String(toleration.effect ?? '');
  if (effect !== '' && effect !== taint.effect) return false;
  const key = String(toleration.key ?? '');
  const operator = String(toleration.operator ?? 'Equal');
  if (key === '') return operator === 'Exists';
  if (key !== taint.key) return false;
  if (operator === 'Exists') return true;
  return (
    operator === 'Equal' &&
    String(toleration.value ?? '') === (taint.value ?? '')
  );
}

/**
 * Whether `pod` (its nodeSelector, required node affinity and tolerations)
 * can be scheduled on a node that the Karpenter v1 `nodePool` creates (its
 * template labels, requirements and taints; startup taints are ignored, as
 * Karpenter does). Labels the NodePool leaves open that Karpenter fills in
 * itself (zone, instance type, arch, capacity type, `karpenter.k8s.aws/*`)
 * may take any value; a custom label the NodePool does not set is absent.
 * Preferred affinity, pod affinity and resources are not considered.
 */
export function nodePoolAdmits(nodePool: Manifest, pod: Manifest): Admission {
  const pool = readNodePool(nodePool);
  const spec = record(pod.spec);

  const selector: Expression[] = Object.entries(record(spec.nodeSelector)).map(
    ([key, value]) => ({ key, operator: 'In', values: [String(value)] }),
  );
  const required = record(
    record(record(spec.affinity).nodeAffinity)
      .requiredDuringSchedulingIgnoredDuringExecution,
  );
  const terms =
    'nodeSelectorTerms' in required
      ? list(required.nodeSelectorTerms).map(term =>
          expressions(record(term).matchExpressions),
        )
      : undefined;

  if (terms !== undefined && terms.length === 0) {
    return {
      admitted: false,
      reason: 'the pod has a required node affinity without terms',
    };
  }
  // A pool whose labels and requirements contradict each other makes no node.
  const poolKeys = new Set([
    ...Object.keys(pool.labels),
    ...pool.requirements.map(r => r.key),
  ]);
  for (const key of poolKeys) {
    if (!satisfiable(poolDomain(pool, key))) {
      return {
        admitted: false,
        reason: `node pool ${pool.name} can make no node: its labels and requirements on ${key} contradict each other`,
      };
    }
  }

  // The nodeSelector and one of the terms (ORed) must both hold.
  const mismatches =
    terms === undefined
      ? [selector.length === 0 ? undefined : termMismatch(pool, selector)]
      : terms.map(term =>
          term.length === 0
            ? // Kubernetes: an empty node selector term matches no node.
              'the pod has an empty node selector term, which matches no node'
            : termMismatch(pool, [...selector, ...term]),
        );
  if (!mismatches.some(m => m === undefined)) {
    return { admitted: false, reason: mismatches[0] };
  }

  const tolerations = list(spec.tolerations).map(record);
  for (const taint of pool.taints) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') {
      continue;
    }
    if (!tolerations.some(t => tolerates(t, taint))) {
      const text = `${taint.key}${taint.value ? `=${taint.value}` : ''}:${
        taint.effect
      }`;
      return {
        admitted: false,
        reason: `node pool ${pool.name} taints its nodes ${text}, which the pod does not tolerate`,
      };
    }
  }
  return { admitted: true };
}
