import Ajv, { type ValidateFunction } from 'ajv';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { StorageClass } from 'kubernetes-models/storage.k8s.io/v1';
import { parse, parseAllDocuments } from 'yaml';
import { validateAgainstUpstreamSchema } from '../../__testUtils__/kubernetesSchemas';
import { testSettings } from '../../__testUtils__/fixtures';
import { bootstrapSchema } from '../../config/bootstrap';
import type { ClusterSettings } from '../../config';
import { clusterPriorityClasses } from '../kubernetes';
import {
  BOOTSTRAP_NAMES,
  BootstrapSettingsError,
  bootstrapObjects,
  karpenterMaySetLabel,
  renderBootstrapBundle,
} from './bootstrap';

const JOBS = { storageClass: 'gp3' };
const CRD_DIR = join(__dirname, '../../__testUtils__/karpenterCrds');

/** The cluster of the test settings, with bootstrap and capacity overrides. */
function cluster(
  overrides: Partial<Omit<ClusterSettings, 'bootstrap'>> & {
    bootstrap?: Record<string, unknown>;
  } = {},
): ClusterSettings {
  const { bootstrap, ...rest } = overrides;
  return {
    ...testSettings().clusters[0],
    ...rest,
    bootstrap: bootstrapSchema.parse(bootstrap ?? {}),
  };
}

const KARPENTER_LABEL = {
  capacityTypeLabel: 'karpenter.sh/capacity-type',
  capacityTypeValues: { onDemand: 'on-demand', spot: 'spot' },
};

/** The `v1` openAPIV3Schema of a Karpenter CRD fixture, compiled. */
function crdValidator(file: string): {
  validate: ValidateFunction;
  crd: any;
} {
  const crd = parse(readFileSync(join(CRD_DIR, file), 'utf8'));
  const version = crd.spec.versions.find((v: any) => v.name === 'v1');
  // Kubernetes' own keywords (x-kubernetes-*) are not JSON Schema: ajv
  // ignores them (strict: false). Their CEL rules are checked by hand below.
  const ajv = new Ajv({ strict: false, allErrors: true });
  for (const format of ['int32', 'int64', 'date-time']) {
    ajv.addFormat(format, true);
  }
  return { validate: ajv.compile(version.schema.openAPIV3Schema), crd };
}

const nodePoolSchema = crdValidator('karpenter.sh_nodepools.yaml');
const nodeClassSchema = crdValidator('karpenter.k8s.aws_ec2nodeclasses.yaml');

