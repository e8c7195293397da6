import { mockCredentials } from '@backstage/backend-test-utils';
import { DAILY_SALES, TEAM_A } from './__testUtils__/fixtures';
import { USERS, waitForTenant } from './__testUtils__/testBackend';
import { BASE, startApiWorld } from './__testUtils__/apiWorld';
import { logStreamId } from './domain/jobRun/logs';

/*
 * Issue 19, part 1, through the real router and permission framework (fast
 * tier, logs in memory): a run's streams, pages and download for who may
 * read the run; the same 404 as an unknown run for anyone else; a stream id
 * reaches only what was listed under the run's own prefix.
 */

jest.setTimeout(60_000);

const ALICE = mockCredentials.user.header(USERS.alice);
const BOB = mockCredentials.user.header(USERS.bob);
const ADMIN = mockCredentials.user.header(USERS.admin);
const BUCKET = 'shared-data-emr-assets';
const APP = 'spark-0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e';
const SALES = {
  ...DAILY_SALES,
  executor: { ...DAILY_SALES.executor, maxExecutors: 10 },
};

const DRIVER_STDERR = [
  '26/12/07 01:00:00 INFO SparkContext: Running Spark version 3.5.2-amzn-1',
  '26/12/07 01:41:41 WARN KubernetesClusterSchedulerBackend$KubernetesDriverEndpoint: Received executor 2 decommissioned message',
  '26/12/07 01:41:41 INFO KubernetesClusterSchedulerBackend: Decommission executors: 2',
  '26/12/07 01:50:00 ERROR TaskSchedulerImpl: Lost executor 1 on 10.0.1.5: ',
  'The executor with id 1 exited with exit code 137(SIGKILL, possible container OOM).',
  '26/12/07 02:00:00 ERROR ApplicationMaster: User class threw exception: java.lang.OutOfMemoryError: Java heap space',
  '',
].join('\n');

async function startWorld() {
  const backend = await startApiWorld();
  const { api, cluster } = backend;
  await api()
    .post(`${BASE}/tenants`)
    .set('Authorization', ALICE)
    .send(TEAM_A)
    .expect(202);
  await api()
    .post(`${BASE}/tenants`)
    .set('Authorization', BOB)
    .send({
      ...TEAM_A,
      name: 'team-b',
      owner: 'group:default/team-b',
      dataAccess: [],
    })
    .expect(202);
  const teamA = await waitForTenant(backend.server, 'team-a', ['Ready'], ADMIN);
  const teamB = await waitForTenant(backend.server, 'team-b', ['Ready'], ADMIN);
  const runA = (
    await api()
      .post(`${BASE}/tenants/team-a/job-runs`)
      .set('Authorization', ALICE)
      .send(SALES)
      .expect(201)
  ).body;
  const runB = (
    await api()
      .post(`${BASE}/tenants/team-b/job-runs`)
      .set('Authorization', BOB)
      .send({
        ...SALES,
        entityRef: undefined,
        entryPoint: 'local:///app/job.py',
      })
      .expect(201)
  ).body;
  const prefixOf = (tenant: any, run: any) =>
    `tenants/${tenant.name}/${tenant.uid}/logs/${run.virtualClusterId}/jobs/${run.emrJobRunId}/containers/`;
  const a = prefixOf(teamA, runA);
  const b = prefixOf(teamB, runB);
  const objects = cluster.runLogs.objects;
  objects.set(
    `${BUCKET}/${a}${runA.emrJobRunId}-runner/stdout.gz`,
    'submitting\n',
  );
  objects.set(
    `${BUCKET}/${a}${APP}/spark-${runA.emrJobRunId}-driver/stderr.gz`,
    DRIVER_STDERR,
  );
  objects.set(
    `${BUCKET}/${a}${APP}/spark-${runA.emrJobRunId}-driver/stdout.gz`,
    'rows: 42\n',
  );
  objects.set(
    `${BUCKET}/${a}${APP}/daily-sales-1a2b-exec-10/stderr.gz`,
    'ten\n',
  );
  objects.set(
    `${BUCKET}/${a}${APP}/daily-sales-1a2b-exec-2/stderr.gz`,
    'two\n',
  );
  objects.set(`${BUCKET}/${a}${APP}/events.json`, '{}');
  objects.set(
    `${BUCKET}/${b}${APP}/spark-${runB.emrJobRunId}-driver/stderr.gz`,
    'team-b secret\n',
  );
  objects.set(
    `${BUCKET}/tenants/team-a/${teamA.uid}/secrets/stdout.gz`,
    'not a log\n',
  );
  return { backend, api, cluster, runA, runB, a, b };
}

