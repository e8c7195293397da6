import {
  DataAccessGrant,
  parseS3Prefix,
  TenantSpec,
  TenantSpecInput,
} from '@spot-spark/plugin-emr-on-eks-common';
import fc from 'fast-check';
import { TEST_UID, spec, testSettings } from '../__testUtils__/fixtures';
import { Guardrails, guardrailsSchema } from '../config/guardrails';
import { guardrailViolations, patternsFor } from './guardrails';
import { permissionsPolicy } from './iam';

const ASSETS = 'shared-data-emr-assets';
/** The guardrails of the example configuration. */
const EXAMPLE = {
  dataAccess: [
    { s3: 's3://data-lake/{tenant}/', access: 'read-write' },
    { s3: 's3://shared-reference/', access: 'read', shared: true },
    { s3: 's3://ns-data/{namespace}/', access: 'read-write' },
    { s3: 's3://common/', access: 'read-write' },
  ],
  allowedEgressCidrs: ['10.0.0.0/8', 'fd00::/8'],
};

function guardrails(input: object = EXAMPLE): Guardrails {
  return guardrailsSchema.parse(input);
}

/** A spec with no grants and no egress unless the patch gives them. */
function tenant(patch: Partial<TenantSpecInput> = {}): TenantSpec {
  return spec({ dataAccess: [], network: { egressCidrs: [] }, ...patch });
}

const grant = (s3: string, access: DataAccessGrant['access'] = 'read') => ({
  s3,
  access,
});

function violations(
  patch: Partial<TenantSpecInput>,
  options: { rails?: object; others?: TenantSpec[] } = {},
) {
  return guardrailViolations(tenant(patch), {
    guardrails: guardrails(options.rails),
    assetsBucket: ASSETS,
    others: options.others ?? [],
  });
}

const teamB = (dataAccess: DataAccessGrant[]) =>
  tenant({ name: 'team-b', owner: 'group:default/team-b', dataAccess });

type Case = [
  string,
  Partial<TenantSpecInput>,
  { rails?: object; others?: TenantSpec[] },
  string | undefined,
];

