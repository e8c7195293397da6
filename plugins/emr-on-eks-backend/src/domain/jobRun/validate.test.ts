import fc from 'fast-check';
import { jobRequest, readyTenant } from '../../__testUtils__/fixtures';
import { ASSETS, cluster, fits, jobs, tenant } from './__testUtils__/requests';
import { validateJobRun } from './validate';

function validate(input: Record<string, unknown> = {}, forTenant = tenant) {
  return validateJobRun({
    request: fits(input),
    tenant: forTenant,
    cluster,
    jobs,
  });
}

describe('validateJobRun', () => {
  it('accepts the example request at 10 executors', () => {
    expect(validate()).toEqual([]);
  });

  it('rejects executor.cores 7 against a LimitRange max of 6, naming both', () => {
    expect(
      validate({ executor: { cores: 7, memory: '8g', maxExecutors: 4 } }),
    ).toContainEqual({
      path: 'executor.cores',
      message: '7 exceeds the LimitRange max cpu 6 of tenant team-a',
    });
  });

  it('counts the memory overhead against the LimitRange max memory', () => {
    // 40g + 40% overhead = 56Gi > 48Gi, although 40g alone would fit
    expect(
      validate({ executor: { cores: 4, memory: '40g', maxExecutors: 2 } }),
    ).toContainEqual({
      path: 'executor.memory',
      message:
        '40g + 16Gi overhead = 56Gi exceeds the LimitRange max memory 48Gi of tenant team-a',
    });
  });

  it('rejects the example request at 20 executors: it cannot fit the example quota', () => {
    const issues = validateJobRun({
      request: jobRequest(),
      tenant,
      cluster,
      jobs,
    });
    // 2 + 20 x 4 Spark cores, 21 x 0.1 for EMR's log shippers, 0.5 + 0.1 for the submitter
    expect(issues).toContainEqual({
      path: 'executor.maxExecutors',
      message:
        "with 20 executors the job needs 84.7 of requests.cpu, but tenant team-a's quota is 64",
    });
    expect(issues.map(i => i.message).join('\n')).toContain(
      'of requests.memory',
    );
  });

  it('names executor.instances for a fixed-size job over the pod quota', () => {
    const small = readyTenant({ quota: { pods: '5' } });
    expect(
      validate({ executor: { cores: 1, memory: '1g', instances: 4 } }, small),
    ).toEqual([
      {
        path: 'executor.instances',
        message:
          "with 4 executors the job needs 6 of pods, but tenant team-a's quota is 5",
      },
    ]);
  });

  it('checks local-disk storage against the storage quota', () => {
    const small = readyTenant({ quota: { 'requests.storage': '100Gi' } });
    expect(validate({}, small)).toContainEqual({
      path: 'executor.maxExecutors',
      message:
        "with 10 executors the job needs 500Gi of requests.storage, but tenant team-a's quota is 100Gi",
    });
  });

  it('keeps S3 paths inside the tenant prefixes', () => {
    expect(validate({ entryPoint: 's3://other-bucket/jobs/x.py' })).toEqual([
      {
        path: 'entryPoint',
        message: `s3://other-bucket/jobs/x.py is outside tenant team-a's S3 prefixes (s3://data-lake/team-a/, s3://shared-reference/, ${ASSETS})`,
      },
    ]);
    const issues = validate({
      entryPointArguments: [
        '--in',
        's3://shared-reference/prices/',
        '--out=s3a://data-lake/team-b/out/',
        '--tmp',
        's3://data-lake/team-a/../team-b/',
        `--scratch`,
        `${ASSETS}spark/tmp/`,
      ],
    });
    expect(issues.map(i => i.path)).toEqual([
      'entryPointArguments.2',
      'entryPointArguments.4',
    ]);
    expect(
      validate({
        entryPoint: 'local:///usr/lib/spark/examples/src/main/python/pi.py',
      }),
    ).toEqual([]);
    expect(
      validate({
        sparkConf: { 'spark.sql.warehouse.dir': 's3://elsewhere/wh/' },
      })[0].path,
    ).toBe('sparkConf.spark.sql.warehouse.dir');
  });

  it('rejects a tier above the tenant’s and a release EMR on EKS never had', () => {
    expect(validate({ priorityTier: 'high' })).toEqual([
      {
        path: 'priorityTier',
        message: "high is above tenant team-a's tier standard",
      },
    ]);
    expect(validate({ releaseLabel: 'emr-5.20.0-latest' })[0].path).toBe(
      'releaseLabel',
    );
  });

  it('rejects reserved tags', () => {
    expect(
      validate({ tags: { 'emr-on-eks.spot-spark.io/tenant': 'team-b' } }),
    ).toEqual([
      {
        path: 'tags.emr-on-eks.spot-spark.io/tenant',
        message: 'uses a reserved tag prefix',
      },
    ]);
  });
});

