import { parseTenantSpec, TENANT_DEFAULTS } from './tenant';

const minimal = {
  name: 'team-a',
  owner: 'group:default/team-a',
  cluster: 'shared',
};

function issuesOf(input: unknown) {
  const result = parseTenantSpec(input);
  if (result.success) {
    throw new Error('expected the spec to be rejected');
  }
  return result.issues;
}

describe('parseTenantSpec', () => {
  it('fills every documented default from name, owner and cluster alone', () => {
    const result = parseTenantSpec(minimal);
    expect(result).toEqual({
      success: true,
      data: {
        ...minimal,
        namespace: 'team-a',
        quota: TENANT_DEFAULTS.quota,
        limitRange: TENANT_DEFAULTS.limitRange,
        network: { egressCidrs: [] },
        dataAccess: [],
        priorityTier: 'standard',
        logRetentionDays: 30,
        releaseLabel: 'emr-7.5.0-latest',
        podSecurity: 'baseline',
      },
    });
  });

  it('normalises the owner to a full entity ref and keeps a namespace override', () => {
    const result = parseTenantSpec({
      ...minimal,
      owner: 'group:team-a',
      namespace: 'spark-a',
    });
    expect(result.success && result.data.owner).toBe('group:default/team-a');
    expect(result.success && result.data.namespace).toBe('spark-a');
  });

  it('merges given quota and LimitRange keys over the defaults', () => {
    const result = parseTenantSpec({
      ...minimal,
      quota: { 'requests.cpu': 10, pods: '50' },
      limitRange: { max: { cpu: '6' } },
    });
    expect(result).toMatchObject({
      success: true,
      data: {
        quota: {
          'requests.cpu': '10',
          pods: '50',
          'limits.memory': TENANT_DEFAULTS.quota['limits.memory'],
        },
        limitRange: { max: { cpu: '6', memory: '64Gi' } },
      },
    });
  });

  it.each([
    ['uppercase', 'Team-A'],
    ['dots', 'team.a'],
    ['underscores', 'team_a'],
    ['a leading digit', '1team'],
    ['a trailing dash', 'team-'],
    ['an empty name', ''],
  ])('rejects names with %s, naming the field', (_what, name) => {
    const issues = issuesOf({ ...minimal, name });
    expect(issues[0].path).toBe('name');
  });

  it('rejects names over 63 characters and says why', () => {
    const issues = issuesOf({ ...minimal, name: `a${'b'.repeat(63)}` });
    expect(issues[0]).toEqual({
      path: 'name',
      message: expect.stringContaining('at most 63 characters'),
    });
  });

  it.each(['default', 'kube-system', 'kube-public', 'kube-anything'])(
    'rejects the reserved name %s',
    name => {
      const issues = issuesOf({ ...minimal, name });
      expect(issues).toEqual([
        { path: 'name', message: expect.stringContaining('reserved') },
      ]);
      expect(issuesOf({ ...minimal, namespace: name })[0].path).toBe(
        'namespace',
      );
    },
  );

  it.each(['lots', '12XB', '1.2.3', '--1', ''])(
    'rejects the quantity "%s"',
    value => {
      const issues = issuesOf({ ...minimal, quota: { 'requests.cpu': value } });
      expect(issues[0]).toEqual({
        path: 'quota.requests.cpu',
        message: expect.stringContaining('is not a Kubernetes quantity'),
      });
    },
  );

  it('rejects negative quantities', () => {
    expect(
      issuesOf({ ...minimal, limitRange: { min: { memory: '-1Gi' } } })[0],
    ).toEqual({
      path: 'limitRange.min.memory',
      message: '"-1Gi" is negative',
    });
  });

  it('rejects fractional object counts and unknown quota keys', () => {
    expect(issuesOf({ ...minimal, quota: { pods: '1.5' } })[0].path).toBe(
      'quota.pods',
    );
    expect(issuesOf({ ...minimal, quota: { 'requests.gpu': '1' } })[0]).toEqual(
      {
        path: 'quota',
        message: 'unknown field(s) "requests.gpu"',
      },
    );
  });

  it('rejects a LimitRange max below its min, naming both', () => {
    const issues = issuesOf({
      ...minimal,
      limitRange: {
        max: { cpu: '500m' },
        min: { cpu: '1' },
        default: { cpu: '500m' },
        defaultRequest: { cpu: '500m' },
      },
    });
    expect(issues).toContainEqual({
      path: 'limitRange.max.cpu',
      message: 'max cpu (500m) is below min cpu (1)',
    });
  });

  it('rejects a default above the max', () => {
    const issues = issuesOf({
      ...minimal,
      limitRange: { max: { memory: '1Gi' } },
    });
    expect(issues).toContainEqual({
      path: 'limitRange.max.memory',
      message: 'max memory (1Gi) is below default memory (2Gi)',
    });
  });

  it.each([
    'data-lake/team-a/',
    's3://data-lake/team-a',
    's3://data-lake/team-a/*',
    's3://Data-Lake/team-a/',
    's3://data-lake//',
    's3://data-lake/a/../b/',
    'https://data-lake.s3.amazonaws.com/team-a/',
  ])('rejects the S3 path %s', s3 => {
    const issues = issuesOf({
      ...minimal,
      dataAccess: [{ s3, access: 'read' }],
    });
    expect(issues[0]).toEqual({
      path: 'dataAccess.0.s3',
      message: expect.stringContaining('s3://bucket/prefix/'),
    });
  });

  it('accepts whole-bucket and nested prefixes', () => {
    const result = parseTenantSpec({
      ...minimal,
      dataAccess: [
        { s3: 's3://shared-reference/', access: 'read' },
        { s3: 's3://data-lake/team-a/raw/2026/', access: 'read-write' },
      ],
    });
    expect(result.success).toBe(true);
  });

  it.each([
    'team-a',
    'group:',
    'group:default/',
    'component:default/x',
    'a:b:c',
  ])('rejects the owner %s', owner => {
    expect(issuesOf({ ...minimal, owner })[0].path).toBe('owner');
  });

  it('rejects bad CIDRs, retention values, release labels and unknown fields', () => {
    expect(
      issuesOf({ ...minimal, network: { egressCidrs: ['10.0.0.0/33'] } })[0]
        .path,
    ).toBe('network.egressCidrs.0');
    expect(
      issuesOf({ ...minimal, network: { egressCidrs: ['10.0.0.0'] } })[0].path,
    ).toBe('network.egressCidrs.0');
    expect(issuesOf({ ...minimal, logRetentionDays: 31 })[0].path).toBe(
      'logRetentionDays',
    );
    expect(issuesOf({ ...minimal, releaseLabel: '7.5.0' })[0].path).toBe(
      'releaseLabel',
    );
    expect(issuesOf({ ...minimal, priorityTier: 'urgent' })[0].path).toBe(
      'priorityTier',
    );
    expect(issuesOf({ ...minimal, colour: 'blue' })[0].message).toBe(
      'unknown field(s) "colour"',
    );
  });

  it('requires name, owner and cluster', () => {
    const paths = issuesOf({}).map(i => i.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'owner', 'cluster']));
  });
});

