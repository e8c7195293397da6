import fc from 'fast-check';
import {
  classifyLogName,
  LOG_STREAM_ID,
  logStreamId,
  publicLogStream,
  runLogStreams,
  type FoundLogStream,
} from './streams';
import { runLogLocation, tenantLogUri } from './locations';

const TENANT = { name: 'team-a', uid: '0a1b2c3d-0000-4000-8000-00000000aaaa' };
const APP = 'spark-5a8bc0c1d2e34f0f9a9b8c7d6e5f4a3b';

const s3 = (relative: string, sizeBytes = 10): FoundLogStream => ({
  source: 's3',
  name: `prefix/${relative}`,
  relative,
  sizeBytes,
});

describe('run log locations', () => {
  it('are under the tenant’s logUri, the virtual cluster and the job', () => {
    const location = runLogLocation({
      bucket: 'assets',
      tenant: TENANT,
      virtualClusterId: 'vc0123456789abcdefghijklm',
      emrJobId: '000000034abcdefghij',
      logGroupName: '/emr-on-eks/shared/team-a',
      streamNamePrefix: 'daily-sales',
    });
    expect(location).toEqual({
      s3: {
        bucket: 'assets',
        prefix: `tenants/team-a/${TENANT.uid}/logs/vc0123456789abcdefghijklm/jobs/000000034abcdefghij/containers/`,
      },
      cloudWatch: {
        logGroupName: '/emr-on-eks/shared/team-a',
        prefix:
          'daily-sales/vc0123456789abcdefghijklm/jobs/000000034abcdefghij/containers/',
      },
    });
    expect(
      `s3://assets/${location!.s3!.prefix}`.startsWith(
        tenantLogUri('assets', TENANT),
      ),
    ).toBe(true);
  });

  it('are none before EMR gave the run an id, and for ids that are not EMR’s', () => {
    const base = { bucket: 'assets', tenant: TENANT, virtualClusterId: 'vc1' };
    expect(runLogLocation(base)).toBeUndefined();
    for (const emrJobId of ['../x', 'a/b', 'A B', '', 'x'.repeat(65)]) {
      expect(runLogLocation({ ...base, emrJobId })).toBeUndefined();
    }
    expect(
      runLogLocation({ ...base, virtualClusterId: '../vc', emrJobId: 'j1' }),
    ).toBeUndefined();
  });

  it('leave CloudWatch out without the stream prefix the plugin gave the run', () => {
    expect(
      runLogLocation({
        bucket: 'assets',
        tenant: TENANT,
        virtualClusterId: 'vc1',
        emrJobId: 'j1',
        logGroupName: '/g',
      })!.cloudWatch,
    ).toBeUndefined();
  });
});

describe('classifyLogName', () => {
  it('tells the job submitter, the driver and the executors apart', () => {
    expect(classifyLogName('000000034abcdefghij-xk2p9/stdout.gz')).toEqual({
      role: 'job-submitter',
      container: '000000034abcdefghij-xk2p9',
      stream: 'stdout',
    });
    expect(
      classifyLogName(`${APP}/spark-000000034abcdefghij-driver/stderr.gz`),
    ).toEqual({
      role: 'driver',
      container: 'spark-000000034abcdefghij-driver',
      stream: 'stderr',
    });
    expect(classifyLogName(`${APP}/daily-sales-8f1c2a-exec-12/stdout`)).toEqual(
      {
        role: 'executor',
        container: 'daily-sales-8f1c2a-exec-12',
        stream: 'stdout',
        executorNumber: 12,
      },
    );
  });

  it('offers nothing else under the prefix', () => {
    for (const name of [
      'stdout.gz',
      'pod/stdout.txt',
      'pod/events.json',
      `${APP}/something-else/stdout.gz`,
      `${APP}/x-driver/extra/stdout.gz`,
      `${APP}//stdout.gz`,
      '../other/stdout.gz',
      `${APP}/../x-driver/stdout.gz`,
    ]) {
      expect(classifyLogName(name)).toBeUndefined();
    }
  });
});

describe('runLogStreams', () => {
  it('orders the job submitter, the driver, then executors by number', () => {
    const streams = runLogStreams([
      s3(`${APP}/app-exec-10/stdout.gz`),
      s3(`${APP}/app-exec-2/stderr.gz`),
      s3(`${APP}/spark-j-driver/stderr.gz`),
      s3('j-runner/stdout.gz'),
      s3(`${APP}/app-exec-2/stdout.gz`),
      s3(`${APP}/spark-j-driver/stdout.gz`),
    ]);
    expect(streams.map(s => `${s.container} ${s.stream}`)).toEqual([
      'j-runner stdout',
      'spark-j-driver stderr',
      'spark-j-driver stdout',
      'app-exec-2 stderr',
      'app-exec-2 stdout',
      'app-exec-10 stdout',
    ]);
  });

  it('offers the S3 object over the CloudWatch stream of the same container', () => {
    const streams = runLogStreams([
      {
        source: 'cloudwatch',
        name: 'p/x',
        relative: `${APP}/spark-j-driver/stderr`,
      },
      s3(`${APP}/spark-j-driver/stderr.gz`),
      {
        source: 'cloudwatch',
        name: 'p/y',
        relative: `${APP}/spark-j-driver/stdout`,
      },
    ]);
    expect(streams.map(s => `${s.stream} ${s.source}`)).toEqual([
      'stderr s3',
      'stdout cloudwatch',
    ]);
  });

  it('gives ids that are opaque, stable and distinct, and keeps names server side', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 999 }), { maxLength: 30 }),
        numbers => {
          const found = numbers.map(n => s3(`${APP}/app-exec-${n}/stdout.gz`));
          const streams = runLogStreams(found);
          const ids = streams.map(s => s.id);
          expect(new Set(ids).size).toBe(numbers.length);
          ids.forEach(id => expect(id).toMatch(LOG_STREAM_ID));
          expect(runLogStreams([...found].reverse()).map(s => s.id)).toEqual(
            ids,
          );
          const numbersInOrder = streams.map(s => s.executorNumber);
          expect(numbersInOrder).toEqual([...numbers].sort((a, b) => a - b));
          for (const stream of streams) {
            expect(JSON.stringify(publicLogStream(stream))).not.toContain(
              'prefix/',
            );
          }
        },
      ),
    );
  });

  it('gives the same relative name different ids on S3 and CloudWatch', () => {
    expect(logStreamId('s3', 'a/stdout')).not.toBe(
      logStreamId('cloudwatch', 'a/stdout'),
    );
  });
});