function expectValid(
  { validate }: { validate: ValidateFunction },
  object: unknown,
) {
  const valid = validate(object);
  expect(validate.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
}

/*
 * The CRDs' x-kubernetes-validations (CEL) rules that matter for what we
 * render, written out by hand because ajv does not evaluate CEL. The list of
 * allowed karpenter.k8s.aws labels is read from the CRD itself.
 */
const allowedAwsLabels: string[] = JSON.parse(
  /x in (\["karpenter\.k8s\.aws\/[^\]]*\])/.exec(
    readFileSync(join(CRD_DIR, 'karpenter.sh_nodepools.yaml'), 'utf8'),
  )![1],
);

function nodePoolCelViolations(nodePool: any): string[] {
  const problems: string[] = [];
  const spec = nodePool.spec.template.spec;
  const domain = (key: string) => /^([^/]+)/.exec(key)![1];
  const labelKeys = [
    ...Object.keys(nodePool.spec.template.metadata?.labels ?? {}),
    ...spec.requirements.map((r: any) => r.key),
  ];
  for (const key of labelKeys) {
    if (
      !['karpenter.sh/capacity-type', 'karpenter.sh/nodepool'].includes(key) &&
      domain(key).endsWith('karpenter.sh')
    ) {
      problems.push(`label domain "karpenter.sh" is restricted: ${key}`);
    }
    if (key === 'karpenter.sh/nodepool' || key === 'kubernetes.io/hostname') {
      problems.push(`label ${key} is restricted`);
    }
    if (
      !allowedAwsLabels.includes(key) &&
      domain(key).endsWith('karpenter.k8s.aws')
    ) {
      problems.push(`label domain "karpenter.k8s.aws" is restricted: ${key}`);
    }
  }
  // Labels set in the template are not requirements' well-known keys.
  for (const key of Object.keys(
    nodePool.spec.template.metadata?.labels ?? {},
  )) {
    if (key === 'karpenter.sh/capacity-type') {
      problems.push('capacity type belongs in the requirements');
    }
  }
  for (const r of spec.requirements) {
    if (r.operator === 'In' && (r.values ?? []).length === 0) {
      problems.push(`requirement ${r.key} In without values`);
    }
    if (['Gt', 'Lt', 'Gte', 'Lte'].includes(r.operator)) {
      if (r.values.length !== 1 || !/^\d+$/.test(r.values[0])) {
        problems.push(`requirement ${r.key} ${r.operator} needs one integer`);
      }
    }
    if (r.operator === 'In' && r.minValues > r.values.length) {
      problems.push(`requirement ${r.key} minValues above its values`);
    }
  }
  return problems;
}

function nodeClassCelViolations(nodeClass: any): string[] {
  const problems: string[] = [];
  const spec = nodeClass.spec;
  if ('role' in spec === 'instanceProfile' in spec) {
    problems.push("must specify exactly one of ['role', 'instanceProfile']");
  }
  const aliases = spec.amiSelectorTerms.filter((t: any) => t.alias);
  if (aliases.length > 0 && spec.amiSelectorTerms.length !== 1) {
    problems.push('an alias term must be the only AMI selector term');
  }
  for (const { alias } of aliases) {
    const [family, version] = alias.split('@');
    if (!/^[a-zA-Z0-9]+@.+$/.test(alias)) problems.push(`alias ${alias}`);
    if (
      ![
        'al2',
        'al2023',
        'bottlerocket',
        'windows2019',
        'windows2022',
        'windows2025',
      ].includes(family)
    ) {
      problems.push(`alias family ${family}`);
    }
    if (family.startsWith('windows') && version !== 'latest') {
      problems.push('windows aliases are @latest only');
    }
  }
  if (!spec.amiFamily && aliases.length === 0) {
    problems.push('amiFamily is required without an alias');
  }
  for (const field of ['subnetSelectorTerms', 'securityGroupSelectorTerms']) {
    if (spec[field].length === 0) problems.push(`${field} is empty`);
    for (const term of spec[field]) {
      if (!term.tags && !term.id && !term.name) {
        problems.push(`${field} term selects nothing`);
      }
      for (const [k, v] of Object.entries(term.tags ?? {})) {
        if (k === '' || v === '') problems.push(`${field} empty tag`);
      }
    }
  }
  for (const key of Object.keys(spec.tags ?? {})) {
    if (
      key === '' ||
      key === 'eks:eks-cluster-name' ||
      key.startsWith('kubernetes.io/cluster') ||
      [
        'karpenter.sh/nodepool',
        'karpenter.sh/nodeclaim',
        'karpenter.k8s.aws/ec2nodeclass',
      ].includes(key)
    ) {
      problems.push(`tag ${key} is restricted`);
    }
  }
  if (spec.blockDeviceMappings?.filter((m: any) => m.rootVolume).length > 1) {
    problems.push('more than one root volume');
  }
  return problems;
}

const VARIANTS: Array<[string, ClusterSettings]> = [
  ['the EKS capacity label and defaults', cluster()],
  ["Karpenter's capacity label", cluster(KARPENTER_LABEL)],
  [
    'a custom label, Graviton families, Bottlerocket and own selectors',
    cluster({
      capacityTypeLabel: 'node.example.com/lifecycle',
      capacityTypeValues: { onDemand: 'regular', spot: 'preemptible' },
      bootstrap: {
        nodeRole: 'spark-nodes',
        amiAlias: 'bottlerocket@v1.20.0',
        subnetSelectorTags: { 'network/tier': 'private' },
        securityGroupSelectorTags: { Name: 'spark-*' },
        spotInstanceFamilies: ['m7g', 'c7g', 'r7g', 'm6g'],
        onDemandInstanceFamilies: ['m7g'],
        nodeVolumeGiB: 250,
        spotMaxCpu: 64,
        onDemandMaxCpu: 8,
        expireAfter: 'Never',
      },
    }),
  ],
];

describe('renderBootstrapBundle', () => {
  it.each(VARIANTS)(
    'renders Karpenter objects that fit the published v1 CRDs (%s)',
    (_, settings) => {
      const objects = bootstrapObjects(settings, JOBS);
      expectValid(nodeClassSchema, objects.nodeClass);
      expect(nodeClassCelViolations(objects.nodeClass)).toEqual([]);
      for (const pool of [objects.spotNodePool, objects.onDemandNodePool]) {
        expectValid(nodePoolSchema, pool);
        expect(nodePoolCelViolations(pool)).toEqual([]);
      }
    },
  );

  it('is checked by schemas and rules that do reject bad objects', () => {
    const objects = bootstrapObjects(cluster(), JOBS) as any;
    const pool = structuredClone(objects.spotNodePool);
    pool.spec.disruption.consolidationPolicy = 'Sometimes';
    expect(nodePoolSchema.validate(pool)).toBe(false);
    const noClass = structuredClone(objects.spotNodePool);
    delete noClass.spec.template.spec.nodeClassRef;
    expect(nodePoolSchema.validate(noClass)).toBe(false);
    const restricted = structuredClone(objects.spotNodePool);
    restricted.spec.template.metadata = {
      labels: { 'karpenter.sh/custom': 'x', 'kubernetes.io/hostname': 'y' },
    };
    expect(nodePoolCelViolations(restricted)).toHaveLength(2);
    const nodeClass = structuredClone(objects.nodeClass);
    nodeClass.spec.instanceProfile = 'profile';
    expect(nodeClassCelViolations(nodeClass)).toEqual([
      "must specify exactly one of ['role', 'instanceProfile']",
    ]);
    delete nodeClass.spec.subnetSelectorTerms;
    expect(nodeClassSchema.validate(nodeClass)).toBe(false);
  });

  it('renders the other manifests to fit the upstream Kubernetes schemas', () => {
    const objects = bootstrapObjects(cluster(), JOBS);
    for (const priorityClass of objects.priorityClasses) {
      expect(() => validateAgainstUpstreamSchema(priorityClass)).not.toThrow();
    }
    expect(() =>
      new StorageClass(objects.storageClass as any).validate(),
    ).not.toThrow();
    expect(() =>
      new StorageClass({
        ...(objects.storageClass as any),
        volumeBindingMode: 5,
      }).validate(),
    ).toThrow();
  });

  it('brings the same priority classes as onboarding applies', () => {
    expect(bootstrapObjects(cluster(), JOBS).priorityClasses).toEqual(
      clusterPriorityClasses(),
    );
  });

  it('names the storage class as the job runs ask for it: gp3, bound where the pod lands', () => {
    const { storageClass } = bootstrapObjects(cluster(), {
      storageClass: 'spark-scratch',
    }) as any;
    expect(storageClass.metadata.name).toBe('spark-scratch');
    expect(storageClass).toMatchObject({
      provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3' },
      volumeBindingMode: 'WaitForFirstConsumer',
    });
  });

  it('labels every manifest managed-by the plugin', () => {
    const objects = bootstrapObjects(cluster(), JOBS);
    const all = [
      ...objects.priorityClasses,
      objects.storageClass,
      objects.nodeClass,
      objects.spotNodePool,
      objects.onDemandNodePool,
    ];
    for (const object of all) {
      expect(object.metadata.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'backstage-emr-on-eks',
      });
    }
  });

  it('makes the Spot pool diversified, tainted, consolidated when empty and expiring', () => {
    const { spotNodePool } = bootstrapObjects(cluster(), JOBS) as any;
    const { spec } = spotNodePool;
    const requirement = (key: string) =>
      spec.template.spec.requirements.find((r: any) => r.key === key);
    expect(requirement('karpenter.sh/capacity-type').values).toEqual(['spot']);
    expect(requirement('karpenter.k8s.aws/instance-family')).toEqual({
      key: 'karpenter.k8s.aws/instance-family',
      operator: 'In',
      values: [
        'm5',
        'm5a',
        'm6i',
        'm6a',
        'm7i',
        'r5',
        'r6i',
        'r6a',
        'c5',
        'c6i',
        'c6a',
      ],
      minValues: 3,
    });
    expect(requirement('karpenter.k8s.aws/instance-cpu')).toMatchObject({
      operator: 'Gt',
      values: ['3'],
    });
    expect(requirement('kubernetes.io/arch').values).toEqual(['amd64']);
    expect(spec.template.spec.taints).toEqual([
      {
        key: 'emr-on-eks.spot-spark.io/capacity',
        value: 'spot',
        effect: 'NoSchedule',
      },
    ]);
    expect(spec.template.metadata.labels).toEqual({
      'eks.amazonaws.com/capacityType': 'SPOT',
    });
    expect(spec.disruption).toEqual({
      consolidationPolicy: 'WhenEmpty',
      consolidateAfter: '2m',
    });
    expect(spec.template.spec.expireAfter).toBe('720h');
    expect(spec.limits).toEqual({ cpu: '1000' });
  });

  it('leaves the On-Demand pool untainted, for EMR job submitters that take no tolerations', () => {
    const { onDemandNodePool } = bootstrapObjects(cluster(), JOBS) as any;
    const { spec } = onDemandNodePool;
    expect(spec.template.spec.taints).toBeUndefined();
    expect(spec.template.metadata.labels).toEqual({
      'eks.amazonaws.com/capacityType': 'ON_DEMAND',
    });
    expect(
      spec.template.spec.requirements.find(
        (r: any) => r.key === 'karpenter.sh/capacity-type',
      ).values,
    ).toEqual(['on-demand']);
    expect(spec.limits).toEqual({ cpu: '200' });
  });

  it("sets no template label for Karpenter's own capacity label (the requirement sets it)", () => {
    const { spotNodePool } = bootstrapObjects(
      cluster(KARPENTER_LABEL),
      JOBS,
    ) as any;
    expect(spotNodePool.spec.template.metadata).toBeUndefined();
  });

  it('fills the node class from the settings, or from the Karpenter getting-started defaults', () => {
    const defaults = bootstrapObjects(cluster(), JOBS).nodeClass as any;
    expect(defaults.spec).toMatchObject({
      role: 'KarpenterNodeRole-shared-data',
      amiSelectorTerms: [{ alias: 'al2023@latest' }],
      subnetSelectorTerms: [
        { tags: { 'karpenter.sh/discovery': 'shared-data' } },
      ],
      securityGroupSelectorTerms: [
        { tags: { 'karpenter.sh/discovery': 'shared-data' } },
      ],
      tags: {
        'app.kubernetes.io/managed-by': 'backstage-emr-on-eks',
        'emr-on-eks.spot-spark.io/cluster': 'shared',
      },
    });
    expect(defaults.spec.blockDeviceMappings[0]).toMatchObject({
      deviceName: '/dev/xvda',
      ebs: { volumeSize: '100Gi', volumeType: 'gp3', encrypted: true },
    });
    // IMDSv2 only, one hop: not a setting.
    expect(defaults.spec.metadataOptions).toMatchObject({
      httpTokens: 'required',
      httpPutResponseHopLimit: 1,
    });
    const custom = bootstrapObjects(VARIANTS[2][1], JOBS) as any;
    expect(custom.nodeClass.spec).toMatchObject({
      role: 'spark-nodes',
      amiSelectorTerms: [{ alias: 'bottlerocket@v1.20.0' }],
      subnetSelectorTerms: [{ tags: { 'network/tier': 'private' } }],
      securityGroupSelectorTerms: [{ tags: { Name: 'spark-*' } }],
    });
    expect(custom.nodeClass.spec.blockDeviceMappings[0]).toMatchObject({
      deviceName: '/dev/xvdb',
      ebs: { volumeSize: '250Gi' },
    });
    const arch = (pool: any) =>
      pool.spec.template.spec.requirements.find(
        (r: any) => r.key === 'kubernetes.io/arch',
      ).values;
    expect(arch(custom.spotNodePool)).toEqual(['arm64']);
    const mixed = bootstrapObjects(
      cluster({ bootstrap: { spotInstanceFamilies: ['m7g', 'm7i'] } }),
      JOBS,
    );
    expect(arch(mixed.spotNodePool)).toEqual(['amd64', 'arm64']);
    expect(
      (mixed.spotNodePool as any).spec.template.spec.requirements.find(
        (r: any) => r.key === 'karpenter.k8s.aws/instance-family',
      ).minValues,
    ).toBe(2);
  });

  it.each([
    [
      'a restricted capacity label',
      cluster({
        capacityTypeLabel: 'kubernetes.io/lifecycle',
        capacityTypeValues: { onDemand: 'normal', spot: 'spot' },
      }),
      'capacityTypeLabel: Karpenter may not put kubernetes.io/lifecycle on its nodes',
    ],
    [
      'the same value for both capacities',
      cluster({
        capacityTypeLabel: 'example.com/pool',
        capacityTypeValues: { onDemand: 'spark', spot: 'spark' },
      }),
      'onDemand and spot are both spark',
    ],
    [
      "other values for Karpenter's label",
      cluster({
        capacityTypeLabel: 'karpenter.sh/capacity-type',
        capacityTypeValues: { onDemand: 'ON_DEMAND', spot: 'SPOT' },
      }),
      "Karpenter's karpenter.sh/capacity-type label takes on-demand and spot",
    ],
    [
      'a Windows AMI',
      cluster({ bootstrap: { amiAlias: 'windows2022@latest' } }),
      'bootstrap.amiAlias: windows2022@latest is a Windows AMI',
    ],
  ])('refuses %s with a message naming the setting', (_, settings, message) => {
    expect(() => renderBootstrapBundle(settings, JOBS)).toThrow(
      BootstrapSettingsError,
    );
    expect(() => renderBootstrapBundle(settings, JOBS)).toThrow(message);
  });

  it.each([
    [10, 'must be at least 20'],
    [20000, 'must be at most 16384'],
    [100.5, 'must be a whole number of GiB'],
  ])('refuses a node volume of %p GiB: %s', (nodeVolumeGiB, message) => {
    const parsed = bootstrapSchema.safeParse({ nodeVolumeGiB });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain(message);
  });

  it("knows Karpenter's restricted label domains and their exceptions", () => {
    expect(karpenterMaySetLabel('eks.amazonaws.com/capacityType')).toBe(true);
    expect(karpenterMaySetLabel('node.kubernetes.io/lifecycle')).toBe(true);
    expect(karpenterMaySetLabel('example.com/pool')).toBe(true);
    expect(karpenterMaySetLabel('lifecycle')).toBe(true);
    expect(karpenterMaySetLabel('kubernetes.io/lifecycle')).toBe(false);
    expect(karpenterMaySetLabel('x.k8s.io/pool')).toBe(false);
    expect(karpenterMaySetLabel('karpenter.sh/pool')).toBe(false);
    expect(karpenterMaySetLabel('karpenter.k8s.aws/pool')).toBe(false);
    expect(karpenterMaySetLabel('topology.kubernetes.io/zone')).toBe(false);
    expect(karpenterMaySetLabel('node.kubernetes.io/instance-type')).toBe(
      false,
    );
  });

  it('is byte-stable and lists every manifest in kustomization.yaml', () => {
    const files = renderBootstrapBundle(cluster(), JOBS);
    expect(renderBootstrapBundle(cluster(), JOBS)).toEqual(files);
    expect(files.map(f => f.path)).toEqual([
      'README.md',
      'kustomization.yaml',
      'priority-classes.yaml',
      'storage-class.yaml',
      'karpenter/ec2nodeclass.yaml',
      'karpenter/nodepool-on-demand-drivers.yaml',
      'karpenter/nodepool-spot-executors.yaml',
    ]);
    const kustomization = parse(
      files.find(f => f.path === 'kustomization.yaml')!.content,
    );
    expect(kustomization.resources).toEqual(
      files
        .map(f => f.path)
        .filter(p => p.endsWith('.yaml') && p !== 'kustomization.yaml'),
    );
  });

  it("puts EMR's access entry commands, with the cluster's values, in the README", () => {
    const readme = renderBootstrapBundle(cluster(), JOBS).find(
      f => f.path === 'README.md',
    )!.content;
    expect(readme).toContain(
      'aws eks create-access-entry --cluster-name shared-data --region us-east-1',
    );
    expect(readme).toContain(
      '--principal-arn arn:aws:iam::123456789012:role/AWSServiceRoleForAmazonEMRContainers',
    );
    expect(readme).toContain('--kubernetes-username emr-containers');
    expect(readme).toContain(
      'arn:aws:eks::aws:cluster-access-policy/AmazonEMRJobPolicy',
    );
    const gov = renderBootstrapBundle(
      cluster({ region: 'us-gov-west-1' }),
      JOBS,
    ).find(f => f.path === 'README.md')!.content;
    expect(gov).toContain('arn:aws-us-gov:iam::123456789012:role/');
  });
});

/** kubectl: on PATH, or where Debian's google-cloud-cli puts it. */
function kubectl(): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'kubectl'))) return join(dir, 'kubectl');
  }
  return '/usr/bin/kubectl';
}

