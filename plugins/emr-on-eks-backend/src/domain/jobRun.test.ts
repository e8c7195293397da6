import { parseJobRunRequest } from '@spot-spark/plugin-emr-on-eks-common';
import {
  jobRequest,
  readyTenant,
  testSettings,
} from '../__testUtils__/fixtures';
import {
  composeStartJobRun,
  forbiddenSparkKeyReason,
  jobShape,
  memoryOverheadMiB,
  releaseFeatures,
  requestedResources,
  validateJobRun,
} from './jobRun';

const settings = testSettings();
const cluster = settings.clusters[0];
const jobs = settings.jobs;
const tenant = readyTenant();
const ASSETS = 's3://shared-data-emr-assets/tenants/team-a/';

/** The issue's example request, at 10 executors so that it fits the example quota. */
const fits = (input: Record<string, unknown> = {}) =>
  jobRequest({
    executor: { cores: 4, memory: '16g', minExecutors: 2, maxExecutors: 10 },
    ...input,
  });

function compose(input: Record<string, unknown> = {}, forTenant = tenant) {
  return composeStartJobRun({
    request: fits(input),
    tenant: forTenant,
    cluster,
    jobs,
    clientToken: 'token-1',
    submissionId: 'sub-1',
    submittedBy: 'user:default/alice',
  });
}

function sparkDefaults(
  input: Record<string, unknown> = {},
  forTenant = tenant,
) {
  return compose(
    input,
    forTenant,
  ).configurationOverrides!.applicationConfiguration!.find(
    c => c.classification === 'spark-defaults',
  )!.properties!;
}

function validate(input: Record<string, unknown> = {}, forTenant = tenant) {
  return validateJobRun({
    request: fits(input),
    tenant: forTenant,
    cluster,
    jobs,
  });
}

