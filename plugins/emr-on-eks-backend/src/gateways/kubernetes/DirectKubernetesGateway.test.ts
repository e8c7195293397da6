import { mockServices } from '@backstage/backend-test-utils';
import http from 'node:http';
import { spec } from '../../__testUtils__/fixtures';
import {
  FakeKubernetesApi,
  startFakeKubernetesApi,
} from '../../__testUtils__/fakeKubernetesApi';
import { clusterPriorityClasses, tenantObjects } from '../../domain/kubernetes';
import {
  DirectKubernetesGateway,
  FIELD_MANAGER,
} from './DirectKubernetesGateway';
import { NotManagedError } from '../errors';

const TENANT_LABEL = 'emr-on-eks.spot-spark.io/tenant';
const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';

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
        requestTimeoutSeconds: 30,
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

  describe('namespaces it did not create for the tenant', () => {
    const monitoring = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'monitoring',
        labels: { 'kubernetes.io/metadata.name': 'monitoring' },
      },
    };

    it('refuses to onboard into an existing unlabelled namespace, with GETs only', async () => {
      api.put('/api/v1/namespaces/monitoring', monitoring);
      const before = structuredClone(
        api.objects.get('/api/v1/namespaces/monitoring'),
      );
      const objects = tenantObjects(spec({ namespace: 'monitoring' }));

      const attempt = gateway.applyTenantObjects('team-a', objects);
      await expect(attempt).rejects.toBeInstanceOf(NotManagedError);
      await expect(attempt).rejects.toThrow(
        'Namespace monitoring exists but is not managed by this plugin for tenant team-a (label app.kubernetes.io/managed-by is missing, label emr-on-eks.spot-spark.io/tenant is missing); nothing was applied.',
      );
      expect(api.objectRequests().map(r => `${r.method} ${r.path}`)).toEqual([
        'GET /api/v1/namespaces/monitoring',
      ]);
      expect([...api.objects.keys()]).toEqual([
        '/api/v1/namespaces/monitoring',
      ]);
      expect(api.objects.get('/api/v1/namespaces/monitoring')).toEqual(before);
    });

    it("refuses another tenant's namespace", async () => {
      await gateway.applyTenantObjects(
        'team-b',
        tenantObjects(spec({ name: 'team-b', namespace: 'shared-ns' })),
      );
      api.clear();
      await expect(
        gateway.applyTenantObjects(
          'team-a',
          tenantObjects(spec({ namespace: 'shared-ns' })),
        ),
      ).rejects.toThrow(
        'Namespace shared-ns exists but is not managed by this plugin for tenant team-a (label emr-on-eks.spot-spark.io/tenant is "team-b")',
      );
      expect(api.objectRequests().filter(r => r.method !== 'GET')).toEqual([]);
      expect(
        api.objects.get('/api/v1/namespaces/shared-ns').metadata.labels[
          TENANT_LABEL
        ],
      ).toBe('team-b');
    });

    it('adopts a namespace labelled for the tenant beforehand', async () => {
      api.put('/api/v1/namespaces/team-a', {
        ...monitoring,
        metadata: {
          name: 'team-a',
          labels: {
            [MANAGED_BY_LABEL]: 'backstage-emr-on-eks',
            [TENANT_LABEL]: 'team-a',
          },
        },
      });
      const changes = await gateway.applyTenantObjects(
        'team-a',
        tenantObjects(spec()),
      );
      expect(changes[0]).toBe('updated Namespace team-a');
      expect(changes).toHaveLength(8);
      // The namespace was read once, before anything was written.
      const namespaceRequests = api
        .objectRequests()
        .filter(r => r.path === '/api/v1/namespaces/team-a');
      expect(namespaceRequests.map(r => r.method)).toEqual(['GET', 'PATCH']);
    });

    it('offboarding a tenant whose namespace labels were changed deletes nothing', async () => {
      await gateway.applyTenantObjects('team-a', tenantObjects(spec()));
      const stored = api.objects.size;
      api.objects.get('/api/v1/namespaces/team-a').metadata.labels[
        TENANT_LABEL
      ] = 'someone-else';
      api.clear();

      const attempt = gateway.deleteTenantObjects(
        'team-a',
        tenantObjects(spec()),
      );
      await expect(attempt).rejects.toBeInstanceOf(NotManagedError);
      await expect(attempt).rejects.toThrow(
        'Namespace team-a was not deleted: it is not managed by this plugin for tenant team-a (label emr-on-eks.spot-spark.io/tenant is "someone-else"); delete it by hand if it should go',
      );
      expect(api.objectRequests().filter(r => r.method !== 'GET')).toEqual([]);
      expect(api.objects.size).toBe(stored);

      // Without the managed-by label it is not deleted either.
      const labels = api.objects.get('/api/v1/namespaces/team-a').metadata
        .labels;
      labels[TENANT_LABEL] = 'team-a';
      delete labels[MANAGED_BY_LABEL];
      await expect(
        gateway.deleteTenantObjects('team-a', tenantObjects(spec())),
      ).rejects.toThrow('label app.kubernetes.io/managed-by is missing');
      expect(api.objectRequests().filter(r => r.method !== 'GET')).toEqual([]);
      expect(api.objects.size).toBe(stored);
    });

    it('deletes with preconditions, so a namespace changed after the check survives', async () => {
      await gateway.applyTenantObjects('team-a', tenantObjects(spec()));
      const path = '/api/v1/namespaces/team-a';
      const { uid, resourceVersion } = api.objects.get(path).metadata;
      api.clear();
      // Another writer relabels the namespace between our GET and our DELETE.
      api.onRequest = request => {
        if (request.method === 'DELETE') {
          const live = api.objects.get(path);
          live.metadata.labels[TENANT_LABEL] = 'someone-else';
          live.metadata.resourceVersion = String(Number(resourceVersion) + 100);
        }
      };
      await expect(
        gateway.deleteTenantObjects('team-a', tenantObjects(spec())),
      ).rejects.toThrow(
        /Kubernetes refused to delete Namespace team-a \(HTTP 409\)/,
      );
      const deletes = api.objectRequests().filter(r => r.method === 'DELETE');
      expect(deletes).toHaveLength(1);
      expect(deletes[0].body.preconditions).toEqual({ uid, resourceVersion });
      expect(api.objects.has(path)).toBe(true);
    });
  });

  it('refuses a server whose certificate the CA did not sign', async () => {
    const untrusted = DirectKubernetesGateway.create({
      settings: {
        mode: 'direct',
        requestTimeoutSeconds: 30,
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
      requestTimeoutSeconds: 30,
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
        requestTimeoutSeconds: 30,
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
