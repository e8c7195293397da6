import { StartJobRunCommand } from '@aws-sdk/client-emr-containers';
import type { SQSClient } from '@aws-sdk/client-sqs';
import request from 'supertest';
import { DAILY_SALES, TEAM_A } from './__testUtils__/fixtures';
import {
  ADMIN,
  as,
  BASE,
  onboard,
  useIntegrationHarness,
} from './__testUtils__/harness';
import {
  createJobRunEventQueue,
  eventEnvelope,
  eventually,
  messagesOn,
  putEmrEvent,
  sendRaw,
  stateChangeDetail,
} from './__testUtils__/jobRunEvents';
import { startEmrOnEksBackendWith, USERS } from './__testUtils__/testBackend';

/*
 * Issue 19, section 4: EMR's job-run events pushed through EventBridge and
 * SQS (both moto) into the backend, which long-polls the queue. An event
 * updates its run; duplicates and late events leave the right state;
 * messages that are not EMR events are deleted and never stop the loop.
 */

jest.setTimeout(90_000);

const harness = useIntegrationHarness();
const SALES = {
  ...DAILY_SALES,
  executor: { ...DAILY_SALES.executor, maxExecutors: 10 },
};
const STATE_CHANGE = 'EMR Job Run State Change';

describe('job-run events (moto: EventBridge and SQS)', () => {
  let backend: Awaited<ReturnType<typeof startEmrOnEksBackendWith>>;
  let sqs: SQSClient;
  let queueUrl: string;

  beforeEach(async () => {
    const queue = await createJobRunEventQueue(harness.moto.endpoint);
    sqs = queue.sqs;
    queueUrl = queue.queueUrl;
    const config = harness.directConfig() as any;
    config.emrOnEks.clusters[0].events = { queueUrl };
    backend = await startEmrOnEksBackendWith(config);
    const teamA = await onboard(backend.server, TEAM_A, USERS.alice);
    if (teamA.status.phase !== 'Ready') {
      throw new Error(
        `team-a is ${teamA.status.phase}: ${teamA.status.message}`,
      );
    }
  });

  afterEach(async () => {
    await backend?.stop();
    sqs?.destroy();
  });

  async function submit(name = 'daily-sales') {
    const res = await request(backend.server)
      .post(`${BASE}/tenants/team-a/job-runs`)
      .set('Authorization', as(USERS.alice))
      .send({ ...SALES, name, idempotencyKey: name });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function read(id: string) {
    const res = await request(backend.server)
      .get(`${BASE}/job-runs/${id}`)
      .set('Authorization', as(USERS.alice));
    expect(res.status).toBe(200);
    return res.body;
  }

  const runNotifications = () =>
    backend.notifications.filter(
      n => n.payload.topic === 'emr-on-eks:job-runs',
    );

  const drained = () =>
    eventually('the queue is empty', async () =>
      (await messagesOn(sqs, queueUrl)) === 0 ? true : undefined,
    );

  it('applies an event EventBridge routes to the queue, recording it in the run’s history and notifying once', async () => {
    const run = await submit();
    // moto's EventBridge accepts EMR's source and routes it to the queue.
    await putEmrEvent(
      harness.moto.endpoint,
      STATE_CHANGE,
      stateChangeDetail({
        virtualClusterId: run.virtualClusterId,
        emrJobRunId: run.emrJobRunId,
        state: 'FAILED',
        failureReason: 'USER_ERROR',
        stateDetails: 'Job failed: exit code 1',
      }),
    );
    const failed = await eventually('the run failed', async () => {
      const now = await read(run.id);
      return now.state === 'FAILED' ? now : undefined;
    });
    expect(failed).toMatchObject({
      failureReason: 'USER_ERROR',
      stateDetails: 'Job failed: exit code 1',
    });
    expect(failed.history.map((h: any) => [h.state, h.source])).toEqual([
      ['SUBMITTING', 'submit'],
      ['PENDING', 'submit'],
      ['FAILED', 'event'],
    ]);
    await drained();
    await eventually('alice is notified', async () =>
      runNotifications().length > 0 ? true : undefined,
    );
    expect(
      runNotifications().map(n => [n.payload.title, n.recipients]),
    ).toEqual([
      [
        'Job run daily-sales failed',
        {
          type: 'entity',
          entityRef: expect.arrayContaining([
            USERS.alice,
            'group:default/team-a',
          ]),
        },
      ],
    ]);
    // The SQS calls the backend made: receive and delete, nothing else.
    const sqsOperations = new Set(
      harness.proxy.calls
        .filter(c => c.service === 'sqs')
        .map(c => c.operation),
    );
    expect([...sqsOperations].sort()).toEqual([
      'DeleteMessage',
      'ReceiveMessage',
    ]);
  });

  it('leaves the right state after duplicate and out-of-order events', async () => {
    const run = await submit();
    const ids = {
      virtualClusterId: run.virtualClusterId,
      emrJobRunId: run.emrJobRunId,
    };
    const at = (seconds: number) =>
      new Date(Date.parse(run.createdAt) + seconds * 1000);
    // Delivered out of order, with repeats: COMPLETED before RUNNING.
    for (const [state, second] of [
      ['SUBMITTED', 2],
      ['COMPLETED', 30],
      ['RUNNING', 5],
      ['SUBMITTED', 2],
      ['COMPLETED', 30],
    ] as const) {
      await sendRaw(
        sqs,
        queueUrl,
        eventEnvelope(
          STATE_CHANGE,
          stateChangeDetail({ ...ids, state }),
          at(second),
        ),
      );
    }
    await drained();
    const after = await read(run.id);
    expect(after.state).toBe('COMPLETED');
    // Each state once, in EMR's order, ending COMPLETED.
    const order = [
      'SUBMITTING',
      'PENDING',
      'SUBMITTED',
      'RUNNING',
      'COMPLETED',
    ];
    const states: string[] = after.history.map((h: any) => h.state);
    expect(states).toEqual(order.filter(state => states.includes(state)));
    expect(states[states.length - 1]).toBe('COMPLETED');
    expect(runNotifications()).toEqual([]);
  });

  it('deletes messages it cannot read, logging them, and goes on with the next', async () => {
    const run = await submit();
    for (const body of [
      'not json',
      '{}',
      JSON.stringify({
        source: 'aws.s3',
        'detail-type': 'Object Created',
        detail: {},
      }),
      eventEnvelope(STATE_CHANGE, {
        id: 'x',
        virtualClusterId: 'y',
        state: 'EXPLODED',
      }),
      eventEnvelope(STATE_CHANGE, { state: 'RUNNING' }),
      'x'.repeat(200_000),
    ]) {
      await sendRaw(sqs, queueUrl, body);
    }
    await sendRaw(
      sqs,
      queueUrl,
      eventEnvelope(
        STATE_CHANGE,
        stateChangeDetail({
          virtualClusterId: run.virtualClusterId,
          emrJobRunId: run.emrJobRunId,
          state: 'RUNNING',
        }),
      ),
    );
    await drained();
    expect((await read(run.id)).state).toBe('RUNNING');
  });

  it('syncs the tenant of an event about a run started outside Backstage, and ignores virtual clusters of no tenant', async () => {
    const tenant = (
      await request(backend.server)
        .get(`${BASE}/tenants/team-a`)
        .set('Authorization', ADMIN)
    ).body;
    const external = await harness.aws.emr.send(
      new StartJobRunCommand({
        virtualClusterId: tenant.status.virtualClusterId,
        name: 'airflow-run',
        executionRoleArn: tenant.status.executionRoleArn,
        releaseLabel: 'emr-7.5.0-latest',
        clientToken: 'airflow-1',
        jobDriver: { sparkSubmitJobDriver: { entryPoint: 's3://x/y.py' } },
      }),
    );
    await sendRaw(
      sqs,
      queueUrl,
      eventEnvelope(
        STATE_CHANGE,
        stateChangeDetail({
          virtualClusterId: 'vcofnobody0000000000000',
          emrJobRunId: '0000000nobody000000',
          state: 'RUNNING',
        }),
      ),
    );
    await sendRaw(
      sqs,
      queueUrl,
      eventEnvelope(
        STATE_CHANGE,
        stateChangeDetail({
          virtualClusterId: tenant.status.virtualClusterId,
          emrJobRunId: external.id!,
          state: 'RUNNING',
        }),
      ),
    );
    await drained();
    const listed = await request(backend.server)
      .get(`${BASE}/tenants/team-a/job-runs`)
      .set('Authorization', as(USERS.alice));
    expect(
      listed.body.items.map((r: any) => [r.emrJobRunId, r.source, r.state]),
    ).toEqual([[external.id, 'external', 'RUNNING']]);
  });
});