describe('composeStartJobRun', () => {
  it('composes the full Spot-ready StartJobRun for a PySpark job with dynamic allocation on EMR 7.5', () => {
    expect(compose()).toEqual({
      name: 'daily-sales',
      virtualClusterId: 'vc0123456789abcdefghijklm',
      executionRoleArn: 'arn:aws:iam::123456789012:role/emr-tenant-team-a',
      releaseLabel: 'emr-7.5.0-latest',
      clientToken: 'token-1',
      jobDriver: {
        sparkSubmitJobDriver: {
          entryPoint: 's3://data-lake/team-a/jobs/sales.py',
          entryPointArguments: ['--date', '2026-11-20'],
          sparkSubmitParameters:
            '--conf spark.driver.cores=2 --conf spark.driver.memory=4g --conf spark.executor.cores=4 --conf spark.executor.memory=16g',
        },
      },
      configurationOverrides: {
        applicationConfiguration: [
          {
            classification: 'spark-defaults',
            properties: {
              'spark.kubernetes.driver.podTemplateFile': `${ASSETS}pod-templates/standard/driver.yaml`,
              'spark.kubernetes.executor.podTemplateFile': `${ASSETS}pod-templates/standard/executor-spot.yaml`,
              'spark.kubernetes.driver.request.cores': '2',
              'spark.kubernetes.driver.limit.cores': '2',
              'spark.kubernetes.executor.request.cores': '4',
              'spark.kubernetes.executor.limit.cores': '4',
              // PySpark: 40% overhead (4g -> 1639m, 16g -> 6554m)
              'spark.driver.memoryOverhead': '1639m',
              'spark.executor.memoryOverhead': '6554m',
              'spark.decommission.enabled': 'true',
              'spark.storage.decommission.enabled': 'true',
              'spark.storage.decommission.rddBlocks.enabled': 'true',
              'spark.storage.decommission.shuffleBlocks.enabled': 'true',
              'spark.storage.decommission.fallbackStorage.path': `${ASSETS}spark/fallback/`,
              'spark.kubernetes.driver.ownPersistentVolumeClaim': 'true',
              'spark.kubernetes.driver.reusePersistentVolumeClaim': 'true',
              'spark.kubernetes.driver.waitToReusePersistentVolumeClaim':
                'true',
              'spark.kubernetes.executor.volumes.persistentVolumeClaim.spark-local-dir-1.options.claimName':
                'OnDemand',
              'spark.kubernetes.executor.volumes.persistentVolumeClaim.spark-local-dir-1.options.storageClass':
                'gp3',
              'spark.kubernetes.executor.volumes.persistentVolumeClaim.spark-local-dir-1.options.sizeLimit':
                '50Gi',
              'spark.kubernetes.executor.volumes.persistentVolumeClaim.spark-local-dir-1.mount.path':
                '/data',
              'spark.kubernetes.executor.volumes.persistentVolumeClaim.spark-local-dir-1.mount.readOnly':
                'false',
              'spark.shuffle.sort.io.plugin.class':
                'org.apache.spark.shuffle.KubernetesLocalDiskShuffleDataIO',
              'spark.dynamicAllocation.enabled': 'true',
              'spark.dynamicAllocation.shuffleTracking.enabled': 'true',
              'spark.dynamicAllocation.shuffleTracking.timeout': '300s',
              'spark.dynamicAllocation.executorIdleTimeout': '60s',
              'spark.dynamicAllocation.minExecutors': '2',
              'spark.dynamicAllocation.initialExecutors': '2',
              'spark.dynamicAllocation.maxExecutors': '10',
              'spark.sql.shuffle.partitions': '400',
            },
          },
          {
            classification: 'emr-containers-defaults',
            properties: {
              'job-start-timeout': '900',
              'logging.request.cores': '100m',
              'logging.request.memory': '512Mi',
            },
          },
          {
            classification: 'emr-job-submitter',
            properties: {
              'jobsubmitter.node.selector.eks.amazonaws.com/capacityType':
                'ON_DEMAND',
              'jobsubmitter.logging.request.cores': '100m',
              'jobsubmitter.logging.request.memory': '200Mi',
            },
          },
        ],
        monitoringConfiguration: {
          persistentAppUI: 'ENABLED',
          cloudWatchMonitoringConfiguration: {
            logGroupName: '/emr-on-eks/shared/team-a',
            logStreamNamePrefix: 'daily-sales',
          },
          s3MonitoringConfiguration: { logUri: `${ASSETS}logs/` },
        },
      },
      tags: {
        'emr-on-eks.spot-spark.io/tenant': 'team-a',
        'emr-on-eks.spot-spark.io/owner': 'group:default/team-a',
        'emr-on-eks.spot-spark.io/submitted-by': 'user:default/alice',
        'emr-on-eks.spot-spark.io/submission-id': 'sub-1',
        'emr-on-eks.spot-spark.io/entity-ref': 'component:default/daily-sales',
      },
    });
  });

  it('puts executors on On-Demand when spot is off, and the driver stays On-Demand', () => {
    const props = sparkDefaults({ spot: false });
    expect(props['spark.kubernetes.executor.podTemplateFile']).toBe(
      `${ASSETS}pod-templates/standard/executor-on-demand.yaml`,
    );
    expect(props['spark.kubernetes.driver.podTemplateFile']).toBe(
      `${ASSETS}pod-templates/standard/driver.yaml`,
    );
  });

  it('runs a fixed number of executors without dynamic allocation', () => {
    const input = compose({
      executor: { cores: 4, memory: '16g', instances: 6 },
    });
    expect(input.jobDriver!.sparkSubmitJobDriver!.sparkSubmitParameters).toBe(
      '--conf spark.driver.cores=2 --conf spark.driver.memory=4g --conf spark.executor.cores=4 --conf spark.executor.memory=16g --conf spark.executor.instances=6',
    );
    const props = sparkDefaults({
      executor: { cores: 4, memory: '16g', instances: 6 },
    });
    expect(props['spark.dynamicAllocation.enabled']).toBe('false');
    expect(
      Object.keys(props).filter(k => k.startsWith('spark.dynamicAllocation.')),
    ).toEqual(['spark.dynamicAllocation.enabled']);
  });

  it('passes --class and a 10% overhead for a jar application', () => {
    const input = compose({
      entryPoint: 's3://data-lake/team-a/jobs/app.jar',
      mainClass: 'com.example.sales.Daily',
    });
    expect(
      input.jobDriver!.sparkSubmitJobDriver!.sparkSubmitParameters,
    ).toMatch(
      /^--class com\.example\.sales\.Daily --conf spark\.driver\.cores=2 /,
    );
    const props = sparkDefaults({
      entryPoint: 's3://data-lake/team-a/jobs/app.jar',
      mainClass: 'com.example.sales.Daily',
    });
    expect(props['spark.driver.memoryOverhead']).toBe('410m');
    expect(props['spark.executor.memoryOverhead']).toBe('1639m');
  });

  it('leaves out what a release before 6.12 cannot do, and before 6.8 and 6.3', () => {
    const at611 = sparkDefaults({ releaseLabel: 'emr-6.11.0-latest' });
    expect(at611['spark.kubernetes.driver.reusePersistentVolumeClaim']).toBe(
      'true',
    );
    expect(
      at611['spark.kubernetes.driver.waitToReusePersistentVolumeClaim'],
    ).toBeUndefined();
    expect(at611['spark.shuffle.sort.io.plugin.class']).toBeUndefined();
    expect(at611['spark.decommission.enabled']).toBe('true');

    const at612 = sparkDefaults({ releaseLabel: 'emr-6.12.0-20230803' });
    expect(
      at612['spark.kubernetes.driver.waitToReusePersistentVolumeClaim'],
    ).toBe('true');
    expect(at612['spark.shuffle.sort.io.plugin.class']).toBe(
      'org.apache.spark.shuffle.KubernetesLocalDiskShuffleDataIO',
    );

    const at67 = sparkDefaults({ releaseLabel: 'emr-6.7.0-latest' });
    expect(
      at67['spark.kubernetes.driver.ownPersistentVolumeClaim'],
    ).toBeUndefined();
    expect(at67['spark.decommission.enabled']).toBe('true');

    const at62 = sparkDefaults({ releaseLabel: 'emr-6.2.0-latest' });
    expect(at62['spark.decommission.enabled']).toBeUndefined();
    expect(at62['spark.dynamicAllocation.shuffleTracking.enabled']).toBe(
      'true',
    );
  });

  it('uses the tenant release label when the request has none, and a lower tier’s templates', () => {
    const input = compose({ releaseLabel: undefined, priorityTier: 'low' });
    expect(input.releaseLabel).toBe('emr-7.5.0-latest');
    const props = sparkDefaults({ priorityTier: 'low' });
    expect(props['spark.kubernetes.driver.podTemplateFile']).toBe(
      `${ASSETS}pod-templates/low/driver.yaml`,
    );
  });

  it('sizes EMR’s own containers within a tight LimitRange', () => {
    const tight = readyTenant({
      limitRange: {
        min: { cpu: '250m', memory: '1Gi' },
        default: { cpu: '1', memory: '2Gi' },
      },
    });
    const overrides = compose({}, tight).configurationOverrides!
      .applicationConfiguration!;
    expect(
      overrides.find(c => c.classification === 'emr-containers-defaults')!
        .properties,
    ).toMatchObject({
      'logging.request.cores': '250m',
      'logging.request.memory': '1024Mi',
    });
  });

  it('keeps user tags and cannot be made to drop the plugin’s own', () => {
    expect(compose({ tags: { team: 'sales' } }).tags).toMatchObject({
      team: 'sales',
      'emr-on-eks.spot-spark.io/tenant': 'team-a',
    });
  });
});

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