describe('validateJobRun: images', () => {
  const RELEASE = '755674844232.dkr.ecr.us-east-1.amazonaws.com/spark/';
  const validateImages = (
    sparkConf: Record<string, string>,
    allowedImages?: string[],
  ) =>
    validateJobRun({
      request: fits({ sparkConf }),
      tenant,
      cluster: allowedImages
        ? { ...cluster, guardrails: { ...cluster.guardrails, allowedImages } }
        : cluster,
      jobs,
    });

  it.each([
    'spark.kubernetes.container.image',
    'spark.kubernetes.driver.container.image',
    'spark.kubernetes.executor.container.image',
  ])('accepts %s from the region’s EMR release images by default', key => {
    expect(validateImages({ [key]: `${RELEASE}emr-7.5.0:latest` })).toEqual([]);
  });

  it.each([
    'spark.kubernetes.container.image',
    'spark.kubernetes.driver.container.image',
    'spark.kubernetes.executor.container.image',
  ])('refuses %s outside the list, naming the key and the list', key => {
    expect(
      validateImages({ [key]: 'evil.example.com/spark/emr-7.5.0:latest' }),
    ).toEqual([
      {
        path: `sparkConf.${key}`,
        message: `evil.example.com/spark/emr-7.5.0:latest is not in an image repository this cluster allows (guardrails.allowedImages: ${RELEASE}); use an image from one of them, or ask the platform team to add its repository`,
      },
    ]);
  });

  it('checks each image key on its own, against the configured list', () => {
    const custom = '123456789012.dkr.ecr.us-east-1.amazonaws.com/spark-custom/';
    expect(
      validateImages(
        {
          'spark.kubernetes.driver.container.image': `${custom}team-a:1`,
          'spark.kubernetes.executor.container.image': `${RELEASE}emr-7.5.0:latest`,
        },
        [custom],
      ).map(issue => issue.path),
    ).toEqual(['sparkConf.spark.kubernetes.executor.container.image']);
    expect(
      validateImages(
        { 'spark.kubernetes.container.image': `${RELEASE}emr-7.5.0:latest` },
        [],
      )[0].message,
    ).toContain('(guardrails.allowedImages: none)');
  });
});