const cases: Case[] = [
  // Namespaces
  [
    'a namespace of the default reserved list',
    { namespace: 'monitoring' },
    {},
    'namespace',
  ],
  [
    'another default reserved namespace',
    { namespace: 'karpenter' },
    {},
    'namespace',
  ],
  ['the tenant’s own namespace', { namespace: 'team-a' }, {}, undefined],
  [
    'a namespace the configured list reserves',
    { namespace: 'ops' },
    { rails: { ...EXAMPLE, reservedNamespaces: ['ops'] } },
    'namespace',
  ],
  [
    'a default add-on namespace the configured list leaves out',
    { namespace: 'monitoring' },
    { rails: { ...EXAMPLE, reservedNamespaces: ['ops'] } },
    undefined,
  ],
  // Priority tiers
  ['the high tier by default', { priorityTier: 'high' }, {}, 'priorityTier'],
  ['the low tier', { priorityTier: 'low' }, {}, undefined],
  ['the standard tier', { priorityTier: 'standard' }, {}, undefined],
  [
    'a tier the configured list leaves out',
    { priorityTier: 'standard' },
    { rails: { ...EXAMPLE, allowedPriorityTiers: ['low'] } },
    'priorityTier',
  ],
  [
    'the high tier when configured',
    { priorityTier: 'high' },
    { rails: { ...EXAMPLE, allowedPriorityTiers: ['high'] } },
    undefined,
  ],
  // Pod Security
  [
    'baseline at the default minimum',
    { podSecurity: 'baseline' },
    {},
    undefined,
  ],
  [
    'restricted above the default minimum',
    { podSecurity: 'restricted' },
    {},
    undefined,
  ],
  [
    'baseline below a restricted minimum',
    { podSecurity: 'baseline' },
    { rails: { ...EXAMPLE, minPodSecurity: 'restricted' } },
    'podSecurity',
  ],
  [
    'baseline above a privileged minimum',
    { podSecurity: 'baseline' },
    { rails: { ...EXAMPLE, minPodSecurity: 'privileged' } },
    undefined,
  ],
  // Quota: the defaults x 4 unless configured
  [
    'requests.cpu at its cap',
    { quota: { 'requests.cpu': '128' } },
    {},
    undefined,
  ],
  [
    'requests.cpu above its cap',
    { quota: { 'requests.cpu': '129' } },
    {},
    'quota.requests.cpu',
  ],
  [
    'requests.cpu in millicores above its cap',
    { quota: { 'requests.cpu': '128001m' } },
    {},
    'quota.requests.cpu',
  ],
  [
    'an astronomic requests.cpu',
    { quota: { 'requests.cpu': '1e300' } },
    {},
    'quota.requests.cpu',
  ],
  [
    'requests.memory at its cap',
    { quota: { 'requests.memory': '512Gi' } },
    {},
    undefined,
  ],
  [
    'requests.memory above its cap',
    { quota: { 'requests.memory': '513Gi' } },
    {},
    'quota.requests.memory',
  ],
  [
    'limits.cpu above its cap',
    { quota: { 'limits.cpu': '257' } },
    {},
    'quota.limits.cpu',
  ],
  [
    'limits.memory at its cap in another unit',
    { quota: { 'limits.memory': '1Ti' } },
    {},
    undefined,
  ],
  [
    'limits.memory above its cap',
    { quota: { 'limits.memory': '1025Gi' } },
    {},
    'quota.limits.memory',
  ],
  ['pods at their cap', { quota: { pods: '800' } }, {}, undefined],
  ['pods above their cap', { quota: { pods: '801' } }, {}, 'quota.pods'],
  [
    'requests.storage above its cap',
    { quota: { 'requests.storage': '5Ti' } },
    {},
    'quota.requests.storage',
  ],
  [
    'a configured cap on a key the spec sets higher',
    { quota: { persistentvolumeclaims: '11' } },
    { rails: { ...EXAMPLE, maxQuota: { persistentvolumeclaims: '10' } } },
    'quota.persistentvolumeclaims',
  ],
  [
    'a configured cap on a key the spec leaves unbounded',
    {},
    { rails: { ...EXAMPLE, maxQuota: { services: '5' } } },
    'quota.services',
  ],
  [
    'a configured cap the spec stays under',
    { quota: { 'requests.cpu': '16' } },
    { rails: { ...EXAMPLE, maxQuota: { 'requests.cpu': '16' } } },
    undefined,
  ],
  // LimitRange
  [
    'a container cpu at its cap',
    { limitRange: { max: { cpu: '32' } } },
    {},
    undefined,
  ],
  [
    'a container cpu above its cap',
    { limitRange: { max: { cpu: '33' } } },
    {},
    'limitRange.max.cpu',
  ],
  [
    'a container memory above its cap',
    { limitRange: { max: { memory: '257Gi' } } },
    {},
    'limitRange.max.memory',
  ],
  [
    'a container cpu above a configured cap',
    { limitRange: { max: { cpu: '16100m' } } },
    { rails: { ...EXAMPLE, maxLimitRange: { cpu: '16' } } },
    'limitRange.max.cpu',
  ],
  // Egress
  ['no egress', { network: { egressCidrs: [] } }, {}, undefined],
  [
    'the allowed block itself',
    { network: { egressCidrs: ['10.0.0.0/8'] } },
    {},
    undefined,
  ],
  [
    'a block inside the allowed one',
    { network: { egressCidrs: ['10.1.0.0/16'] } },
    {},
    undefined,
  ],
  [
    'one host inside the allowed block',
    { network: { egressCidrs: ['10.0.0.1/32'] } },
    {},
    undefined,
  ],
  [
    'the whole internet',
    { network: { egressCidrs: ['0.0.0.0/0'] } },
    {},
    'network.egressCidrs.0',
  ],
  [
    'a block beside the allowed one',
    { network: { egressCidrs: ['11.0.0.0/8'] } },
    {},
    'network.egressCidrs.0',
  ],
  [
    'a block wider than the allowed one',
    { network: { egressCidrs: ['10.0.0.0/7'] } },
    {},
    'network.egressCidrs.0',
  ],
  [
    'a second, disallowed block',
    { network: { egressCidrs: ['10.0.0.0/8', '192.168.0.0/16'] } },
    {},
    'network.egressCidrs.1',
  ],
  [
    'an IPv6 block inside the allowed one',
    { network: { egressCidrs: ['fd00:1::/32'] } },
    {},
    undefined,
  ],
  [
    'the whole IPv6 internet',
    { network: { egressCidrs: ['::/0'] } },
    {},
    'network.egressCidrs.0',
  ],
  [
    'any egress when none is configured',
    { network: { egressCidrs: ['10.0.0.0/8'] } },
    { rails: { dataAccess: EXAMPLE.dataAccess } },
    'network.egressCidrs.0',
  ],
  // Data access: inside the patterns, at most their access
  [
    'the tenant’s own lake prefix, read-write',
    { dataAccess: [grant('s3://data-lake/team-a/', 'read-write')] },
    {},
    undefined,
  ],
  [
    'a folder of its own lake prefix',
    { dataAccess: [grant('s3://data-lake/team-a/raw/', 'read-write')] },
    {},
    undefined,
  ],
  [
    'another team’s lake prefix',
    { dataAccess: [grant('s3://data-lake/team-b/')] },
    {},
    'dataAccess.0.s3',
  ],
  [
    'the whole lake bucket',
    { dataAccess: [grant('s3://data-lake/')] },
    {},
    'dataAccess.0.s3',
  ],
  [
    'a prefix that only starts like its own',
    { dataAccess: [grant('s3://data-lake/team-a-evil/')] },
    {},
    'dataAccess.0.s3',
  ],
  [
    'the assets bucket',
    {
      dataAccess: [
        grant(`s3://${ASSETS}/tenants/team-b/pod-templates/`, 'read-write'),
      ],
    },
    {},
    'dataAccess.0.s3',
  ],
  [
    'the assets bucket, even under a pattern that names it',
    { dataAccess: [grant(`s3://${ASSETS}/tenants/team-a/`)] },
    { rails: { dataAccess: [{ s3: `s3://${ASSETS}/`, access: 'read' }] } },
    'dataAccess.0.s3',
  ],
  [
    'shared reference data, read',
    { dataAccess: [grant('s3://shared-reference/')] },
    {},
    undefined,
  ],
  [
    'shared reference data, read-write',
    { dataAccess: [grant('s3://shared-reference/', 'read-write')] },
    {},
    'dataAccess.0.access',
  ],
  [
    'its own namespace prefix',
    {
      namespace: 'ns-a',
      dataAccess: [grant('s3://ns-data/ns-a/', 'read-write')],
    },
    {},
    undefined,
  ],
  [
    'another namespace’s prefix',
    { namespace: 'ns-a', dataAccess: [grant('s3://ns-data/ns-b/')] },
    {},
    'dataAccess.0.s3',
  ],
  [
    'any grant when no pattern is configured',
    { dataAccess: [grant('s3://data-lake/team-a/')] },
    { rails: {} },
    'dataAccess.0.s3',
  ],
  [
    'a bucket no pattern names',
    { dataAccess: [grant('s3://elsewhere/team-a/')] },
    {},
    'dataAccess.0.s3',
  ],
  // Data access: overlaps with the other tenants
  [
    'a write grant inside another tenant’s write grant',
    { dataAccess: [grant('s3://common/x/', 'read-write')] },
    { others: [teamB([grant('s3://common/', 'read-write')])] },
    'dataAccess.0.s3',
  ],
  [
    'a write grant around another tenant’s read grant',
    { dataAccess: [grant('s3://common/', 'read-write')] },
    { others: [teamB([grant('s3://common/x/')])] },
    'dataAccess.0.s3',
  ],
  [
    'a read grant inside another tenant’s write grant',
    { dataAccess: [grant('s3://common/x/')] },
    { others: [teamB([grant('s3://common/', 'read-write')])] },
    'dataAccess.0.s3',
  ],
  [
    'a read grant beside another tenant’s read grant outside a shared pattern',
    { dataAccess: [grant('s3://common/x/')] },
    { others: [teamB([grant('s3://common/x/y/')])] },
    'dataAccess.0.s3',
  ],
  [
    'read grants on disjoint prefixes of one pattern',
    { dataAccess: [grant('s3://common/a/', 'read-write')] },
    { others: [teamB([grant('s3://common/b/', 'read-write')])] },
    undefined,
  ],
  [
    'read grants overlapping inside a shared pattern',
    { dataAccess: [grant('s3://shared-reference/')] },
    { others: [teamB([grant('s3://shared-reference/sub/')])] },
    undefined,
  ],
  [
    'its own earlier grants (an update)',
    { dataAccess: [grant('s3://common/', 'read-write')] },
    { others: [tenant({ dataAccess: [grant('s3://common/', 'read-write')] })] },
    undefined,
  ],
];