describe('forbiddenSparkKeyReason', () => {
  it.each([
    'spark.kubernetes.namespace',
    'spark.kubernetes.authenticate.driver.serviceAccountName',
    'spark.kubernetes.authenticate.executor.serviceAccountName',
    'spark.kubernetes.driver.podTemplateFile',
    'spark.kubernetes.executor.podTemplateFile',
    'spark.kubernetes.node.selector.eks.amazonaws.com/capacityType',
    'spark.kubernetes.executor.node.selector.karpenter.sh/capacity-type',
    'spark.kubernetes.driver.volumes.hostPath.root.mount.path',
    'spark.kubernetes.executor.limit.cores',
    'spark.kubernetes.executor.label.spark-role',
    'spark.kubernetes.driver.label.emr-containers.amazonaws.com/job.id',
    'spark.authenticate',
    'spark.hadoop.fs.s3a.aws.credentials.provider',
    'spark.hadoop.fs.s3a.bucket.other.access.key',
    'spark.executor.instances',
    'spark.dynamicAllocation.maxExecutors',
    'spark.master',
  ])('forbids %s', key => {
    expect(forbiddenSparkKeyReason(key)).toEqual(expect.any(String));
  });

  it.each([
    'spark.sql.shuffle.partitions',
    'spark.kubernetes.executor.label.team',
    'spark.kubernetes.container.image',
    'spark.dynamicAllocation.shuffleTracking.timeout',
    'spark.decommission.enabled',
    'spark.executor.memoryOverhead',
  ])('allows %s', key => {
    expect(forbiddenSparkKeyReason(key)).toBeUndefined();
  });

  it('explains which field replaces a key', () => {
    expect(forbiddenSparkKeyReason('spark.executor.cores')).toBe(
      'is set from executor.cores; use that field',
    );
  });
});

