import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { ANNOTATION_EMR_ON_EKS_TENANT } from '@spot-spark/plugin-emr-on-eks-common';
import { BackstageEntityCatalogGateway } from './EntityCatalogGateway';

/*
 * The gateway on the catalog service a plugin gets (Backstage's own catalog
 * client, through discovery), against what answers at the catalog's URL
 * over time: nothing (connection refused), a backend without the catalog
 * plugin (404 to everything), and a catalog that answers.
 */

const ALICE = mockCredentials.user('user:default/alice');

const DAILY_SALES: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'daily-sales',
    namespace: 'default',
    annotations: { [ANNOTATION_EMR_ON_EKS_TENANT]: 'team-a' },
  },
  spec: { type: 'spark-job', lifecycle: 'production', owner: 'team-a' },
};

const group = (name: string, namespace: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace },
  spec: { type: 'team', children: [] },
});
const GROUPS = [group('Team-C', 'default'), group('team-c', 'eng')];

/**
 * The catalog's filter as its REST API reads it: `key=value` pairs, values
 * of one key any of them, case-insensitive.
 */
function matches(filter: string) {
  const wanted = new Map<string, string[]>();
  for (const part of filter.split(',')) {
    const [key, value] = part.split('=').map(decodeURIComponent);
    wanted.set(key, [...(wanted.get(key) ?? []), value.toLowerCase()]);
  }
  return (entity: Entity) =>
    [...wanted].every(([key, values]) => {
      const actual = key === 'kind' ? entity.kind : entity.metadata.name;
      return values.includes(actual.toLowerCase());
    });
}

/**
 * The catalog's URL: down (nothing listens), `no-catalog-plugin` (a
 * Backstage backend without the catalog answers 404 to every path under
 * it) or `up` (the two reads of the catalog's REST API the gateway makes).
 */
class CatalogUrl {
  mode: 'no-catalog-plugin' | 'up' = 'up';
  private server?: Server;

  private constructor(readonly port: number) {}

  /** A port nothing listens on yet. */
  static async reserve(): Promise<CatalogUrl> {
    const server = createServer();
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise(resolve => server.close(resolve));
    return new CatalogUrl(port);
  }

  get baseUrl() {
    return `http://127.0.0.1:${this.port}/api/catalog`;
  }

  async listen(mode: CatalogUrl['mode']) {
    this.mode = mode;
    if (this.server) {
      return;
    }
    this.server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const notFound = () =>
        send(404, {
          error: { name: 'NotFoundError', message: `No ${url.pathname}` },
        });
      if (this.mode === 'no-catalog-plugin') {
        notFound();
      } else if (
        url.pathname === '/api/catalog/entities' &&
        url.searchParams.has('filter')
      ) {
        send(200, GROUPS.filter(matches(url.searchParams.get('filter')!)));
      } else if (url.pathname === '/api/catalog/entities') {
        send(
          200,
          [DAILY_SALES].slice(0, Number(url.searchParams.get('limit'))),
        );
      } else if (
        url.pathname ===
        '/api/catalog/entities/by-name/component/default/daily-sales'
      ) {
        send(200, DAILY_SALES);
      } else {
        notFound();
      }
    });
    const server = this.server;
    await new Promise<void>(resolve =>
      server.listen(this.port, '127.0.0.1', resolve),
    );
  }

  /** Stops listening, dropping kept-alive connections: the next call is refused. */
  async down() {
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    }
  }
}

let catalogUrl: CatalogUrl;
let backendStop: (() => Promise<void>) | undefined;

afterEach(async () => {
  await catalogUrl?.down();
  await backendStop?.();
  backendStop = undefined;
});

/** The gateway on the catalog service of a plugin whose discovery finds `catalogUrl`. */
async function gateway() {
  let catalog: CatalogService | undefined;
  const backend = await startTestBackend({
    features: [
      createBackendPlugin({
        pluginId: 'emr-on-eks',
        register(env) {
          env.registerInit({
            deps: { catalogService: catalogServiceRef },
            async init({ catalogService }) {
              catalog = catalogService;
            },
          });
        },
      }),
      mockServices.discovery.mock({
        getBaseUrl: async () => catalogUrl.baseUrl,
        getExternalBaseUrl: async () => catalogUrl.baseUrl,
      }).factory,
    ],
  });
  backendStop = () => backend.stop();
  return new BackstageEntityCatalogGateway(
    catalog!,
    mockServices.logger.mock(),
  );
}

