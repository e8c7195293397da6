import {
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import request from 'supertest';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { AwsRunLogGateway } from './gateways/aws/RunLogGateway';
import { DAILY_SALES, TEAM_A } from './__testUtils__/fixtures';
import {
  as,
  BASE,
  BUCKET,
  onboard,
  useIntegrationHarness,
} from './__testUtils__/harness';
import { startEmrOnEksBackend, USERS } from './__testUtils__/testBackend';

/*
 * A run's logs end to end: the real backend, S3 and CloudWatch Logs in
 * moto, gzipped objects as EMR on EKS writes them, and the log events of
 * the tenant's log group.
 */

jest.setTimeout(90_000);

const harness = useIntegrationHarness();
const ALICE = as(USERS.alice);
const BOB = as(USERS.bob);
const APP = 'spark-7d1c2a3b4e5f60718293a4b5c6d7e8f9';
const SALES = {
  ...DAILY_SALES,
  executor: { ...DAILY_SALES.executor, maxExecutors: 10 },
};

/** A driver log of a run that lost one executor to Spot and failed. */
const DRIVER_STDERR = [
  '26/12/07 01:00:00 INFO SparkContext: Running Spark version 3.5.2-amzn-1',
  ...Array.from(
    { length: 2000 },
    (_, i) =>
      `26/12/07 01:00:01 INFO TaskSetManager: Finished task ${i}.0 in stage 1.0 (TID ${i}) in 120 ms on 10.0.3.4 (executor 1) (${
        i + 1
      }/2000)`,
  ),
  '26/12/07 01:41:41 WARN KubernetesClusterSchedulerBackend$KubernetesDriverEndpoint: Received executor 3 decommissioned message',
  '26/12/07 01:41:41 INFO KubernetesClusterSchedulerBackend: Decommission executors: 3',
  '26/12/07 01:42:10 ERROR TaskSchedulerImpl: Lost executor 3 on 10.0.3.9: Executor decommission: worker decommissioned.',
  '26/12/07 01:45:00 ERROR SparkContext: Error initializing SparkContext.',
  'java.lang.IllegalStateException: boom',
  '\tat com.example.Sales.main(Sales.scala:42)',
  '',
].join('\n');

async function world() {
  const backend = await startEmrOnEksBackend(harness.directConfig());
  const teamA = await onboard(backend.server, TEAM_A, USERS.alice);
  await onboard(
    backend.server,
    {
      ...TEAM_A,
      name: 'team-b',
      owner: 'group:default/team-b',
      dataAccess: [],
    },
    USERS.bob,
  );
  const run = (
    await request(backend.server)
      .post(`${BASE}/tenants/team-a/job-runs`)
      .set('Authorization', ALICE)
      .send(SALES)
      .expect(201)
  ).body;
  const tail = `${run.virtualClusterId}/jobs/${run.emrJobRunId}/containers/`;
  const prefix = `tenants/team-a/${teamA.uid}/logs/${tail}`;
  const driver = `spark-${run.emrJobRunId}-driver`;
  const put = (key: string, text: string) =>
    harness.aws.s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: `${prefix}${key}`,
        Body: gzipSync(text),
      }),
    );
  await put(`${run.emrJobRunId}-abcde/stdout.gz`, 'job submitted\n');
  await put(`${APP}/${driver}/stderr.gz`, DRIVER_STDERR);
  await put(`${APP}/daily-sales-5f6e-exec-3/stderr.gz`, 'decommissioning\n');
  // The executor's stdout is only in CloudWatch so far.
  const group = teamA.status.logGroupName;
  const stream = `daily-sales/${tail}${APP}/daily-sales-5f6e-exec-3/stdout`;
  await harness.aws.logs.send(
    new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }),
  );
  await harness.aws.logs.send(
    new PutLogEventsCommand({
      logGroupName: group,
      logStreamName: stream,
      logEvents: ['first line', 'second line', 'third line'].map(
        (message, i) => ({
          message,
          timestamp: Date.UTC(2026, 11, 7, 1, 0, i),
        }),
      ),
    }),
  );
  return { ...backend, run, prefix, driver };
}