describe('shape helpers', () => {
  it('computes overheads like Spark: 10% JVM, 40% PySpark, at least 384 MiB', () => {
    expect(memoryOverheadMiB(1024, false)).toBe(384);
    expect(memoryOverheadMiB(16384, false)).toBe(1639);
    expect(memoryOverheadMiB(16384, true)).toBe(6554);
  });

  it('reports requested resources at the largest', () => {
    expect(requestedResources(jobShape(fits(), tenant, jobs))).toEqual({
      driver: { cores: 2, memoryMiB: 4096 + 1639 },
      executor: { cores: 4, memoryMiB: 16384 + 6554 },
      minExecutors: 2,
      maxExecutors: 10,
      maxCores: 42,
      maxMemoryMiB: 4096 + 1639 + 10 * (16384 + 6554),
    });
  });

  it('gates features by release label', () => {
    expect(releaseFeatures('emr-6.12.0-latest')).toEqual({
      decommission: true,
      pvcReuse: true,
      pvcWaitAndShuffleIO: true,
    });
    expect(releaseFeatures('emr-6.11.1-latest')).toEqual({
      decommission: true,
      pvcReuse: true,
      pvcWaitAndShuffleIO: false,
    });
    expect(releaseFeatures('emr-7.0.0-latest').pvcWaitAndShuffleIO).toBe(true);
    expect(releaseFeatures('emr-5.33.0-latest')).toEqual({
      decommission: false,
      pvcReuse: false,
      pvcWaitAndShuffleIO: false,
    });
  });
});

describe('parseJobRunRequest', () => {
  const issuesOf = (input: Record<string, unknown>) => {
    const parsed = parseJobRunRequest({
      name: 'x',
      entryPoint: 's3://data-lake/team-a/x.py',
      ...input,
    });
    return parsed.success ? [] : parsed.issues.map(i => i.path);
  };

  it.each([
    [{ name: 'has space' }, 'name'],
    [{ entryPoint: 'https://example.com/x.py' }, 'entryPoint'],
    [{ mainClass: 'not a class' }, 'mainClass'],
    [{ releaseLabel: '7.5.0' }, 'releaseLabel'],
    [{ driver: { cores: 0 } }, 'driver.cores'],
    [{ driver: { memory: '4096' } }, 'driver.memory'],
    [{ executor: { cores: 2.5 } }, 'executor.cores'],
    [{ executor: { instances: 3, maxExecutors: 5 } }, 'executor.instances'],
    [
      { executor: { minExecutors: 5, maxExecutors: 2 } },
      'executor.minExecutors',
    ],
    [{ sparkConf: { 'not.spark': 'x' } }, 'sparkConf.not.spark'],
    [{ idempotencyKey: 'has space' }, 'idempotencyKey'],
    [{ entityRef: 'daily-sales' }, 'entityRef'],
    [{ spot: 'yes' }, 'spot'],
    [{ colour: 'blue' }, ''],
  ])('rejects %j at %s', (input, path) => {
    expect(issuesOf(input)).toContain(path);
  });

  it('fills defaults', () => {
    const parsed = parseJobRunRequest({
      name: 'x',
      entryPoint: 'local:///app.py',
    });
    expect(parsed).toEqual({
      success: true,
      data: {
        name: 'x',
        entryPoint: 'local:///app.py',
        entryPointArguments: [],
        driver: { cores: 1, memory: '2g' },
        executor: { cores: 2, memory: '4g' },
        spot: true,
        sparkConf: {},
        tags: {},
      },
    });
  });
});