describe('validateJobRun: URIs and Spark values', () => {
  const paths = (input: Record<string, unknown>, rails?: object) =>
    validateJobRun({
      request: fits(input),
      tenant,
      cluster: rails
        ? { ...cluster, guardrails: { ...cluster.guardrails, ...rails } }
        : cluster,
      jobs,
    }).map(issue => issue.path);

  it.each([
    [
      'spark.jars from another bucket over s3n',
      { 'spark.jars': 's3n://other-team/lib.jar' },
    ],
    [
      'spark.jars over https',
      {
        'spark.jars':
          's3://data-lake/team-a/ok.jar,https://example.com/evil.jar',
      },
    ],
    ['spark.jars with a plain path', { 'spark.jars': '/tmp/evil.jar' }],
    [
      'a path climbing out of its prefix',
      { 'spark.sql.warehouse.dir': 's3://data-lake/team-a/x=/../../team-b/' },
    ],
    [
      'a percent-encoded climb',
      { 'spark.sql.warehouse.dir': 's3://data-lake/team-a/%2e%2e/team-b/' },
    ],
    [
      'duplicate slashes around a climb',
      { 'spark.sql.warehouse.dir': 's3a://data-lake//team-a//..//team-b/' },
    ],
    [
      'an upper-case scheme on another bucket',
      { 'spark.sql.warehouse.dir': 'S3://other-team/x/' },
    ],
    ['hdfs', { 'spark.sql.warehouse.dir': 'hdfs://namenode/warehouse' }],
    [
      'py-files over http',
      { 'spark.submit.pyFiles': 'http://example.com/x.zip' },
    ],
    [
      'Maven packages with no repository allowed',
      { 'spark.jars.packages': 'org.example:evil:1.0' },
    ],
    [
      'a custom Maven repository',
      { 'spark.jars.repositories': 'https://evil.example/maven' },
    ],
    [
      'AWS credentials in the executor environment',
      { 'spark.executorEnv.AWS_ACCESS_KEY_ID': 'AKIA...' },
    ],
    [
      'a kube2iam role annotation',
      {
        'spark.kubernetes.executor.annotation.iam.amazonaws.com/role': 'admin',
      },
    ],
  ])('refuses %s', (_what, sparkConf) => {
    expect(paths({ sparkConf })).toEqual(
      Object.keys(sparkConf).map(key => `sparkConf.${key}`),
    );
  });

  it.each([
    ['an argument over s3n to another bucket', ['--in', 's3n://other-team/x/']],
    ['an argument with a file URI', ['--conf=file:/etc/passwd']],
    ['an argument climbing out', ['s3://data-lake/team-a/../team-b/']],
  ])('refuses %s', (_what, entryPointArguments) => {
    expect(paths({ entryPointArguments })).toEqual([
      `entryPointArguments.${entryPointArguments.length - 1}`,
    ]);
  });

  it('refuses glob characters in the entry point, the arguments and the Spark values, saying why', () => {
    const issues = validateJobRun({
      request: fits({
        entryPoint: 's3://data-lake/team-a/jobs/*.py',
        entryPointArguments: ['--in', 's3a://data-lake/team-a/in/part-?.csv'],
        sparkConf: {
          'spark.jars': 's3://data-lake/team-a/lib/{core}.jar',
          'spark.submit.pyFiles': 's3://data-lake/team-a/py/[ab].zip',
          'spark.sql.warehouse.dir': 's3://data-lake/team-a/%2A/',
        },
      }),
      tenant,
      cluster,
      jobs,
    });
    expect(issues.map(issue => issue.path)).toEqual([
      'entryPoint',
      'entryPointArguments.1',
      'sparkConf.spark.jars',
      'sparkConf.spark.submit.pyFiles',
      'sparkConf.spark.sql.warehouse.dir',
    ]);
    expect(issues[0].message).toBe(
      's3://data-lake/team-a/jobs/*.py has the glob character *, which Hadoop and Spark expand into every matching path, so the pattern could reach beyond the path that was checked; name each file or directory',
    );
  });

  it('refuses an entry point that resolves outside the prefixes', () => {
    // Other schemes never get here: the request parser takes only s3:// and local:///.
    for (const entryPoint of [
      's3://data-lake/team-a/../team-b/app.py',
      's3://data-lake/team-a//..//team-b/app.py',
    ]) {
      expect([entryPoint, paths({ entryPoint })]).toEqual([
        entryPoint,
        ['entryPoint'],
      ]);
    }
  });

  it('accepts its own data, its own assets and the image', () => {
    expect(
      paths({
        entryPoint: 'local:///opt/app/main.py',
        entryPointArguments: ['--in=s3a://data-lake/team-a/in/', ASSETS],
        sparkConf: {
          'spark.jars': `s3://data-lake/team-a/lib/a.jar, local:///opt/b.jar`,
          'spark.sql.warehouse.dir': 's3://data-lake/team-a/./warehouse/',
          'spark.executorEnv.PYSPARK_PYTHON': '/usr/bin/python3',
        },
      }),
    ).toEqual([]);
  });

  it('accepts Maven packages only from the repositories the cluster allows', () => {
    const rails = { mavenRepositories: ['https://repo.example.com/maven2/'] };
    const sparkConf = {
      'spark.jars.packages':
        'org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.6.1',
      'spark.jars.repositories': 'https://repo.example.com/maven2',
    };
    expect(paths({ sparkConf }, rails)).toEqual([]);
    expect(
      paths(
        {
          sparkConf: {
            ...sparkConf,
            'spark.jars.repositories': 'https://other.example/m2',
          },
        },
        rails,
      ),
    ).toEqual(['sparkConf.spark.jars.repositories']);
    expect(
      paths(
        { sparkConf: { 'spark.jars.packages': 'not a coordinate' } },
        rails,
      ),
    ).toEqual(['sparkConf.spark.jars.packages']);
  });

  it('counts PySpark and off-heap memory in the pod size', () => {
    // 32g + 40% overhead = 44.8Gi fits 48Gi; 4g of PySpark memory does not.
    const executor = { cores: 4, memory: '32g', maxExecutors: 2 };
    expect(paths({ executor })).toEqual([]);
    expect(
      paths({ executor, sparkConf: { 'spark.executor.pyspark.memory': '4g' } }),
    ).toEqual(['executor.memory']);
    const offHeap = {
      'spark.memory.offHeap.enabled': 'true',
      'spark.memory.offHeap.size': '4g',
    };
    expect(paths({ executor, sparkConf: offHeap })).toEqual([
      'executor.memory',
    ]);
    // Off-heap memory counts only when off-heap is enabled.
    expect(
      paths({
        executor,
        sparkConf: { ...offHeap, 'spark.memory.offHeap.enabled': 'false' },
      }),
    ).toEqual([]);
  });
});

