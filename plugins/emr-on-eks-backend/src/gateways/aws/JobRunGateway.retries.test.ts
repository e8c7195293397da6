import { EMRContainersClient } from '@aws-sdk/client-emr-containers';
import {
  ScriptedEmrServer,
  startScriptedEmr,
} from '../../__testUtils__/scriptedEmr';
import { EmrJobRunGateway } from './JobRunGateway';

/*
 * Driver retries as EMR reports them (retryPolicyConfiguration and
 * retryPolicyExecution), read through the real client from the EMR emulator,
 * whose runs can plan a failed driver attempt followed by a retry.
 */

const VIRTUAL_CLUSTER = 'vcretries0000000000000000';

describe('EmrJobRunGateway: driver attempts', () => {
  let server: ScriptedEmrServer;
  let client: EMRContainersClient;
  let gateway: EmrJobRunGateway;

  beforeAll(async () => {
    server = await startScriptedEmr();
    server.addVirtualCluster({ id: VIRTUAL_CLUSTER, namespace: 'team-a' });
    client = new EMRContainersClient({
      region: 'us-east-1',
      endpoint: server.endpoint,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    gateway = new EmrJobRunGateway(client);
  });

  afterAll(async () => {
    client.destroy();
    await server.stop();
  });

  const start = (retryPolicyConfiguration?: { maxAttempts: number }) =>
    gateway.start({
      virtualClusterId: VIRTUAL_CLUSTER,
      name: 'streaming',
      clientToken: `token-${Math.random()}`,
      executionRoleArn: 'arn:aws:iam::123456789012:role/emr-tenant-team-a',
      releaseLabel: 'emr-7.5.0-latest',
      jobDriver: { sparkSubmitJobDriver: { entryPoint: 's3://b/app.py' } },
      ...(retryPolicyConfiguration ? { retryPolicyConfiguration } : {}),
    });

  it('reports no attempts for a run without a retry policy', async () => {
    const { id } = await start();
    const run = await gateway.describe(VIRTUAL_CLUSTER, id);
    expect(run).not.toHaveProperty('maxAttempts');
    expect(run).not.toHaveProperty('currentAttemptCount');
  });

  it('reports the attempts a run may make and has made, through a failed first driver', async () => {
    const { id } = await start({ maxAttempts: 3 });
    server.setScript(id, [
      { state: 'PENDING' },
      { state: 'RUNNING', attempt: 1 },
      {
        state: 'RUNNING',
        attempt: 2,
        stateDetails: 'Driver attempt 1 failed; EMR started attempt 2.',
      },
      { state: 'COMPLETED', attempt: 2 },
    ]);
    const seen = [];
    for (let step = 0; step < 4; step++) {
      const run = (await gateway.describe(VIRTUAL_CLUSTER, id))!;
      seen.push([run.state, run.maxAttempts, run.currentAttemptCount]);
      server.advance(id);
    }
    expect(seen).toEqual([
      ['PENDING', 3, 1],
      ['RUNNING', 3, 1],
      ['RUNNING', 3, 2],
      ['COMPLETED', 3, 2],
    ]);
    // Lists carry them too (the sync reads lists).
    const listed = [];
    for await (const page of gateway.list(VIRTUAL_CLUSTER, new Date(0))) {
      listed.push(...page.filter(run => run.id === id));
    }
    expect(listed).toEqual([
      expect.objectContaining({ maxAttempts: 3, currentAttemptCount: 2 }),
    ]);
  });

  it('records the retry policy StartJobRun was sent', async () => {
    server.clearCalls();
    await start({ maxAttempts: 2 });
    expect(
      server.calls.find(call => call.operation === 'StartJobRun')?.body
        .retryPolicyConfiguration,
    ).toEqual({ maxAttempts: 2 });
  });
});
