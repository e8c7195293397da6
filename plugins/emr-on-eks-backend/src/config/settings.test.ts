import { ConfigReader } from '@backstage/config';
import { testConfig } from '../__testUtils__/fixtures';
import { readEmrOnEksSettings } from './settings';

function read(config: object) {
  return readEmrOnEksSettings(new ConfigReader(config as any));
}

function withCluster(patch: Record<string, unknown>) {
  const config = testConfig() as any;
  config.emrOnEks.clusters[0] = { ...config.emrOnEks.clusters[0], ...patch };
  return config;
}

describe('readEmrOnEksSettings', () => {
  it('reads a valid config and applies defaults', () => {
    const settings = read(testConfig());
    expect(settings.iam).toEqual({
      roleNamePrefix: 'emr-tenant-',
      rolePath: '/',
    });
    expect(settings.clusters[0]).toMatchObject({
      name: 'shared',
      // https:// is stripped: IAM condition keys use the bare issuer
      oidcIssuer:
        'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
      capacityTypeValues: { onDemand: 'ON_DEMAND', spot: 'SPOT' },
    });
    expect(settings.reconcileSchedule).toMatchObject({
      frequency: { minutes: 10 },
    });
  });

  it('accepts direct mode with EKS tokens from the AWS credentials', () => {
    const settings = read(
      withCluster({
        kubernetes: {
          mode: 'direct',
          url: 'https://k8s.example.com',
          caData: 'Q0E=',
          authProvider: 'aws',
        },
      }),
    );
    expect(settings.clusters[0].kubernetes).toMatchObject({
      mode: 'direct',
      authProvider: 'aws',
    });
  });

  it('reads a gitops repository with its defaults', () => {
    const settings = read(
      withCluster({
        kubernetes: {
          mode: 'gitops',
          repository: {
            url: 'https://git.example.com/platform/gitops.git',
            path: 'clusters/shared/',
            auth: { token: 'glpat-secret' },
          },
        },
      }),
    );
    expect(settings.clusters[0].kubernetes).toEqual({
      mode: 'gitops',
      repository: {
        url: 'https://git.example.com/platform/gitops.git',
        branch: 'main',
        path: 'clusters/shared',
        author: {
          name: 'Backstage EMR on EKS',
          email: 'emr-on-eks@backstage.invalid',
        },
        auth: { username: 'x-access-token', token: 'glpat-secret' },
        maxPushAttempts: 5,
        timeoutSeconds: 120,
      },
    });
  });

  it('reads a gitops directory as before', () => {
    expect(
      read(withCluster({ kubernetes: { mode: 'gitops', directory: 'out' } }))
        .clusters[0].kubernetes,
    ).toEqual({ mode: 'gitops', directory: 'out' });
  });

  it.each([
    'ssh://git@git.example.com/platform/gitops.git',
    'file:///srv/git/gitops.git',
    'http://gitea.gitea.svc:3000/platform/gitops.git',
  ])('accepts the repository URL %s', url => {
    expect(
      read(withCluster({ kubernetes: { mode: 'gitops', repository: { url } } }))
        .clusters[0].kubernetes,
    ).toMatchObject({ repository: { url } });
  });

  it.each([
    [
      {
        directory: 'out',
        repository: { url: 'https://git.example.com/a.git' },
      },
      'emrOnEks.clusters[0].kubernetes.repository and kubernetes.directory are exclusive in gitops mode',
    ],
    [
      { repository: { url: 'git@github.com:platform/gitops.git' } },
      'emrOnEks.clusters[0].kubernetes.repository.url must be a URL: write the scp-like form user@host:path as ssh://user@host/path',
    ],
    [
      { repository: { url: 'ftp://git.example.com/a.git' } },
      'emrOnEks.clusters[0].kubernetes.repository.url must be an https://, http://, ssh:// or file:// URL, not ftp://',
    ],
    [
      { repository: { url: 'ext::sh -c touch% /tmp/pwned' } },
      'emrOnEks.clusters[0].kubernetes.repository.url must be an https://, http://, ssh:// or file:// URL',
    ],
    [
      { repository: { url: 'https://bot:glpat-secret@git.example.com/a.git' } },
      'emrOnEks.clusters[0].kubernetes.repository.url must not contain credentials: put the token in kubernetes.repository.auth.token (a secret) instead',
    ],
    [
      {
        repository: {
          url: 'ssh://git@git.example.com/a.git',
          auth: { token: 'glpat-secret' },
        },
      },
      'emrOnEks.clusters[0].kubernetes.repository.auth applies to https:// and http:// URLs only',
    ],
    [
      {
        repository: {
          url: 'https://git.example.com/a.git',
          auth: { username: 'bot' },
        },
      },
      'emrOnEks.clusters[0].kubernetes.repository.auth.token is required',
    ],
    [
      { repository: { url: 'https://git.example.com/a.git', path: '../up' } },
      'emrOnEks.clusters[0].kubernetes.repository.path must be a relative directory inside the repository',
    ],
    [
      { repository: { url: 'https://git.example.com/a.git', path: '/abs' } },
      'emrOnEks.clusters[0].kubernetes.repository.path must be a relative directory inside the repository',
    ],
    [
      { repository: { url: 'https://git.example.com/a.git', branch: '-f' } },
      'emrOnEks.clusters[0].kubernetes.repository.branch must be a Git branch name',
    ],
    [
      { repository: { url: 'https://git.example.com/a.git', branch: 'a..b' } },
      'emrOnEks.clusters[0].kubernetes.repository.branch must be a Git branch name',
    ],
    [
      {
        repository: {
          url: 'https://git.example.com/a.git',
          maxPushAttempts: 0,
        },
      },
      'emrOnEks.clusters[0].kubernetes.repository.maxPushAttempts',
    ],
  ])('names the key of a bad gitops setting %j', (kubernetes, message) => {
    expect(() =>
      read(withCluster({ kubernetes: { mode: 'gitops', ...kubernetes } })),
    ).toThrow(message);
  });

  it('never repeats a token given in the repository URL', () => {
    expect(() =>
      read(
        withCluster({
          kubernetes: {
            mode: 'gitops',
            repository: {
              url: 'https://bot:glpat-secret@git.example.com/a.git',
            },
          },
        }),
      ),
    ).toThrow(
      expect.objectContaining({
        message: expect.not.stringContaining('glpat-secret'),
      }),
    );
  });

  it('reads the deprecated podTemplateBucket as assetsBucket, with a warning naming the key', () => {
    const warnings: string[] = [];
    const config = withCluster({ podTemplateBucket: 'legacy-assets' });
    delete config.emrOnEks.clusters[0].assetsBucket;
    const settings = readEmrOnEksSettings(new ConfigReader(config), {
      logger: { warn: (message: string) => warnings.push(message) },
    });
    expect(settings.clusters[0].assetsBucket).toBe('legacy-assets');
    expect(settings.clusters[0]).not.toHaveProperty('podTemplateBucket');
    expect(warnings).toEqual([
      expect.stringContaining(
        'emrOnEks.clusters[0].podTemplateBucket is deprecated: rename it to assetsBucket',
      ),
    ]);
  });

  it('warns about nothing when only assetsBucket is set', () => {
    const warnings: string[] = [];
    readEmrOnEksSettings(new ConfigReader(testConfig()), {
      logger: { warn: (message: string) => warnings.push(message) },
    });
    expect(warnings).toEqual([]);
  });

  it('refuses an assets bucket given twice under both names with different values', () => {
    expect(() =>
      read(withCluster({ podTemplateBucket: 'other-bucket' })),
    ).toThrow(
      'emrOnEks.clusters[0].podTemplateBucket is the deprecated name of assetsBucket and names another bucket',
    );
    // The same bucket under both names is merely redundant.
    expect(
      read(withCluster({ podTemplateBucket: 'shared-data-emr-assets' }))
        .clusters[0].assetsBucket,
    ).toBe('shared-data-emr-assets');
  });

  it('requires an assets bucket under one of its names', () => {
    const config = testConfig() as any;
    delete config.emrOnEks.clusters[0].assetsBucket;
    expect(() => read(config)).toThrow(
      'emrOnEks.clusters[0].assetsBucket is required',
    );
  });

  it('gives every cluster safe guardrails when none are configured', () => {
    const config = testConfig() as any;
    delete config.emrOnEks.clusters[0].guardrails;
    expect(read(config).clusters[0].guardrails).toMatchObject({
      dataAccess: [],
      maxQuota: {
        'requests.cpu': '128',
        'requests.memory': '512Gi',
        'limits.cpu': '256',
        'limits.memory': '1024Gi',
        pods: '800',
      },
      maxLimitRange: { cpu: '32', memory: '256Gi' },
      allowedEgressCidrs: [],
      minPodSecurity: 'baseline',
      allowedPriorityTiers: ['low', 'standard'],
      reservedNamespaces: expect.arrayContaining(['monitoring', 'karpenter']),
      allowedImages: ['755674844232.dkr.ecr.us-east-1.amazonaws.com/spark/'],
    });
  });

  it.each([
    ['eu-west-1', '483788554619.dkr.ecr.eu-west-1.amazonaws.com/spark/'],
    ['us-west-2', '895885662937.dkr.ecr.us-west-2.amazonaws.com/spark/'],
    [
      'cn-northwest-1',
      '068420816659.dkr.ecr.cn-northwest-1.amazonaws.com.cn/spark/',
    ],
  ])(
    'allows the EMR release images of the cluster’s own region %s only, by default',
    (region, repository) => {
      const settings = read(testConfig({ region }));
      expect(settings.clusters[0].guardrails.allowedImages).toEqual([
        repository,
      ]);
    },
  );

  it('allows no image by default in a region without known release images, and the configured list everywhere', () => {
    expect(
      read(testConfig({ region: 'xx-nowhere-1' })).clusters[0].guardrails
        .allowedImages,
    ).toEqual([]);
    const allowedImages = [
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/spark-custom/',
    ];
    expect(
      read(withCluster({ guardrails: { allowedImages } })).clusters[0]
        .guardrails.allowedImages,
    ).toEqual(allowedImages);
    expect(
      read(withCluster({ guardrails: { allowedImages: [] } })).clusters[0]
        .guardrails.allowedImages,
    ).toEqual([]);
  });

  it.each([
    [
      { dataAccess: [{ s3: 's3://shared-data-emr-assets/', access: 'read' }] },
      'emrOnEks.clusters[0].guardrails.dataAccess[0].s3 is in the assets bucket',
    ],
    [
      { dataAccess: [{ s3: 's3://lake/{tenant}', access: 'read' }] },
      'emrOnEks.clusters[0].guardrails.dataAccess[0].s3 must be s3://bucket/prefix/',
    ],
    [
      { dataAccess: [{ s3: 's3://lake/', access: 'write' }] },
      'emrOnEks.clusters[0].guardrails.dataAccess[0].access',
    ],
    [
      { allowedEgressCidrs: ['10.0.0.0/33'] },
      'emrOnEks.clusters[0].guardrails.allowedEgressCidrs[0] must be a CIDR block',
    ],
    [
      { maxQuota: { 'requests.cpu': 'lots' } },
      'emrOnEks.clusters[0].guardrails.maxQuota.requests.cpu "lots" is not a Kubernetes quantity',
    ],
    [
      { allowedPriorityTiers: [] },
      'emrOnEks.clusters[0].guardrails.allowedPriorityTiers must allow at least one tier',
    ],
    [
      { minPodSecurity: 'lenient' },
      'emrOnEks.clusters[0].guardrails.minPodSecurity',
    ],
    [
      { allowedImages: ['755674844232.dkr.ecr.us-east-1.amazonaws.com'] },
      'emrOnEks.clusters[0].guardrails.allowedImages[0] needs a / after the registry host',
    ],
    [
      { allowedImages: ['spark/'] },
      'emrOnEks.clusters[0].guardrails.allowedImages[0] names no registry host',
    ],
    [
      { allowedImages: ['registry.example.com/spark:3.5'] },
      'emrOnEks.clusters[0].guardrails.allowedImages[0] names a tag or digest',
    ],
    [
      { allowedImages: ['Registry.Example.com/spark/'] },
      'emrOnEks.clusters[0].guardrails.allowedImages[0] has a registry host that is not a lowercase host name',
    ],
  ])('refuses the guardrails %j, naming the key', (guardrails, message) => {
    expect(() => read(withCluster({ guardrails }))).toThrow(message);
  });

  it('knows the Karpenter capacity label values', () => {
    const settings = read(
      withCluster({ capacityTypeLabel: 'karpenter.sh/capacity-type' }),
    );
    expect(settings.clusters[0].capacityTypeValues).toEqual({
      onDemand: 'on-demand',
      spot: 'spot',
    });
  });

  it('reads the reconcile schedule from config', () => {
    const config = testConfig() as any;
    config.emrOnEks.reconcile = {
      schedule: { frequency: { minutes: 2 }, timeout: { minutes: 1 } },
    };
    expect(read(config).reconcileSchedule).toEqual({
      frequency: { minutes: 2 },
      timeout: { minutes: 1 },
    });
  });

  it('fails without an emrOnEks block', () => {
    expect(() => read({})).toThrow('Missing required config value at emrOnEks');
  });

  it.each([
    [
      { accountId: '12345' },
      'emrOnEks.clusters[0].accountId must be a 12-digit AWS account id',
    ],
    [{ accountId: undefined }, 'emrOnEks.clusters[0].accountId is required'],
    [{ region: 'useast' }, 'emrOnEks.clusters[0].region must be an AWS region'],
    [
      { assetsBucket: 'Bad_Bucket' },
      'emrOnEks.clusters[0].assetsBucket must be an S3 bucket name',
    ],
    [
      { oidcIssuer: 'not an issuer' },
      'emrOnEks.clusters[0].oidcIssuer must be the cluster OIDC issuer',
    ],
    [
      { capacityTypeLabel: 'example.com/lifecycle' },
      'emrOnEks.clusters[0].capacityTypeValues is required for the custom capacityTypeLabel',
    ],
    [
      { kubernetes: { mode: 'gitops' } },
      'emrOnEks.clusters[0].kubernetes.directory is required in gitops mode (or kubernetes.repository, to commit into a Git repository)',
    ],
    [
      { kubernetes: { mode: 'direct' } },
      'direct mode needs url (with token or authProvider aws) or kubeconfig',
    ],
    [
      { kubernetes: { mode: 'direct', url: 'https://k8s.example.com' } },
      'direct mode with url needs a token, or authProvider: aws',
    ],
    [{ kubernetes: { mode: 'helm' } }, 'emrOnEks.clusters[0].kubernetes.mode'],
  ])('names the key of a bad cluster value %j', (patch, message) => {
    expect(() => read(withCluster(patch))).toThrow(message);
  });

  it('rejects duplicate cluster names and an empty cluster list', () => {
    const config = testConfig() as any;
    config.emrOnEks.clusters.push(config.emrOnEks.clusters[0]);
    expect(() => read(config)).toThrow(
      'emrOnEks.clusters[1].name duplicate cluster name shared',
    );
    config.emrOnEks.clusters = [];
    expect(() => read(config)).toThrow(
      'emrOnEks.clusters must list at least one cluster',
    );
  });

  it('rejects a role name prefix IAM would refuse', () => {
    expect(() =>
      read(testConfig({ iam: { roleNamePrefix: 'emr tenant/' } })),
    ).toThrow('emrOnEks.iam.roleNamePrefix must be at most 40 characters');
  });
});