describe('validateJobRun: retries', () => {
  const withMaxRetries = (maxRetries: number) => ({
    ...cluster,
    guardrails: { ...cluster.guardrails, maxRetries },
  });
  const retryIssues = (input: Record<string, unknown>, onCluster = cluster) =>
    validateJobRun({
      request: fits(input),
      tenant,
      cluster: onCluster,
      jobs,
    }).filter(issue => issue.path === 'retries');

  it('defaults guardrails.maxRetries to 2', () => {
    expect(cluster.guardrails.maxRetries).toBe(2);
  });

  it('accepts retries up to guardrails.maxRetries, and refuses more, naming the limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 10 }),
        (retries, maxRetries) => {
          expect(retryIssues({ retries }, withMaxRetries(maxRetries))).toEqual(
            retries <= maxRetries
              ? []
              : [
                  {
                    path: 'retries',
                    message: `${retries} is more than this cluster allows (guardrails.maxRetries: ${maxRetries}); ask for ${maxRetries} or fewer`,
                  },
                ],
          );
        },
      ),
    );
  });

  it('refuses retries on a release older than 6.9.0, and allows none there', () => {
    expect(
      retryIssues({ retries: 1, releaseLabel: 'emr-6.8.0-latest' }),
    ).toEqual([
      {
        path: 'retries',
        message:
          'job retries need EMR 6.9.0 or later, and emr-6.8.0-latest is older: choose a newer releaseLabel or set retries to 0',
      },
    ]);
    expect(
      retryIssues({ retries: 0, releaseLabel: 'emr-6.8.0-latest' }),
    ).toEqual([]);
    expect(
      retryIssues({ retries: 1, releaseLabel: 'emr-6.9.0-latest' }),
    ).toEqual([]);
  });
});
