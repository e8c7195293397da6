import { ListVirtualClustersCommand } from '@aws-sdk/client-emr-containers';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { mockServices } from '@backstage/backend-test-utils';
import http from 'node:http';
import { spec, testSettings } from '../__testUtils__/fixtures';
import { freePort, useMotoCredentials } from '../__testUtils__/moto';
import { clusterPriorityClasses, tenantObjects } from '../domain/kubernetes';
import { AwsClients, createAwsClients } from './aws/clients';
import { DirectKubernetesGateway } from './kubernetes/DirectKubernetesGateway';

/*
 * Every call to AWS and to the Kubernetes API has a deadline. These tests
 * point the real clients at a local server that accepts the connection and
 * then never answers (or stops half-way through an answer), with a 200 ms
 * timeout, and check that the call fails naming what it was doing.
 */

const TIMEOUT_MS = 200;

/** What the server does with a request: answer it, or hold it. */
type Behaviour = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
) => 'answered' | 'hold';

interface SilentServer {
  url: string;
  /** Method and path of each request received. */
  received: string[];
  stop(): Promise<void>;
}

async function startSilentServer(
  behaviour: Behaviour = () => 'hold',
): Promise<SilentServer> {
  const received: string[] = [];
  const port = await freePort();
  const server = http.createServer((req, res) => {
    received.push(`${req.method} ${req.url?.split('?')[0]}`);
    // Read the request body so the client is waiting for the answer only.
    req.resume();
    behaviour(req, res);
  });
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve));
  server.unref();
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('AWS calls time out', () => {
  let server: SilentServer;

  beforeAll(async () => {
    useMotoCredentials();
    server = await startSilentServer();
  });
  afterAll(() => server.stop());

  /** Runs `use` with clients of 200 ms timeouts, then closes them. */
  async function withClients(use: (clients: AwsClients) => Promise<void>) {
    const clients = createAwsClients(
      testSettings().clusters[0],
      { endpoint: server.url },
      { connectMs: TIMEOUT_MS, requestMs: TIMEOUT_MS },
    );
    try {
      await use(clients);
    } finally {
      Object.values(clients).forEach(client => client.destroy());
    }
  }

  it('fails a call that gets no answer, naming the service and the call', () =>
    withClients(async ({ sts }) => {
      const error = await sts
        .send(new GetCallerIdentityCommand({}))
        .catch(e => e);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('TimeoutError');
      expect(error.message).toMatch(
        /^AWS STS GetCallerIdentity timed out: .*200 ms/,
      );
      // Retried like a throttled call before giving up.
      expect(
        server.received.filter(r => r === 'POST /').length,
      ).toBeGreaterThan(1);
    }));

  it('times out the EMR containers client too, which bundles an older HTTP handler', () =>
    withClients(async ({ emr }) => {
      await expect(
        emr.send(new ListVirtualClustersCommand({})),
      ).rejects.toThrow(/^AWS EMRContainers ListVirtualClusters timed out/);
    }));
});

describe('Kubernetes calls time out', () => {
  const servers: SilentServer[] = [];
  afterAll(() => Promise.all(servers.map(s => s.stop())));

  async function gatewayAgainst(behaviour?: Behaviour) {
    const server = await startSilentServer(behaviour);
    servers.push(server);
    const gateway = DirectKubernetesGateway.create({
      settings: {
        mode: 'direct',
        requestTimeoutSeconds: 30,
        authProvider: 'token',
        url: server.url,
        // Plain HTTP, which the client allows only with this set.
        skipTLSVerify: true,
        token: 'test-token',
      },
      clusterName: 'shared',
      logger: mockServices.logger.mock(),
      requestTimeoutMs: TIMEOUT_MS,
    });
    return { gateway, server };
  }

  /** Answers discovery of the core group; holds everything else. */
  function discoveryOnly(then: Behaviour): Behaviour {
    return (req, res) => {
      if (req.url === '/api/v1') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            kind: 'APIResourceList',
            groupVersion: 'v1',
            resources: [
              {
                name: 'namespaces',
                kind: 'Namespace',
                namespaced: false,
                verbs: ['get', 'patch', 'delete'],
              },
            ],
          }),
        );
        return 'answered';
      }
      return then(req, res);
    };
  }

  it('fails when the API server does not answer discovery, naming the object', async () => {
    const { gateway, server } = await gatewayAgainst();
    await expect(
      gateway.applyClusterObjects(clusterPriorityClasses()),
    ).rejects.toThrow(
      /^Timed out after 200 ms trying to read PriorityClass \S+ \(Kubernetes API of cluster shared\)$/,
    );
    expect(server.received).toEqual(['GET /apis/scheduling.k8s.io/v1']);
  });

  it('fails a read that gets no answer', async () => {
    const { gateway, server } = await gatewayAgainst(
      discoveryOnly(() => 'hold'),
    );
    await expect(
      gateway.applyTenantObjects('team-a', tenantObjects(spec())),
    ).rejects.toThrow(
      'Timed out after 200 ms trying to read Namespace team-a (Kubernetes API of cluster shared)',
    );
    expect(server.received).toEqual([
      'GET /api/v1',
      'GET /api/v1/namespaces/team-a',
    ]);
  });

  it('fails a read whose answer stops half-way through the body', async () => {
    const { gateway } = await gatewayAgainst(
      discoveryOnly((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"kind":"Namespace","apiVersion":"v1",');
        return 'hold';
      }),
    );
    await expect(
      gateway.applyTenantObjects('team-a', tenantObjects(spec())),
    ).rejects.toThrow('Timed out after 200 ms trying to read Namespace team-a');
  });

  it('fails an apply that gets no answer, naming the write', async () => {
    const { gateway, server } = await gatewayAgainst(
      discoveryOnly((req, res) => {
        if (req.method === 'GET') {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({ kind: 'Status', code: 404, reason: 'NotFound' }),
          );
          return 'answered';
        }
        return 'hold';
      }),
    );
    await expect(
      gateway.applyTenantObjects('team-a', tenantObjects(spec())),
    ).rejects.toThrow(
      'Timed out after 200 ms trying to apply Namespace team-a (Kubernetes API of cluster shared)',
    );
    expect(server.received).toContain('PATCH /api/v1/namespaces/team-a');
  });
});
