/* eslint-disable @backstage/no-relative-monorepo-imports */
import {
  AuthService,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import permissionBackend from '@backstage/plugin-permission-backend';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
// The backend plugin's own fast-tier world: in-memory cluster gateways and
// scripted cost sources, so the test needs no AWS.
import {
  CATALOG_ENTITIES,
  DAILY_SALES,
  TEAM_A,
  testConfig,
} from '../../../plugins/emr-on-eks-backend/src/__testUtils__/fixtures';
import { MemoryCluster } from '../../../plugins/emr-on-eks-backend/src/__testUtils__/memoryGateways';
import {
  computeRow,
  UPLIFT_RATE,
} from '../../../plugins/emr-on-eks-backend/src/__testUtils__/scriptedCosts';
import { createEmrOnEksPlugin } from '../../../plugins/emr-on-eks-backend/src/plugin';
import examplePolicy, { PLATFORM_ADMIN_GROUP } from './permissionPolicy';

/*
 * Issue 21, part 3: an assistant's view. The example backend's MCP actions
 * backend, the EMR on EKS plugin (in-memory cluster, scripted costs), the
 * permission backend with the example organisation's policy; the official
 * MCP TypeScript client connects as alice (team-a) and as bob (team-b),
 * lists the tools and calls them; on SQLite and on PostgreSQL.
 */

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const USERS = {
  admin: 'user:default/admin',
  alice: 'user:default/alice',
  bob: 'user:default/bob',
};
const GROUPS: Record<string, string[]> = {
  [USERS.admin]: [PLATFORM_ADMIN_GROUP],
  [USERS.alice]: ['group:default/team-a'],
  [USERS.bob]: ['group:default/team-b'],
};
const SALES = {
  ...DAILY_SALES,
  executor: { ...DAILY_SALES.executor, maxExecutors: 10 },
  idempotencyKey: undefined,
};
const TODAY = new Date().toISOString().slice(0, 10);

/**
 * The mock auth service, except that a token issued on behalf of a user
 * names the issuing plugin as its actor, as the real auth service does (the
 * permission framework wants it for conditional decisions).
 */
const authWithActors = createServiceFactory({
  service: coreServices.auth,
  deps: { pluginMetadata: coreServices.pluginMetadata },
  factory({ pluginMetadata }): AuthService {
    const pluginId = pluginMetadata.getId();
    const base = mockServices.auth({ pluginId });
    return {
      authenticate: base.authenticate.bind(base),
      getNoneCredentials: base.getNoneCredentials.bind(base),
      getOwnServiceCredentials: base.getOwnServiceCredentials.bind(base),
      isPrincipal: base.isPrincipal.bind(base) as AuthService['isPrincipal'],
      getLimitedUserToken: base.getLimitedUserToken.bind(base),
      listPublicServiceKeys: base.listPublicServiceKeys.bind(base),
      async getPluginRequestToken(options) {
        const principal = options.onBehalfOf.principal as {
          type: string;
          userEntityRef?: string;
        };
        if (principal.type === 'user') {
          return {
            token: mockCredentials.user.token(principal.userEntityRef, {
              actor: { subject: `plugin:${pluginId}` },
            }),
          };
        }
        return base.getPluginRequestToken(options);
      },
    };
  },
});

/** An audit event, as the capturing auditor keeps it. */
interface AuditRecord {
  plugin: string;
  eventId: string;
  meta?: JsonObject;
  outcome?: 'success' | 'fail';
}

/** Starts the world on `knex` (every plugin of the backend shares it). */
async function startWorld(knex: Awaited<ReturnType<typeof databases.init>>) {
  const cluster = new MemoryCluster();
  const compute: ReturnType<typeof computeRow>[] = [];
  const audits: AuditRecord[] = [];
  const auditor = createServiceFactory({
    service: coreServices.auditor,
    deps: { pluginMetadata: coreServices.pluginMetadata },
    factory: ({ pluginMetadata }) => ({
      async createEvent(options) {
        const record: AuditRecord = {
          plugin: pluginMetadata.getId(),
          eventId: options.eventId,
          meta: options.meta,
        };
        audits.push(record);
        return {
          async success() {
            record.outcome = 'success';
          },
          async fail() {
            record.outcome = 'fail';
          },
        };
      },
    }),
  });
  const config = testConfig();
  (config.emrOnEks as JsonObject).costs = {
    duckdb: { curPath: 'unused/*.csv', kubecostPath: 'unused/*.csv' },
    rates: { 'us-east-1': UPLIFT_RATE },
  };
  const backend = await startTestBackend({
    features: [
      createEmrOnEksPlugin({
        createGateways: () => cluster,
        createCostSources: async () => ({
          uplift: { uplift: async () => ({ rows: [], completeThrough: null }) },
          compute: { source: 'kubecost', compute: async () => compute },
          close: async () => {},
        }),
      }),
      mcpActionsPlugin,
      permissionBackend,
      examplePolicy,
      authWithActors,
      auditor,
      mockServices.rootConfig.factory({
        data: {
          ...config,
          permission: { enabled: true },
          // As in app-config.yaml: the plugins whose actions are served.
          backend: { actions: { pluginSources: ['emr-on-eks'] } },
        },
      }),
      mockServices.userInfo.mock({
        async getUserInfo(credentials: any) {
          const userEntityRef = credentials.principal.userEntityRef;
          return {
            userEntityRef,
            ownershipEntityRefs: [
              userEntityRef,
              ...(GROUPS[userEntityRef] ?? []),
            ],
          };
        },
      }).factory,
      // Scheduled tasks are not run: the test drives the cost rollup itself.
      mockServices.scheduler.mock({ async scheduleTask() {} }).factory,
      mockServices.database.factory({ knex, migrations: { skip: false } }),
      catalogServiceMock.factory({ entities: CATALOG_ENTITIES }),
    ],
  });
  const baseUrl = `http://localhost:${backend.server.port()}`;

  /** The plugin's REST API, as a user. */
  async function rest(
    user: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<any> {
    const response = await fetch(`${baseUrl}/api/emr-on-eks${path}`, {
      method,
      headers: {
        Authorization: mockCredentials.user.header(user),
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) {
      throw new Error(
        `${method} ${path}: ${response.status} ${await response.text()}`,
      );
    }
    return response.json();
  }

  /** Waits (bounded) until a tenant is Ready. */
  async function ready(name: string) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const tenant = await rest(USERS.admin, 'GET', `/tenants/${name}`);
      if (tenant.status.phase === 'Ready') {
        return tenant;
      }
      if (Date.now() > deadline) {
        throw new Error(`tenant ${name} is ${tenant.status.phase}, not Ready`);
      }
      await new Promise(resolve => setTimeout(resolve, 25));
    }
  }

  // Two teams, onboarded by the platform; one run of team-a and its compute.
  await rest(USERS.admin, 'POST', '/tenants', TEAM_A);
  await rest(USERS.admin, 'POST', '/tenants', {
    ...TEAM_A,
    name: 'team-b',
    owner: 'group:default/team-b',
    dataAccess: [],
  });
  const teamA = await ready('team-a');
  await ready('team-b');
  const run = await rest(
    USERS.alice,
    'POST',
    '/tenants/team-a/job-runs',
    SALES,
  );
  compute.push(
    computeRow(TODAY, {
      namespace: teamA.status.namespace,
      virtualClusterId: run.virtualClusterId,
      emrJobRunId: run.emrJobRunId,
      amount: 2.5,
    }),
  );
  await rest(USERS.admin, 'POST', `/costs/refresh?from=${TODAY}&to=${TODAY}`);

  const clients: Client[] = [];
  /** The official MCP client, connected as the user. */
  async function connect(user: string): Promise<Client> {
    const client = new Client({ name: 'emr-on-eks-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(
        new URL(`${baseUrl}/api/mcp-actions/v1`),
        {
          requestInit: {
            headers: { Authorization: mockCredentials.user.header(user) },
          },
        },
      ),
    );
    clients.push(client);
    return client;
  }
  const close = async () => {
    await Promise.all(clients.map(c => c.close()));
    await backend.stop();
  };
  return { rest, connect, close, audits, teamA, run };
}

/** The JSON of a tool's answer (the MCP backend sends it as text and as structured content). */
function answerOf(result: any): any {
  expect(result.isError).toBeFalsy();
  const text = JSON.parse(result.content[0].text);
  expect(result.structuredContent).toEqual(text);
  return text;
}

describe.each(databases.eachSupportedId())(
  'EMR on EKS through MCP on %s',
  databaseId => {
    let world: Awaited<ReturnType<typeof startWorld>>;
    let alice: Client;
    let bob: Client;

    beforeAll(async () => {
      world = await startWorld(await databases.init(databaseId));
      alice = await world.connect(USERS.alice);
      bob = await world.connect(USERS.bob);
    });

    afterAll(async () => {
      await world?.close();
    });

    it('lists the plugin’s tools with their input schemas and hints', async () => {
      const { tools } = await alice.listTools();
      const byName = Object.fromEntries(tools.map(t => [t.name, t]));
      expect(Object.keys(byName).sort()).toEqual([
        'emr-on-eks.cancel-job-run',
        'emr-on-eks.dry-run-job-run',
        'emr-on-eks.get-cluster-preflight',
        'emr-on-eks.get-cost-forecast',
        'emr-on-eks.get-costs',
        'emr-on-eks.get-job-run',
        'emr-on-eks.get-tenant-status',
        'emr-on-eks.list-job-runs',
        'emr-on-eks.submit-job-run',
      ]);
      expect(byName['emr-on-eks.list-job-runs']).toMatchObject({
        inputSchema: {
          type: 'object',
          properties: {
            tenant: { type: 'string' },
            entityRef: { type: 'string' },
            limit: { type: 'integer', default: 20 },
          },
        },
        annotations: { readOnlyHint: true, destructiveHint: false },
      });
      expect(byName['emr-on-eks.list-job-runs'].description).toMatch(/tenant/);
      expect(byName['emr-on-eks.submit-job-run']).toMatchObject({
        inputSchema: { required: ['tenant', 'request', 'idempotencyKey'] },
        annotations: {
          readOnlyHint: false,
          destructiveHint: false,
          idempotentHint: true,
        },
      });
      expect(byName['emr-on-eks.cancel-job-run'].annotations).toMatchObject({
        readOnlyHint: false,
        destructiveHint: true,
      });
    });

    it('gives alice her team’s runs and costs', async () => {
      const runs = answerOf(
        await alice.callTool({
          name: 'emr-on-eks.list-job-runs',
          arguments: { tenant: 'team-a' },
        }),
      );
      expect(runs.items.map((r: any) => r.id)).toContain(world.run.id);
      const costs = answerOf(
        await alice.callTool({
          name: 'emr-on-eks.get-costs',
          arguments: {
            tenant: 'team-a',
            from: TODAY,
            to: TODAY,
            groupBy: ['job'],
          },
        }),
      );
      expect(costs.total).toBeGreaterThanOrEqual(2.5);
      expect(costs.rows).toEqual([
        expect.objectContaining({ emrJobRunId: world.run.emrJobRunId }),
      ]);
      const status = answerOf(
        await alice.callTool({
          name: 'emr-on-eks.get-tenant-status',
          arguments: { tenant: 'team-a' },
        }),
      );
      expect(status).toMatchObject({ name: 'team-a', phase: 'Ready' });
    });

    it('tells bob that team-a is not found, and nothing of it', async () => {
      const secrets = [
        world.teamA.uid,
        world.teamA.status.virtualClusterId,
        world.run.emrJobRunId,
        world.run.id,
        'group:default/team-a',
      ];
      for (const [name, args] of [
        ['emr-on-eks.list-job-runs', { tenant: 'team-a' }],
        ['emr-on-eks.get-costs', { tenant: 'team-a' }],
        ['emr-on-eks.get-tenant-status', { tenant: 'team-a' }],
        ['emr-on-eks.get-cost-forecast', { tenant: 'team-a' }],
        ['emr-on-eks.get-job-run', { id: world.run.id }],
      ] as const) {
        const result: any = await bob.callTool({ name, arguments: args });
        expect(result.isError).toBe(true);
        const text: string = result.content[0].text;
        expect(text).toMatch(/^NotFoundError: .* not found$/);
        // Only what bob sent comes back (the name, or the run id he gave).
        const sent = JSON.stringify(args);
        for (const secret of secrets.filter(s => !sent.includes(s))) {
          expect(text).not.toContain(secret);
        }
      }
      // Lists by entity leave team-a's runs out rather than refuse.
      const byEntity = answerOf(
        await bob.callTool({
          name: 'emr-on-eks.list-job-runs',
          arguments: { entityRef: 'component:default/daily-sales' },
        }),
      );
      expect(byEntity.items).toEqual([]);
    });

    it('makes exactly one run for a submit through MCP, retried or not', async () => {
      const count = async () =>
        (
          await world.rest(
            USERS.admin,
            'GET',
            '/tenants/team-a/job-runs?limit=200',
          )
        ).items.length;
      const before = await count();
      const submit = () =>
        alice.callTool({
          name: 'emr-on-eks.submit-job-run',
          arguments: {
            tenant: 'team-a',
            request: SALES,
            idempotencyKey: 'mcp-test-daily-sales',
          },
        });
      const first = answerOf(await submit());
      const retried = answerOf(await submit());
      expect(first).toMatchObject({
        created: true,
        run: { tenant: 'team-a', submittedBy: USERS.alice },
      });
      expect(retried).toMatchObject({
        created: false,
        run: { id: first.run.id },
      });
      expect(await count()).toBe(before + 1);

      const refused: any = await bob.callTool({
        name: 'emr-on-eks.submit-job-run',
        arguments: {
          tenant: 'team-a',
          request: SALES,
          idempotencyKey: 'bob-1',
        },
      });
      expect(refused.isError).toBe(true);
      expect(refused.content[0].text).toBe(
        'NotFoundError: tenant team-a not found',
      );
      expect(await count()).toBe(before + 1);
    });

    it('audits each call as the calling user', async () => {
      const actionEvents = world.audits.filter(
        a => a.plugin === 'emr-on-eks' && a.eventId.startsWith('action-'),
      );
      expect(actionEvents).toContainEqual({
        plugin: 'emr-on-eks',
        eventId: 'action-list-job-runs',
        meta: { actor: USERS.alice, tenant: 'team-a', entityRef: null },
        outcome: 'success',
      });
      expect(actionEvents).toContainEqual({
        plugin: 'emr-on-eks',
        eventId: 'action-get-tenant-status',
        meta: { actor: USERS.bob, tenant: 'team-a' },
        outcome: 'fail',
      });
      expect(
        actionEvents.filter(
          a => a.eventId === 'action-submit-job-run' && a.outcome === 'success',
        ),
      ).toHaveLength(2);
      // The MCP backend's own record of each tool call, beside the plugin's.
      expect(
        world.audits.some(
          a => a.plugin === 'mcp-actions' && a.eventId === 'tool-execution',
        ),
      ).toBe(true);
    });
  },
);
