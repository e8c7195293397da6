import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { freePort } from './moto';

/** One request the Kubernetes client sent. */
export interface RecordedKubernetesRequest {
  method: string;
  path: string;
  contentType?: string;
  fieldManager?: string;
  force?: string;
  authorization?: string;
  body?: any;
}

export interface FakeKubernetesApi {
  /** https URL; the server's certificate is signed by `caData`. */
  url: string;
  /** Base64 PEM of the server certificate, as in a kubeconfig. */
  caData: string;
  requests: RecordedKubernetesRequest[];
  /** Requests for objects (discovery left out). */
  objectRequests(): RecordedKubernetesRequest[];
  /** Stored object by its URL path. */
  objects: Map<string, any>;
  /**
   * Called with each request after it is recorded and before it is answered,
   * so a test can change the store in between (another writer racing ours).
   */
  onRequest?: (request: RecordedKubernetesRequest) => void;
  /** Stores an object as another client would have made it (no request recorded). */
  put(urlPath: string, object: any): void;
  /** Forgets the recorded requests and the onRequest hook (objects stay). */
  clear(): void;
  stop(): Promise<void>;
}

const DISCOVERY: Record<string, Array<[string, string, boolean]>> = {
  '/api/v1': [
    ['namespaces', 'Namespace', false],
    ['resourcequotas', 'ResourceQuota', true],
    ['limitranges', 'LimitRange', true],
    ['pods', 'Pod', true],
  ],
  '/apis/networking.k8s.io/v1': [['networkpolicies', 'NetworkPolicy', true]],
  '/apis/rbac.authorization.k8s.io/v1': [
    ['roles', 'Role', true],
    ['rolebindings', 'RoleBinding', true],
  ],
  '/apis/scheduling.k8s.io/v1': [['priorityclasses', 'PriorityClass', false]],
  '/apis/storage.k8s.io/v1': [['storageclasses', 'StorageClass', false]],
  // Served only once a NodePool is stored: the CRD is "installed".
  '/apis/karpenter.sh/v1': [['nodepools', 'NodePool', false]],
};
DISCOVERY['/api/v1'].push(
  ['nodes', 'Node', false],
  ['configmaps', 'ConfigMap', true],
);

/**
 * A stand-in Kubernetes API server for tests of the real
 * `@kubernetes/client-node` client: it answers discovery, GET, server-side
 * apply PATCH and DELETE from an in-memory store the way the API server does
 * (404 Status for missing objects, server-populated metadata), and records
 * every request with its content type and fieldManager.
 */
