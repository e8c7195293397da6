import { mockServices } from '@backstage/backend-test-utils';
import http from 'node:http';
import { spec } from '../__testUtils__/fixtures';
import {
  FakeKubernetesApi,
  startFakeKubernetesApi,
} from '../__testUtils__/fakeKubernetesApi';
import { clusterPriorityClasses, tenantObjects } from '../domain/kubernetes';
import {
  DirectKubernetesGateway,
  FIELD_MANAGER,
} from './DirectKubernetesGateway';

describe('DirectKubernetesGateway (real client, recording API server)', () => {
  let api: FakeKubernetesApi;
  let gateway: DirectKubernetesGateway;

  beforeAll(async () => {
    api = await startFakeKubernetesApi();
  });
  afterAll(() => api.stop());
  beforeEach(() => {
    api.objects.clear();
    api.clear();
    gateway = DirectKubernetesGateway.create({
      settings: {
        mode: 'direct',
        authProvider: 'token',
        url: api.url,
        caData: api.caData,
        token: 'test-token',
      },
      clusterName: 'shared',
      logger: mockServices.logger.mock(),
    });
  });

  it('creates missing objects with server-side apply', async () => {
    const objects = tenantObjects(spec());
    const changes = await gateway.applyTenantObjects('team-a', objects);
    expect(changes).toEqual([
      'created Namespace team-a',
      'created ResourceQuota team-a/emr-on-eks-quota',
      'created LimitRange team-a/emr-on-eks-limits',
      'created NetworkPolicy team-a/default-deny-all',
      'created NetworkPolicy team-a/allow-emr-on-eks-traffic',
      'created Role team-a/emr-containers',
      'created RoleBinding team-a/emr-containers',
      'created ResourceQuota team-a/emr-on-eks-priority-guard',
    ]);
    const writes = api.objectRequests().filter(r => r.method !== 'GET');
    expect(writes.map(w => `${w.method} ${w.path}`)).toEqual([
      'PATCH /api/v1/namespaces/team-a',
      'PATCH /api/v1/namespaces/team-a/resourcequotas/emr-on-eks-quota',
      'PATCH /api/v1/namespaces/team-a/limitranges/emr-on-eks-limits',
      'PATCH /apis/networking.k8s.io/v1/namespaces/team-a/networkpolicies/default-deny-all',
      'PATCH /apis/networking.k8s.io/v1/namespaces/team-a/networkpolicies/allow-emr-on-eks-traffic',
      'PATCH /apis/rbac.authorization.k8s.io/v1/namespaces/team-a/roles/emr-containers',
      'PATCH /apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings/emr-containers',
      'PATCH /api/v1/namespaces/team-a/resourcequotas/emr-on-eks-priority-guard',
    ]);
    for (const [index, write] of writes.entries()) {
      expect(write.contentType).toBe('application/apply-patch+yaml');
      expect(write.fieldManager).toBe(FIELD_MANAGER);
      expect(write.force).toBe('true');
      expect(write.body).toEqual(objects[index]);
    }
  });

  it('applies cluster-scoped PriorityClasses at cluster paths', async () => {
    await gateway.applyClusterObjects(clusterPriorityClasses());
    expect(
      api
        .objectRequests()
        .filter(r => r.method === 'PATCH')
        .map(r => r.path),
    ).toContain(
      '/apis/scheduling.k8s.io/v1/priorityclasses/emr-on-eks-standard-driver',
    );
  });

  it('makes no write call when the cluster already matches', async () => {
    await gateway.applyClusterObjects(clusterPriorityClasses());
    await gateway.applyTenantObjects('team-a', tenantObjects(spec()));
    api.clear();
    expect(await gateway.applyClusterObjects(clusterPriorityClasses())).toEqual(
      [],
    );
    expect(
      await gateway.applyTenantObjects('team-a', tenantObjects(spec())),
    ).toEqual([]);
    expect(api.objectRequests().length).toBeGreaterThan(0);
    expect(api.objectRequests().filter(r => r.method !== 'GET')).toEqual([]);
  });

  it('re-applies only the object that drifted', async () => {
    await gateway.applyTenantObjects('team-a', tenantObjects(spec()));
    const quotaPath =
      '/api/v1/namespaces/team-a/resourcequotas/emr-on-eks-quota';
    api.objects.get(quotaPath).spec.hard.pods = '9999';
    api.clear();
    expect(
      await gateway.applyTenantObjects('team-a', tenantObjects(spec())),
    ).toEqual(['updated ResourceQuota team-a/emr-on-eks-quota']);
    expect(
      api
        .objectRequests()
        .filter(r => r.method === 'PATCH')
        .map(r => r.path),
    ).toEqual([quotaPath]);
    expect(api.objects.get(quotaPath).spec.hard.pods).toBe('200');
  });

  it('deletes the namespace to offboard, and tolerates it being gone', async () => {
    await gateway.applyTenantObjects('team-a', tenantObjects(spec()));
    expect(
      await gateway.deleteTenantObjects('team-a', tenantObjects(spec())),
    ).toEqual(['deleted Namespace team-a']);
    expect(api.objects.size).toBe(0);
    expect(
      await gateway.deleteTenantObjects('team-a', tenantObjects(spec())),
    ).toEqual([]);
  });

  it('refuses a server whose certificate the CA did not sign', async () => {
    const untrusted = DirectKubernetesGateway.create({
      settings: {
        mode: 'direct',
        authProvider: 'token',
        url: api.url,
        token: 'test-token',
      },
      clusterName: 'shared',
      logger: mockServices.logger.mock(),
    });
    await expect(
      untrusted.applyTenantObjects('team-a', tenantObjects(spec())),
    ).rejects.toThrow(/certificate/i);
    expect(api.objects.size).toBe(0);
  });

  it('authenticates with provided tokens, renewing them when they expire', async () => {
    let issued = 0;
    const tokenProvider = async () => `k8s-aws-v1.token-${++issued}`;
    const settings = {
      mode: 'direct' as const,
      authProvider: 'aws' as const,
      url: api.url,
      caData: api.caData,
    };
    const lasting = DirectKubernetesGateway.create({
      settings,
      clusterName: 'shared',
      logger: mockServices.logger.mock(),
      tokenProvider,
    });
    await lasting.applyTenantObjects('team-a', tenantObjects(spec()));
    await lasting.applyTenantObjects('team-a', tenantObjects(spec()));
    expect(issued).toBe(1);
    expect(new Set(api.requests.map(r => r.authorization))).toEqual(
      new Set(['Bearer k8s-aws-v1.token-1']),
    );

    api.clear();
    const expiring = DirectKubernetesGateway.create({
      settings,
      clusterName: 'shared',
      logger: mockServices.logger.mock(),
      tokenProvider,
      tokenLifetimeMs: 0,
    });
    await expiring.applyTenantObjects('team-a', tenantObjects(spec()));
    await expiring.applyTenantObjects('team-a', tenantObjects(spec()));
    expect(issued).toBeGreaterThan(3);
    expect(api.requests.at(-1)!.authorization).toBe(
      `Bearer k8s-aws-v1.token-${issued}`,
    );
  });

  it('sends the bearer token', async () => {
    const received: string[] = [];
    const server = http.createServer((req, res) => {
      received.push(String(req.headers.authorization));
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"kind":"Status","code":404}');
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const tokenGateway = DirectKubernetesGateway.create({
      settings: {
        mode: 'direct',
        authProvider: 'token',
        url: `http://127.0.0.1:${port}`,
        token: 'secret-token',
        skipTLSVerify: true,
      },
      clusterName: 'shared',
      logger: mockServices.logger.mock(),
    });
    await expect(
      tokenGateway.applyTenantObjects('team-a', tenantObjects(spec())),
    ).rejects.toThrow();
    server.closeAllConnections();
    server.close();
    expect(received[0]).toBe('Bearer secret-token');
  });
});