describe('parseTenantSpec at the edges (issue 8)', () => {
  const pathsOf = (patch: object) => [
    ...new Set(issuesOf({ ...minimal, ...patch }).map(issue => issue.path)),
  ];

  it.each([
    ['a newline', 'group:default/team-a\n'],
    ['a space', 'group:default/team a'],
    ['a 64-character name', `group:default/${'a'.repeat(64)}`],
    ['a name ending in -', 'group:default/team-'],
    ['an invalid namespace', 'group:my_ns/team-a'],
    ['an invalid kind', '1group:default/team-a'],
    ['no kind', 'team-a'],
    ['a component', 'component:default/team-a'],
    ['300 characters', `group:default/${'a'.repeat(286)}`],
  ])('refuses an owner with %s, naming owner', (_what, owner) => {
    expect(pathsOf({ owner })).toEqual(['owner']);
  });

  it('stores the owner as the catalog compares it, so its name is a label value', () => {
    const result = parseTenantSpec({
      ...minimal,
      owner: 'Group:Default/Team-A',
    });
    expect(result.success && result.data.owner).toBe('group:default/team-a');
    const bare = parseTenantSpec({ ...minimal, owner: 'user:alice' });
    expect(bare.success && bare.data.owner).toBe('user:default/alice');
  });

  it.each([
    ['cluster', { cluster: 'c'.repeat(64) }],
    ['description', { description: 'd'.repeat(1025) }],
    ['description', { description: 'tab\tok but NUL\u0000 not' }],
    ['releaseLabel', { releaseLabel: `emr-${'9'.repeat(80)}.0.0-latest` }],
    ['releaseLabel', { releaseLabel: 'emr-1000.0.0-latest' }],
    ['network.egressCidrs.0', { network: { egressCidrs: [':::/8'] } }],
    [
      'network.egressCidrs.0',
      { network: { egressCidrs: ['1:2:3:4:5:6:7:8:9/64'] } },
    ],
    ['quota.requests.memory', { quota: { 'requests.memory': '9'.repeat(65) } }],
    [
      'dataAccess.0.s3',
      {
        dataAccess: [{ s3: `s3://lake/${'k'.repeat(1100)}/`, access: 'read' }],
      },
    ],
  ])('caps %s', (path, patch) => {
    expect(pathsOf(patch)).toEqual([path]);
  });

  it('accepts IPv4-mapped IPv6 CIDRs, exa quantities and a multi-line description', () => {
    const result = parseTenantSpec({
      ...minimal,
      description: 'line one\nline two',
      network: { egressCidrs: ['::ffff:10.0.0.0/104'] },
      quota: { 'requests.storage': '1Ei', 'limits.ephemeral-storage': '1E' },
    });
    expect(result.success).toBe(true);
  });
});