export async function startFakeKubernetesApi(): Promise<FakeKubernetesApi> {
  const requests: RecordedKubernetesRequest[] = [];
  const objects = new Map<string, any>();
  let version = 1;
  const port = await freePort();
  // Filled in below; the request handler reads its onRequest hook.
  const api = {} as FakeKubernetesApi;

  const tls = selfSignedCertificate();
  const server = https.createServer(
    tls,
    (req: http.IncomingMessage, res: http.ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', chunk => chunks.push(chunk));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const urlPath = url.pathname;
        const text = Buffer.concat(chunks).toString('utf8');
        const record: RecordedKubernetesRequest = {
          method: req.method ?? 'GET',
          path: urlPath,
          contentType: req.headers['content-type'],
          fieldManager: url.searchParams.get('fieldManager') ?? undefined,
          force: url.searchParams.get('force') ?? undefined,
          authorization: req.headers.authorization,
          body: text ? parse(text) : undefined,
        };
        requests.push(record);
        api.onRequest?.(record);

        const send = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        const notFound = () =>
          send(404, {
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            reason: 'NotFound',
            code: 404,
            message: `${urlPath} not found`,
          });

        const discovery =
          urlPath === '/apis/karpenter.sh/v1' &&
          ![...objects.keys()].some(key => key.startsWith(`${urlPath}/`))
            ? undefined
            : DISCOVERY[urlPath];
        if (discovery && req.method === 'GET') {
          send(200, {
            kind: 'APIResourceList',
            groupVersion: urlPath.replace(/^\/apis?\//, ''),
            resources: discovery.map(([name, kind, namespaced]) => ({
              name,
              kind,
              namespaced,
              singularName: kind.toLowerCase(),
              verbs: ['get', 'list', 'create', 'update', 'patch', 'delete'],
            })),
          });
          return;
        }

        if (req.method === 'GET') {
          const stored = objects.get(urlPath);
          if (stored) {
            send(200, stored);
            return;
          }
          // A list of a kind the discovery knows: the objects right under it.
          const group = urlPath.slice(0, urlPath.lastIndexOf('/'));
          const resource = urlPath.slice(urlPath.lastIndexOf('/') + 1);
          if (DISCOVERY[group]?.some(([name]) => name === resource)) {
            const depth = urlPath.split('/').length + 1;
            send(200, {
              kind: 'List',
              apiVersion: 'v1',
              metadata: {},
              items: [...objects.entries()]
                .filter(
                  ([key]) =>
                    key.startsWith(`${urlPath}/`) &&
                    key.split('/').length === depth,
                )
                .map(([, object]) => object),
            });
            return;
          }
          notFound();
          return;
        }
        if (req.method === 'PATCH') {
          if (record.contentType !== 'application/apply-patch+yaml') {
            send(415, {
              kind: 'Status',
              code: 415,
              message: 'unsupported patch',
            });
            return;
          }
          const existing = objects.get(urlPath);
          const applied = record.body;
          const stored = {
            ...applied,
            metadata: {
              ...applied.metadata,
              uid: existing?.metadata?.uid ?? `uid-${version}`,
              resourceVersion: String(++version),
              creationTimestamp:
                existing?.metadata?.creationTimestamp ??
                new Date().toISOString(),
              managedFields: [
                { manager: record.fieldManager, operation: 'Apply' },
              ],
            },
          };
          if (applied.kind === 'Namespace') {
            stored.metadata.labels = {
              ...applied.metadata.labels,
              'kubernetes.io/metadata.name': applied.metadata.name,
            };
            stored.spec = { finalizers: ['kubernetes'] };
            stored.status = { phase: 'Active' };
          }
          objects.set(urlPath, stored);
          send(existing ? 200 : 201, stored);
          return;
        }
        if (req.method === 'DELETE') {
          if (!objects.has(urlPath)) {
            notFound();
            return;
          }
          // DeleteOptions preconditions, as the API server checks them.
          const preconditions = record.body?.preconditions ?? {};
          const current = objects.get(urlPath).metadata;
          const stale = (['uid', 'resourceVersion'] as const).find(
            field =>
              preconditions[field] !== undefined &&
              preconditions[field] !== current[field],
          );
          if (stale) {
            send(409, {
              kind: 'Status',
              apiVersion: 'v1',
              status: 'Failure',
              reason: 'Conflict',
              code: 409,
              message: `Precondition failed: ${stale}: ${preconditions[stale]}, object has ${current[stale]}`,
            });
            return;
          }
          objects.delete(urlPath);
          // Deleting a namespace removes everything in it.
          const namespace = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(
            urlPath,
          )?.[1];
          for (const key of [...objects.keys()]) {
            if (namespace && key.includes(`/namespaces/${namespace}/`)) {
              objects.delete(key);
            }
          }
          send(200, { kind: 'Status', apiVersion: 'v1', status: 'Success' });
          return;
        }
        send(405, { kind: 'Status', code: 405, message: 'method not allowed' });
      });
    },
  );
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve));
  // A test server must never be what keeps a test process alive.
  server.unref();
  return Object.assign(api, {
    url: `https://127.0.0.1:${port}`,
    caData: Buffer.from(tls.cert).toString('base64'),
    requests,
    objectRequests: () => requests.filter(r => !DISCOVERY[r.path]),
    objects,
    put: (urlPath: string, object: any) => {
      objects.set(urlPath, {
        ...object,
        metadata: {
          uid: `uid-${++version}`,
          resourceVersion: String(version),
          creationTimestamp: new Date().toISOString(),
          ...object.metadata,
        },
      });
    },
    clear: () => {
      requests.length = 0;
      api.onRequest = undefined;
    },
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** A throwaway certificate for 127.0.0.1, made with openssl. */
function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fake-kube-tls-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}