describe('job-run logs (moto)', () => {
  it('lists S3 and CloudWatch streams, pages and downloads gzipped text, and 404s bob', async () => {
    const { server, run, driver } = await world();
    const api = () => request(server);
    const list = await api()
      .get(`${BASE}/job-runs/${run.id}/logs`)
      .set('Authorization', ALICE);
    expect(list.status).toBe(200);
    expect(
      list.body.items.map(
        (s: any) => `${s.role} ${s.container} ${s.stream} ${s.source}`,
      ),
    ).toEqual([
      `job-submitter ${run.emrJobRunId}-abcde stdout s3`,
      `driver ${driver} stderr s3`,
      'executor daily-sales-5f6e-exec-3 stderr s3',
      'executor daily-sales-5f6e-exec-3 stdout cloudwatch',
    ]);
    const [, driverLog, , cloudWatch] = list.body.items;

    const tail = await api()
      .get(`${BASE}/job-runs/${run.id}/logs/${driverLog.id}`)
      .query({ limit: 1000 })
      .set('Authorization', ALICE);
    expect(tail.status).toBe(200);
    expect(tail.body).toMatchObject({
      to: DRIVER_STDERR.length,
      total: DRIVER_STDERR.length,
      hasEarlier: true,
    });
    expect(tail.body.text).toContain('java.lang.IllegalStateException: boom\n');
    expect(DRIVER_STDERR.slice(tail.body.from, tail.body.to)).toBe(
      tail.body.text,
    );

    const head = await api()
      .get(`${BASE}/job-runs/${run.id}/logs/${driverLog.id}`)
      .query({ from: 0, limit: 500 })
      .set('Authorization', ALICE);
    expect(head.body).toMatchObject({ from: 0, hasLater: true });
    expect(
      head.body.text.startsWith('26/12/07 01:00:00 INFO SparkContext'),
    ).toBe(true);
    expect(head.body.text.endsWith('\n')).toBe(true);

    const events = await api()
      .get(`${BASE}/job-runs/${run.id}/logs/${cloudWatch.id}`)
      .set('Authorization', ALICE);
    expect(events.body).toMatchObject({
      text: 'first line\nsecond line\nthird line\n',
      stream: { source: 'cloudwatch' },
      hasEarlier: false,
      hasLater: false,
    });

    const whole = await api()
      .get(`${BASE}/job-runs/${run.id}/logs/${driverLog.id}`)
      .query({ format: 'download' })
      .set('Authorization', ALICE);
    expect(whole.status).toBe(200);
    expect(whole.text).toBe(DRIVER_STDERR);

    for (const path of [
      'logs',
      `logs/${driverLog.id}`,
      `logs/${driverLog.id}?format=download`,
      'spot-interruptions',
    ]) {
      const res = await api()
        .get(`${BASE}/job-runs/${run.id}/${path}`)
        .set('Authorization', BOB);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
  });

  it('reads Spot losses from the driver log, and keeps them once the run has ended', async () => {
    const { server, run, prefix, driver } = await world();
    const api = () => request(server);
    const expected = {
      spotLosses: 1,
      otherLosses: 0,
      source: 'driver-log',
      losses: [
        { executorId: '3', cause: 'spot', at: '2026-12-07T01:41:41.000Z' },
      ],
    };
    const running = await api()
      .get(`${BASE}/job-runs/${run.id}/spot-interruptions`)
      .set('Authorization', ALICE);
    expect(running.body).toMatchObject(expected);

    await api()
      .post(`${BASE}/job-runs/${run.id}/cancel`)
      .set('Authorization', ALICE)
      .expect(200);
    const ended = await api()
      .get(`${BASE}/job-runs/${run.id}/spot-interruptions`)
      .set('Authorization', ALICE);
    expect(ended.body).toMatchObject(expected);
    // Kept: the same answer once the log is gone (a lifecycle rule), without reading it.
    await harness.aws.s3.send(
      new DeleteObjectCommand({
        Bucket: BUCKET,
        Key: `${prefix}${APP}/${driver}/stderr.gz`,
      }),
    );
    harness.proxy.clear();
    const kept = await api()
      .get(`${BASE}/job-runs/${run.id}/spot-interruptions`)
      .set('Authorization', ALICE);
    expect(kept.body).toEqual(ended.body);
    expect(harness.proxy.calls.filter(c => c.service === 's3')).toEqual([]);
  });

  it('keeps the tail of a finished run’s S3 log: a second look reads no object, a newer upload is read', async () => {
    const { server, run, prefix, driver } = await world();
    const api = () => request(server);
    await api()
      .post(`${BASE}/job-runs/${run.id}/cancel`)
      .set('Authorization', ALICE)
      .expect(200);
    const list = await api()
      .get(`${BASE}/job-runs/${run.id}/logs`)
      .set('Authorization', ALICE);
    const driverLog = list.body.items.find((s: any) => s.role === 'driver');
    const tail = () =>
      api()
        .get(`${BASE}/job-runs/${run.id}/logs/${driverLog.id}`)
        .query({ limit: 1000 })
        .set('Authorization', ALICE);
    const reads = () =>
      // GetObject: `GET /<bucket>/<key>` (a listing is `GET /<bucket>/`).
      harness.proxy.calls.filter(
        c =>
          c.service === 's3' &&
          c.operation.startsWith(`GET /${BUCKET}/`) &&
          c.operation.length > `GET /${BUCKET}/`.length,
      ).length;

    harness.proxy.clear();
    const first = await tail();
    expect(first.body.text).toContain('boom');
    expect(reads()).toBeGreaterThan(0);

    harness.proxy.clear();
    const again = await tail();
    expect(again.body).toEqual(first.body);
    expect(reads()).toBe(0);

    // EMR uploads the log again (a longer one): the cached tail is not it.
    await harness.aws.s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: `${prefix}${APP}/${driver}/stderr.gz`,
        Body: gzipSync(`${DRIVER_STDERR}one more line\n`),
      }),
    );
    harness.proxy.clear();
    const newer = await tail();
    expect(newer.body.text.endsWith('one more line\n')).toBe(true);
    expect(reads()).toBeGreaterThan(0);
  });

  it('reads an object larger than its first range whole, in order, and an empty one as nothing', async () => {
    const gateway = new AwsRunLogGateway(harness.aws.s3, harness.aws.logs);
    // About 3 MiB gzipped: the 1 MiB first range, then a 4 MiB one.
    const text = Array.from(
      { length: 50_000 },
      (_, i) => `line ${i} ${randomBytes(48).toString('base64')}\n`,
    ).join('');
    const body = gzipSync(text);
    expect(body.length).toBeGreaterThan(2 * 1024 * 1024);
    await harness.aws.s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'big/stderr.gz',
        Body: body,
      }),
    );
    await harness.aws.s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'empty/stdout', Body: '' }),
    );
    const read = async (key: string) => {
      const stream = await gateway.readObject({ bucket: BUCKET, key });
      const chunks: Buffer[] = [];
      for await (const chunk of stream) {
        chunks.push(chunk as Buffer);
      }
      return Buffer.concat(chunks).toString('utf8');
    };
    expect(await read('big/stderr.gz')).toBe(text);
    expect(await read('empty/stdout')).toBe('');
  });
});