describe('a run’s logs through the router (fast tier)', () => {
  let world: Awaited<ReturnType<typeof startWorld>>;

  beforeAll(async () => {
    world = await startWorld();
  });

  afterAll(async () => {
    await world?.backend.stop();
  });

  const listAs = async (user: string, runId = world.runA.id) =>
    world
      .api()
      .get(`${BASE}/job-runs/${runId}/logs`)
      .set('Authorization', user);

  it('lists the job submitter, the driver and the executors by number, with opaque ids', async () => {
    const res = await listAs(ALICE);
    expect(res.status).toBe(200);
    expect(
      res.body.items.map((s: any) => `${s.role} ${s.container} ${s.stream}`),
    ).toEqual([
      `job-submitter ${world.runA.emrJobRunId}-runner stdout`,
      `driver spark-${world.runA.emrJobRunId}-driver stderr`,
      `driver spark-${world.runA.emrJobRunId}-driver stdout`,
      'executor daily-sales-1a2b-exec-2 stderr',
      'executor daily-sales-1a2b-exec-10 stderr',
    ]);
    expect(JSON.stringify(res.body)).not.toContain('tenants/');
  });

  it('gives the tail of a stream by default, and pages from an offset', async () => {
    const { body: list } = await listAs(ALICE);
    const driver = list.items.find(
      (s: any) => s.role === 'driver' && s.stream === 'stderr',
    );
    const url = `${BASE}/job-runs/${world.runA.id}/logs/${driver.id}`;
    const tail = await world
      .api()
      .get(url)
      .query({ limit: 120 })
      .set('Authorization', ALICE);
    expect(tail.status).toBe(200);
    expect(tail.body).toMatchObject({
      stream: { id: driver.id, role: 'driver' },
      to: DRIVER_STDERR.length,
      total: DRIVER_STDERR.length,
      hasEarlier: true,
      hasLater: false,
    });
    expect(tail.body.text).toMatch(/^.*OutOfMemoryError: Java heap space\n$/);
    expect(DRIVER_STDERR.slice(tail.body.from, tail.body.to)).toBe(
      tail.body.text,
    );

    const head = await world
      .api()
      .get(url)
      .query({ from: 0, limit: 100 })
      .set('Authorization', ALICE);
    expect(head.body).toMatchObject({
      from: 0,
      hasEarlier: false,
      hasLater: true,
    });
    expect(head.body.text).toBe(`${DRIVER_STDERR.split('\n')[0]}\n`);
  });

  it('downloads the whole stream as text', async () => {
    const { body: list } = await listAs(ALICE);
    const driver = list.items.find(
      (s: any) => s.role === 'driver' && s.stream === 'stderr',
    );
    const res = await world
      .api()
      .get(`${BASE}/job-runs/${world.runA.id}/logs/${driver.id}`)
      .query({ format: 'download' })
      .set('Authorization', ALICE);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['content-disposition']).toContain(
      `spark-${world.runA.emrJobRunId}-driver-stderr.log`,
    );
    expect(res.text).toBe(DRIVER_STDERR);
  });

  it('counts the executors lost to Spot and to other causes from the driver log', async () => {
    const res = await world
      .api()
      .get(`${BASE}/job-runs/${world.runA.id}/spot-interruptions`)
      .set('Authorization', ALICE);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      spotLosses: 1,
      otherLosses: 1,
      source: 'driver-log',
      losses: [
        { executorId: '2', cause: 'spot', at: '2026-12-07T01:41:41.000Z' },
        { executorId: '1', cause: 'other', at: '2026-12-07T01:50:00.000Z' },
      ],
    });
  });

  it('answers bob the 404 of an unknown run on every log endpoint of team-a’s run', async () => {
    const { body: list } = await listAs(ALICE);
    const id = list.items[0].id;
    const run = world.runA.id;
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const [runId, path] of [
      [run, 'logs'],
      [run, `logs/${id}`],
      [run, `logs/${id}?format=download`],
      [run, `logs/${id}?from=0&limit=10`],
      [run, 'spot-interruptions'],
      [unknown, 'logs'],
      [unknown, `logs/${id}`],
      [unknown, 'spot-interruptions'],
    ]) {
      const res = await world
        .api()
        .get(`${BASE}/job-runs/${runId}/${path}`)
        .set('Authorization', BOB);
      expect({
        path,
        status: res.status,
        message: res.body.error?.message,
      }).toEqual({
        path,
        status: 404,
        message: `job run ${runId} not found`,
      });
    }
    // Even a bad query is a 404 for who may not see the run.
    const bad = await world
      .api()
      .get(`${BASE}/job-runs/${run}/logs/${id}?limit=-1`)
      .set('Authorization', BOB);
    expect(bad.status).toBe(404);
  });

  it('reaches only streams listed under the run’s own prefix, whatever the stream id names', async () => {
    const { body: bList } = await listAs(BOB, world.runB.id);
    expect(bList.items).toHaveLength(1);
    world.cluster.runLogs.reads.length = 0;
    const forged = [
      bList.items[0].id, // team-b's run's stream, asked on team-a's run
      logStreamId(
        's3',
        `${APP}/spark-${world.runB.emrJobRunId}-driver/stderr.gz`,
      ),
      logStreamId('s3', `../../../../secrets/stdout.gz`),
      logStreamId('s3', `${world.b}${APP}/x-driver/stderr.gz`),
      logStreamId(
        'cloudwatch',
        `${APP}/spark-${world.runA.emrJobRunId}-driver/stderr`,
      ),
      '..',
      '..%2F..%2Fsecrets%2Fstdout.gz',
      '%2Ftenants%2Fteam-b%2Fstdout.gz',
      encodeURIComponent(
        `${world.b}${APP}/spark-${world.runB.emrJobRunId}-driver/stderr.gz`,
      ),
      `s3-${'0'.repeat(24)}`,
      `S3-${'A'.repeat(24)}`,
    ];
    for (const id of forged) {
      for (const query of ['', '?format=download', '?from=0']) {
        const res = await world
          .api()
          .get(`${BASE}/job-runs/${world.runA.id}/logs/${id}${query}`)
          .set('Authorization', ALICE);
        expect({ id, query, status: res.status }).toEqual({
          id,
          query,
          status: 404,
        });
      }
    }
    // Nothing was read at all: an unknown id never reaches the gateway's reads.
    expect(world.cluster.runLogs.reads).toEqual([]);
  });

  it('refuses a bad query with a 400 that says what to fix', async () => {
    const { body: list } = await listAs(ALICE);
    const url = `${BASE}/job-runs/${world.runA.id}/logs/${list.items[0].id}`;
    for (const [query, words] of [
      ['from=-1', /from: must be 0 or more/],
      ['from=abc', /from: must be a number/],
      ['from=1.5', /from: must be a whole number/],
      ['limit=0', /limit: must be 1 or more/],
      ['limit=99999999', /limit: must be at most 262144/],
      ['format=zip', /format: must be page \(the default\) or download/],
      ['follow=true', /follow/],
      ['format=download&from=3', /a download is the whole stream/],
    ] as const) {
      const res = await world
        .api()
        .get(`${url}?${query}`)
        .set('Authorization', ALICE);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.error.message).toMatch(words);
    }
    const listWithQuery = await world
      .api()
      .get(`${BASE}/job-runs/${world.runA.id}/logs?x=1`)
      .set('Authorization', ALICE);
    expect(listWithQuery.status).toBe(400);
  });
});
