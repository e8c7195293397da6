import { readyTenant } from '../../__testUtils__/fixtures';
import { composeStartJobRun } from './compose';
import { ASSETS, cluster, fits, jobs, tenant } from './__testUtils__/requests';

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

describe('composeStartJobRun: retries', () => {
  it('sends no retry policy for a request without retries', () => {
    expect(compose()).not.toHaveProperty('retryPolicyConfiguration');
    expect(compose({ retries: 0 })).not.toHaveProperty(
      'retryPolicyConfiguration',
    );
  });

  it('asks EMR for retries + 1 driver attempts', () => {
    expect(compose({ retries: 1 }).retryPolicyConfiguration).toEqual({
      maxAttempts: 2,
    });
    expect(compose({ retries: 2 }).retryPolicyConfiguration).toEqual({
      maxAttempts: 3,
    });
  });
});
