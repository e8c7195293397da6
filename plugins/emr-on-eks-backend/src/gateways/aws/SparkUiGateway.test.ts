import { EMRClient } from '@aws-sdk/client-emr';
import {
  ScriptedEmrServer,
  startScriptedEmr,
} from '../../__testUtils__/scriptedEmr';
import { EmrSparkUiGateway, SparkUiRefusedError } from './SparkUiGateway';

/*
 * The Spark UI gateway through the real EMR client (JSON 1.1, signed for
 * `elasticmapreduce`) against the project's EMR emulator, which moto does
 * not replace here: it has no persistent app UI calls.
 */

const VIRTUAL_CLUSTER = 'vc0123456789abcdefghijklm';
const ARN = `arn:aws:emr-containers:us-east-1:123456789012:/virtualclusters/${VIRTUAL_CLUSTER}`;

describe('EmrSparkUiGateway on the EMR emulator', () => {
  let server: ScriptedEmrServer;
  let client: EMRClient;
  let gateway: EmrSparkUiGateway;
  let jobRunId: string;

  beforeAll(async () => {
    server = await startScriptedEmr();
    server.addVirtualCluster({ id: VIRTUAL_CLUSTER, namespace: 'team-a' });
    jobRunId = server.addJob(VIRTUAL_CLUSTER, { createdAt: new Date() });
    client = new EMRClient({
      region: 'us-east-1',
      endpoint: server.endpoint,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    gateway = new EmrSparkUiGateway(client);
  });

  afterAll(async () => {
    client.destroy();
    await server.stop();
  });

  beforeEach(() => {
    server.clearCalls();
    server.appUiPendingDescribes = 0;
  });

  it('sends exactly the documented request bodies, and opens a ready UI', async () => {
    const id = await gateway.createForJobRun({
      virtualClusterArn: ARN,
      jobRunId,
    });
    expect(id).toMatch(/^p-[0-9a-z]{26}$/);
    expect(await gateway.status(id)).toBe('ATTACHED');
    expect(await gateway.presignedUrl(id)).toEqual({
      ready: true,
      url: expect.stringMatching(new RegExp(`^https://${id}\\.`)),
    });
    expect(
      server.calls.map(call => ({
        operation: call.operation,
        body: call.body,
      })),
    ).toEqual([
      {
        operation: 'CreatePersistentAppUI',
        body: {
          TargetResourceArn: ARN,
          EMRContainersConfig: { JobRunId: jobRunId },
        },
      },
      {
        operation: 'DescribePersistentAppUI',
        body: { PersistentAppUIId: id },
      },
      {
        operation: 'GetPersistentAppUIPresignedURL',
        body: { PersistentAppUIId: id, PersistentAppUIType: 'SHS' },
      },
    ]);
    expect(server.persistentAppUis()).toEqual([
      expect.objectContaining({
        id,
        targetResourceArn: ARN,
        jobRunId,
        virtualClusterId: VIRTUAL_CLUSTER,
      }),
    ]);
  });

  it('reports a UI that EMR is still preparing, and no URL for it yet', async () => {
    server.appUiPendingDescribes = 1;
    const id = await gateway.createForJobRun({
      virtualClusterArn: ARN,
      jobRunId,
    });
    expect(await gateway.presignedUrl(id)).toEqual({ ready: false });
    expect(await gateway.status(id)).toBe('CREATING');
    expect(await gateway.status(id)).toBe('ATTACHED');
    expect((await gateway.presignedUrl(id)).ready).toBe(true);
  });

  it('knows no status of a UI EMR does not know', async () => {
    expect(await gateway.status('p-unknown')).toBeUndefined();
  });

  it('tells a refusal (a run EMR does not know) from a failure to ask', async () => {
    await expect(
      gateway.createForJobRun({
        virtualClusterArn: ARN,
        jobRunId: 'nosuchjob',
      }),
    ).rejects.toThrow(SparkUiRefusedError);
    server.failNext(
      1,
      { status: 500, code: 'InternalServerException' },
      'CreatePersistentAppUI',
    );
    const failed = gateway.createForJobRun({
      virtualClusterArn: ARN,
      jobRunId,
    });
    await expect(failed).rejects.toThrow();
    await expect(failed).rejects.not.toThrow(SparkUiRefusedError);
  });
});
