import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EMRContainersClient } from '@aws-sdk/client-emr-containers';
import { IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import request from 'supertest';
import { FakeKubernetesApi, startFakeKubernetesApi } from './fakeKubernetesApi';
import { TEAM_A, testConfig } from './fixtures';
import { MotoServer, startMoto, useMotoCredentials } from './moto';
import { RecordingProxy, startRecordingProxy } from './recordingProxy';
import { USERS, waitForTenant } from './testBackend';
import { as, BASE } from './apiWorld';

export { BASE, as } from './apiWorld';

export const BUCKET = 'shared-data-emr-assets';
export const ADMIN = as(USERS.admin);

export interface IntegrationHarness {
  moto: MotoServer;
  proxy: RecordingProxy;
  kube: FakeKubernetesApi;
  aws: {
    iam: IAMClient;
    s3: S3Client;
    logs: CloudWatchLogsClient;
    emr: EMRContainersClient;
  };
  /** emrOnEks config: AWS through the recording proxy to moto, direct Kubernetes mode. */
  directConfig(): ReturnType<typeof testConfig>;
}

/**
 * Integration tests' world: a real moto_server (reset before each test, with
 * the assets bucket), a recording proxy in front of it, a recording
 * Kubernetes API server, and SDK clients to inspect moto directly.
 */
export function useIntegrationHarness(): IntegrationHarness {
  const harness = {} as IntegrationHarness;

  beforeAll(async () => {
    useMotoCredentials();
    harness.moto = await startMoto();
    harness.proxy = await startRecordingProxy(harness.moto.endpoint);
    harness.kube = await startFakeKubernetesApi();
    const common = { region: 'us-east-1', endpoint: harness.moto.endpoint };
    harness.aws = {
      iam: new IAMClient(common),
      s3: new S3Client({ ...common, forcePathStyle: true }),
      logs: new CloudWatchLogsClient(common),
      emr: new EMRContainersClient(common),
    };
    harness.directConfig = () =>
      testConfig({
        endpoint: harness.proxy.endpoint,
        kubernetes: {
          mode: 'direct',
          url: harness.kube.url,
          caData: harness.kube.caData,
          token: 'test-token',
        },
      });
  });

  afterAll(async () => {
    Object.values(harness.aws ?? {}).forEach(client => client.destroy());
    await harness.kube?.stop();
    await harness.proxy?.stop();
    await harness.moto?.stop();
  });

  beforeEach(async () => {
    await harness.moto.reset();
    await harness.aws.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    harness.kube.objects.clear();
    harness.kube.clear();
    harness.proxy.clear();
  });

  return harness;
}

/** Onboards a tenant through the API and waits until it is Ready or Failed. */
export async function onboard(
  server: any,
  body: object = TEAM_A,
  user = USERS.alice,
) {
  const res = await request(server)
    .post(`${BASE}/tenants`)
    .set('Authorization', as(user))
    .send(body);
  expect(res.status).toBe(202);
  return waitForTenant(server, (body as any).name, ['Ready', 'Failed'], ADMIN);
}