const SERVICE = mockCredentials.service('plugin:emr-on-eks');
const UNAVAILABLE = {
  name: 'ServiceUnavailableError',
  message: expect.stringMatching(
    /^The software catalog did not answer.*, so entityRef component:default\/daily-sales cannot be checked; try again later$/,
  ),
};

describe('BackstageEntityCatalogGateway', () => {
  it('asks a catalog that was down at start-up again on the next lookup, refusing with 503 until it answers', async () => {
    catalogUrl = await CatalogUrl.reserve();
    const catalog = await gateway();
    await expect(catalog.probe(SERVICE)).resolves.toBe('unreachable');

    // Down: no answer is not "no catalog", and accepts nothing.
    await expect(
      catalog.lookup('component:default/daily-sales', ALICE),
    ).rejects.toMatchObject(UNAVAILABLE);

    await catalogUrl.listen('up');
    await expect(
      catalog.lookup('component:default/daily-sales', ALICE),
    ).resolves.toEqual({
      kind: 'found',
      tenant: 'team-a',
      owners: ['group:default/team-a'],
    });
    await expect(
      catalog.lookup('component:default/someone-elses', ALICE),
    ).resolves.toEqual({ kind: 'missing' });
  });

  it('calls a 404 from the whole catalog API no catalog, and asks again on the next lookup', async () => {
    catalogUrl = await CatalogUrl.reserve();
    await catalogUrl.listen('no-catalog-plugin');
    const catalog = await gateway();
    await expect(catalog.probe(SERVICE)).resolves.toBe('not-installed');
    await expect(
      catalog.lookup('component:default/daily-sales', ALICE),
    ).resolves.toEqual({ kind: 'no-catalog' });

    // The catalog is installed (or its route fixed): it is used.
    catalogUrl.mode = 'up';
    await expect(
      catalog.lookup('component:default/daily-sales', ALICE),
    ).resolves.toEqual({
      kind: 'found',
      tenant: 'team-a',
      owners: ['group:default/team-a'],
    });
  });

  it('refuses with 503 when a catalog that answered stops answering, never reading it as missing', async () => {
    catalogUrl = await CatalogUrl.reserve();
    await catalogUrl.listen('up');
    const catalog = await gateway();
    await expect(catalog.probe(SERVICE)).resolves.toBe('installed');
    await expect(
      catalog.lookup('component:default/daily-sales', ALICE),
    ).resolves.toEqual({
      kind: 'found',
      tenant: 'team-a',
      owners: ['group:default/team-a'],
    });

    await catalogUrl.down();
    await expect(
      catalog.lookup('component:default/daily-sales', ALICE),
    ).rejects.toMatchObject(UNAVAILABLE);

    await catalogUrl.listen('up');
    await expect(
      catalog.lookup('component:default/daily-sales', ALICE),
    ).resolves.toEqual({
      kind: 'found',
      tenant: 'team-a',
      owners: ['group:default/team-a'],
    });
  });

  it('names the groups called like each name, in any namespace and case, and refuses with 503 when the catalog is down', async () => {
    catalogUrl = await CatalogUrl.reserve();
    await catalogUrl.listen('up');
    const catalog = await gateway();
    await expect(
      catalog.groupsNamed(['team-c', 'free'], SERVICE),
    ).resolves.toEqual({
      'team-c': ['group:default/team-c', 'group:eng/team-c'],
      free: [],
    });
    await catalogUrl.down();
    await expect(
      catalog.groupsNamed(['team-c'], SERVICE),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(
        /^The software catalog did not answer.*, so whether team-c name a group cannot be checked; try again later$/,
      ),
    });
    // No catalog at all: no group to keep a name for.
    await backendStop?.();
    await catalogUrl.listen('no-catalog-plugin');
    const none = await gateway();
    await expect(none.groupsNamed(['team-c'], SERVICE)).resolves.toEqual({});
  });
});