describe('the bundle as a directory', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'emr-bootstrap-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each(VARIANTS)('is built by kubectl kustomize (%s)', (_, settings) => {
    const files = renderBootstrapBundle(settings, JOBS);
    for (const file of files) {
      mkdirSync(dirname(join(dir, file.path)), { recursive: true });
      writeFileSync(join(dir, file.path), file.content);
    }
    const run = spawnSync(kubectl(), ['kustomize', dir], { encoding: 'utf8' });
    expect(run.error).toBeUndefined();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);

    const built = parseAllDocuments(run.stdout).map(doc => doc.toJS());
    const objects = bootstrapObjects(settings, JOBS);
    const expected = [
      ...objects.priorityClasses,
      objects.storageClass,
      objects.nodeClass,
      objects.onDemandNodePool,
      objects.spotNodePool,
    ];
    const byId = (o: any) => `${o.kind}/${o.metadata.name}`;
    expect(built.map(byId).sort()).toEqual(expected.map(byId).sort());
    for (const object of expected) {
      expect(built.find(b => byId(b) === byId(object))).toEqual(object);
    }
    expect(built.map(byId)).toEqual(
      expect.arrayContaining([
        `NodePool/${BOOTSTRAP_NAMES.spotNodePool}`,
        `NodePool/${BOOTSTRAP_NAMES.onDemandNodePool}`,
        `EC2NodeClass/${BOOTSTRAP_NAMES.nodeClass}`,
      ]),
    );
  });
});