describe('emrOnEks.costs', () => {
  function withCosts(costs: object) {
    const config = testConfig() as any;
    config.emrOnEks.costs = costs;
    return config;
  }

  it('is off when absent, and reads the embedded defaults with its schedule', () => {
    expect(read(testConfig()).costs).toBeUndefined();
    const settings = read(
      withCosts({
        duckdb: { curPath: 'cur/*.csv', kubecostPath: 'kubecost/*.csv' },
        rates: { 'us-east-1': { vcpuHour: 0.01012, gbHour: 0.00111125 } },
        schedule: { frequency: { minutes: 30 }, timeout: { minutes: 10 } },
      }),
    );
    expect(settings.costs).toMatchObject({
      uplift: 'duckdb',
      compute: 'duckdb',
      costColumn: 'unblended',
      currency: 'USD',
      lookbackDays: 7,
      maxRangeDays: 400,
    });
    expect(settings.costSchedule).toEqual({
      frequency: { minutes: 30 },
      timeout: { minutes: 10 },
    });
  });

  it.each([
    [{}, 'emrOnEks.costs.duckdb.curPath is required when uplift is duckdb'],
    [
      { duckdb: { curPath: 'c.csv' } },
      'emrOnEks.costs.duckdb.kubecostPath is required when compute is duckdb',
    ],
    [
      {
        uplift: 'athena',
        compute: 'kubecost',
        kubecost: { baseUrl: 'http://k:9090' },
      },
      'emrOnEks.costs.athena is required when uplift is athena',
    ],
    [
      {
        uplift: 'athena',
        compute: 'opencost',
        athena: { database: 'cur; drop', table: 'cur_data' },
        opencost: { baseUrl: 'http://o:9003' },
      },
      'emrOnEks.costs.athena.database must be a plain SQL identifier',
    ],
    [
      {
        duckdb: { curPath: 'c', kubecostPath: 'k' },
        rates: { mars: { vcpuHour: 1, gbHour: 1 } },
      },
      'keys must be AWS regions',
    ],
    [
      {
        compute: 'kubecost',
        duckdb: { curPath: 'c' },
        kubecost: { baseUrl: 'ftp://k' },
      },
      'emrOnEks.costs.kubecost.baseUrl must be an http:// or https:// URL',
    ],
  ])('refuses %j naming the key', (costs, message) => {
    expect(() => read(withCosts(costs))).toThrow(message);
  });
});
