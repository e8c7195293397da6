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