describe('guardrailViolations', () => {
  it('has at least 60 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  it.each(cases)('%s', (_what, patch, options, path) => {
    const found = violations(patch, options);
    expect(found.map(v => v.path)).toEqual(path === undefined ? [] : [path]);
    // Each violation names the value or rule it broke, for the person fixing it.
    const RULE_WORDS =
      /not allowed|reserved|below|exceeds|must be set|not inside|outside|assets bucket|more than|overlaps/;
    expect(found.filter(v => !RULE_WORDS.test(v.message))).toEqual([]);
  });

  it('never names the other tenant or its grant', () => {
    const [found] = violations(
      { dataAccess: [grant('s3://common/', 'read-write')] },
      { others: [teamB([grant('s3://common/secret-project/')])] },
    );
    expect(found.message).not.toContain('team-b');
    expect(found.message).not.toContain('secret-project');
  });

  it('reports every violation of a spec at once', () => {
    const found = violations({
      namespace: 'monitoring',
      priorityTier: 'high',
      quota: { 'requests.cpu': '1000' },
      network: { egressCidrs: ['0.0.0.0/0'] },
      dataAccess: [grant(`s3://${ASSETS}/`, 'read-write')],
    });
    expect(found.map(v => v.path)).toEqual([
      'namespace',
      'priorityTier',
      'quota.requests.cpu',
      'network.egressCidrs.0',
      'dataAccess.0.s3',
    ]);
  });

  it('fills the tenant and namespace placeholders', () => {
    const rails = guardrails();
    expect(
      patternsFor({ name: 'team-a', namespace: 'ns-a' }, rails.dataAccess).map(
        p => p.s3,
      ),
    ).toEqual([
      's3://data-lake/team-a/',
      's3://shared-reference/',
      's3://ns-data/ns-a/',
      's3://common/',
    ]);
  });

  it('lets an accepted spec’s role reach only allowed locations that no other tenant writes', () => {
    const settings = testSettings();
    const cluster = settings.clusters[0];
    const rails = guardrails();
    const names = ['team-a', 'team-b', 'team-c', 'ab'];
    const locations = [
      's3://data-lake/',
      ...names.flatMap(n => [
        `s3://data-lake/${n}/`,
        `s3://data-lake/${n}/raw/`,
      ]),
      's3://shared-reference/',
      's3://shared-reference/maps/',
      's3://common/',
      's3://common/a/',
      's3://common/a/b/',
      's3://common/b/',
      's3://ns-data/team-a/',
      `s3://${cluster.assetsBucket}/`,
      `s3://${cluster.assetsBucket}/tenants/team-b/pod-templates/`,
      's3://elsewhere/',
    ];
    const grantArb = fc.record({
      s3: fc.constantFrom(...locations),
      access: fc.constantFrom('read' as const, 'read-write' as const),
    });
    const tenantArb = fc.record({
      name: fc.constantFrom(...names),
      dataAccess: fc.array(grantArb, { maxLength: 4 }),
    });

    fc.assert(
      fc.property(
        tenantArb,
        fc.array(tenantArb, { maxLength: 3 }),
        (me, others) => {
          const mine = tenant({ name: me.name, dataAccess: me.dataAccess });
          const theirs = others
            .filter(o => o.name !== me.name)
            .map(o => tenant({ name: o.name, dataAccess: o.dataAccess }));
          const found = guardrailViolations(mine, {
            guardrails: rails,
            assetsBucket: cluster.assetsBucket,
            others: theirs,
          });
          // Only accepted specs make roles.
          fc.pre(found.length === 0);
          const allowed = patternsFor(mine, rails.dataAccess);
          const policy = permissionsPolicy({
            spec: mine,
            uid: TEST_UID,
            cluster,
            logGroupName: 'g',
          });
          const s3Resources = policy.Statement.filter(st =>
            st.Sid?.endsWith('Objects'),
          )
            .flatMap(st => [st.Resource].flat())
            .map(arn =>
              String(arn)
                .replace(/^arn:aws:s3:::/, '')
                .replace(/\*$/, ''),
            );
          const outside = s3Resources.filter(resource => {
            const [bucket, ...rest] = resource.split('/');
            const prefix = rest.join('/');
            // In the assets bucket only the tenant's own assets, never another
            // tenant's; elsewhere only inside an allowed pattern.
            return bucket === cluster.assetsBucket
              ? !prefix.startsWith(`tenants/${mine.name}/`)
              : !allowed.some(
                  p => p.bucket === bucket && prefix.startsWith(p.prefix),
                );
          });
          // No location this role writes is granted to another tenant, nor
          // does this role read where another tenant writes.
          const clashes = mine.dataAccess.flatMap(g =>
            theirs
              .flatMap(t => t.dataAccess)
              .filter(other => {
                const here = parseS3Prefix(g.s3)!;
                const there = parseS3Prefix(other.s3)!;
                const overlap =
                  here.bucket === there.bucket &&
                  (here.prefix.startsWith(there.prefix) ||
                    there.prefix.startsWith(here.prefix));
                return (
                  overlap &&
                  (g.access === 'read-write' || other.access === 'read-write')
                );
              })
              .map(other => [g.s3, other.s3]),
          );
          expect({ outside, clashes }).toEqual({ outside: [], clashes: [] });
        },
      ),
      { numRuns: 500 },
    );
  });
});
