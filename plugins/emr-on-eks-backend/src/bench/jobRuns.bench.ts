import {
  CreateVirtualClusterCommand,
  EMRContainersClient,
  StartJobRunCommand,
} from '@aws-sdk/client-emr-containers';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import request from 'supertest';
import { spec, testSettings } from '../__testUtils__/fixtures';
import { startMoto, useMotoCredentials } from '../__testUtils__/moto';
import { startRecordingProxy } from '../__testUtils__/recordingProxy';
import { startScriptedEmr } from '../__testUtils__/scriptedEmr';
import { startEmrOnEksBackend, USERS } from '../__testUtils__/testBackend';
import { JOB_TAGS } from '../domain/jobRun';
import { EmrJobRunGateway } from '../gateways/aws/JobRunGateway';
import { JobSyncService } from '../services/jobs/JobSyncService';
import { JobRunStore } from '../stores/JobRunStore';
import { TenantStore } from '../stores/TenantStore';
import { migrated } from '../__testUtils__/database';
import { JobSyncStore } from '../stores/JobSyncStore';
import { measureGet, round } from './stats';

/*
 * `npm run bench`: prints figures, asserts no timings.
 * - 100,000 runs across 200 tenants: median and p95 of a tenant's first page
 *   (50) and of an entity's runs, through HTTP, permissions included, on
 *   SQLite and PostgreSQL.
 * - The first sync of 10,000 runs for one tenant from moto.
 * - An incremental sync of 200 tenants with nothing new (List calls per
 *   tenant), against the scripted EMR server, whose timestamps are real.
 */

jest.setTimeout(30 * 60_000);

const TENANTS = 200;
const RUNS = 100_000;
const ENTITIES_PER_TENANT = 10;
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const results: Record<string, unknown> = {};

const tenantName = (i: number) => `team-${String(i).padStart(3, '0')}`;
const entityRef = (t: number, e: number) =>
  `component:default/${tenantName(t)}-job-${e}`;

async function seed(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const tenants = new TenantStore(await migrated(knex));
  const started = performance.now();
  const uids: string[] = [];
  for (let t = 0; t < TENANTS; t++) {
    const name = tenantName(t);
    const { uid } = await tenants.insertTenant({
      spec: spec({
        name,
        owner: t === 0 ? 'group:default/team-a' : `group:default/${name}`,
      }),
      createdBy: 'bench',
    });
    uids.push(uid);
  }
  const base = Date.parse('2026-01-01T00:00:00Z');
  const rows = [];
  for (let i = 0; i < RUNS; i++) {
    const t = i % TENANTS;
    const createdAt = new Date(base + i * 30_000);
    rows.push({
      id: `run-${String(i).padStart(6, '0')}`,
      tenant: tenantName(t),
      tenant_uid: uids[t],
      virtual_cluster_id: `vc-${t}`,
      emr_job_id: `job${String(i).padStart(16, '0')}`,
      arn: null,
      name: `job-${i}`,
      state: i % 7 === 0 ? 'FAILED' : 'COMPLETED',
      state_details: null,
      failure_reason: null,
      release_label: 'emr-7.5.0-latest',
      entity_ref: entityRef(t, Math.floor(i / TENANTS) % ENTITIES_PER_TENANT),
      submitted_by: 'user:default/alice',
      spot: true,
      source: 'backstage',
      idempotency_key: null,
      client_token: null,
      requested: null,
      created_at: createdAt,
      finished_at: createdAt,
      updated_at: createdAt,
    });
  }
  // SQLite allows at most 500 terms in the compound SELECT knex builds.
  for (let i = 0; i < rows.length; i += 400) {
    await knex('emr_job_runs').insert(rows.slice(i, i + 400));
  }
  if (databaseId.startsWith('POSTGRES')) {
    await knex.raw('ANALYZE emr_job_runs');
  }
  return { knex, seedSeconds: round((performance.now() - started) / 1000) };
}

describe('benchmark', () => {
  afterAll(async () => {
    const file = path.resolve(
      __dirname,
      '../../../../.data/bench-results.json',
    );
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, JSON.stringify(results, null, 2));
    process.stdout.write(
      `\nbenchmark results (also in .data/bench-results.json):\n${JSON.stringify(
        results,
        null,
        2,
      )}\n`,
    );
  });

  it.each(databases.eachSupportedId())(
    'lists runs with 100,000 runs across 200 tenants on %p',
    async databaseId => {
      const { knex, seedSeconds } = await seed(databaseId);
      const { server } = await startEmrOnEksBackend(testSettingsConfig(), [
        createServiceFactory({
          service: coreServices.database,
          deps: {},
          factory: () =>
            mockServices.database({ knex, migrations: { skip: true } }),
        }),
      ]);
      const alice = mockCredentials.user.header(USERS.alice);
      const page = await request(server)
        .get('/api/emr-on-eks/tenants/team-000/job-runs')
        .set('Authorization', alice);
      expect(page.body.items).toHaveLength(50);
      const entity = await request(server)
        .get('/api/emr-on-eks/job-runs')
        .query({ entityRef: entityRef(0, 3) })
        .set('Authorization', alice);
      expect(entity.body.items).toHaveLength(50);
      expect(
        entity.body.items.every((r: any) => r.entityRef === entityRef(0, 3)),
      ).toBe(true);

      results[`list.${databaseId}`] = {
        runs: RUNS,
        tenants: TENANTS,
        seedSeconds,
        'GET /tenants/:name/job-runs (page of 50), ms': await measureGet(
          server,
          '/api/emr-on-eks/tenants/team-000/job-runs',
          alice,
        ),
        'GET /tenants/:name/job-runs?state=FAILED (page of 50), ms':
          await measureGet(
            server,
            '/api/emr-on-eks/tenants/team-000/job-runs?state=FAILED',
            alice,
          ),
        'GET /job-runs?entityRef= (page of 50), ms': await measureGet(
          server,
          `/api/emr-on-eks/job-runs?entityRef=${encodeURIComponent(
            entityRef(0, 3),
          )}`,
          alice,
        ),
        target: 'p95 < 20 ms',
      };
    },
  );

  it('syncs 10,000 runs for one tenant from moto', async () => {
    useMotoCredentials();
    const moto = await startMoto();
    const proxy = await startRecordingProxy(moto.endpoint);
    const direct = new EMRContainersClient({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      maxAttempts: 5,
    });
    const viaProxy = new EMRContainersClient({
      region: 'us-east-1',
      endpoint: proxy.endpoint,
      maxAttempts: 5,
    });
    try {
      const { tenants, service } = await syncSetup(viaProxy);
      const vc = await direct.send(
        new CreateVirtualClusterCommand({
          name: 'team-000',
          containerProvider: {
            type: 'EKS',
            id: 'shared-data',
            info: { eksInfo: { namespace: 'team-000' } },
          },
        }),
      );
      const tenant = await readyTenantIn(tenants, 'team-000', vc.id!);

      const RUNS_IN_MOTO = 10_000;
      const started = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < RUNS_IN_MOTO) {
            const i = next++;
            await direct.send(
              new StartJobRunCommand({
                name: `run-${i}`,
                virtualClusterId: vc.id,
                executionRoleArn: 'arn:aws:iam::123456789012:role/r',
                releaseLabel: 'emr-7.5.0-latest',
                clientToken: `bench-${i}`,
                jobDriver: {
                  sparkSubmitJobDriver: { entryPoint: 'local:///app.py' },
                },
                tags: { [JOB_TAGS.entityRef]: 'component:default/bench' },
              }),
            );
          }
        }),
      );
      const seedSeconds = round((performance.now() - started) / 1000);

      proxy.clear();
      const syncStarted = performance.now();
      const firstSync = await service.syncTenant(tenant);
      const firstSyncSeconds = round((performance.now() - syncStarted) / 1000);
      expect(firstSync.written).toBe(RUNS_IN_MOTO);
      const firstCalls = proxy.calls.length;

      proxy.clear();
      const again = await service.syncTenant(tenant);
      expect(again.written).toBe(0);

      results['sync.moto'] = {
        'runs started in moto': RUNS_IN_MOTO,
        'seeding moto, s': seedSeconds,
        'first sync of one tenant, s': firstSyncSeconds,
        'first sync: ListJobRuns calls (pages of 50)': firstCalls,
        'first sync: rows written': firstSync.written,
        'second sync: calls': proxy.calls.length,
        'second sync: rows written': again.written,
        note: "moto stamps every run with today 00:00, so all of today's runs stay inside the 5-minute safety window and are listed again; see sync.incremental for EMR-like timestamps",
      };
    } finally {
      direct.destroy();
      viaProxy.destroy();
      await proxy.stop();
      await moto.stop();
    }
  });

  it('makes one List call per tenant when nothing is new', async () => {
    const emr = await startScriptedEmr();
    const client = new EMRContainersClient({
      region: 'us-east-1',
      endpoint: emr.endpoint,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 5,
    });
    try {
      const { tenants, service } = await syncSetup(client);
      const now = Date.now();
      for (let t = 0; t < TENANTS; t++) {
        const vc = `vc${String(t).padStart(23, '0')}`;
        emr.addVirtualCluster({ id: vc, namespace: tenantName(t) });
        await readyTenantIn(tenants, tenantName(t), vc);
        for (let i = 0; i < 20; i++) {
          emr.addJob(vc, {
            createdAt: new Date(now - 3_600_000 - (t * 20 + i) * 1000),
            script: [{ state: 'COMPLETED' }],
          });
        }
      }
      const first = performance.now();
      const firstPass = await service.syncAll();
      const firstMs = round(performance.now() - first);
      expect(firstPass.reduce((sum, r) => sum + r.written, 0)).toBe(
        TENANTS * 20,
      );

      emr.clearCalls();
      const second = performance.now();
      const secondPass = await service.syncAll();
      const secondMs = round(performance.now() - second);
      const lists = emr.calls.filter(c => c.operation === 'ListJobRuns').length;
      expect(secondPass.every(r => r.written === 0 && r.described === 0)).toBe(
        true,
      );

      results['sync.incremental'] = {
        tenants: TENANTS,
        'runs per tenant': 20,
        'first pass over all tenants, ms': firstMs,
        'second pass (nothing new), ms': secondMs,
        'second pass: ListJobRuns calls': lists,
        'second pass: ListJobRuns calls per tenant': lists / TENANTS,
        'second pass: other calls': emr.calls.length - lists,
        target: 'one List call per tenant',
      };
    } finally {
      client.destroy();
      await emr.stop();
    }
  });
});

async function syncSetup(client: EMRContainersClient) {
  const knex = await databases.init('SQLITE_3');
  const db = await migrated(knex);
  const tenants = new TenantStore(db);
  const service = JobSyncService.create({
    settings: testSettings(),
    jobs: new JobRunStore(db),
    syncStates: new JobSyncStore(db),
    tenants,
    jobRunsFor: () => new EmrJobRunGateway(client),
    logger: mockServices.logger.mock(),
  });
  return { tenants, service };
}

async function readyTenantIn(
  tenants: TenantStore,
  name: string,
  virtualClusterId: string,
) {
  await tenants.insertTenant({ spec: spec({ name }), createdBy: 'bench' });
  await tenants.mergeOutputs(name, {
    virtualClusterId,
    executionRoleArn: 'arn:aws:iam::123456789012:role/r',
  });
  await tenants.setPhase(name, 'Ready');
  return tenants.getTenant(name);
}

function testSettingsConfig() {
  return {
    emrOnEks: {
      clusters: [
        {
          name: 'shared',
          accountId: '123456789012',
          region: 'us-east-1',
          eksClusterName: 'shared-data',
          oidcIssuer: 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE',
          assetsBucket: 'shared-data-emr-assets',
          kubernetes: { mode: 'gitops', directory: '/tmp/emr-bench-gitops' },
        },
      ],
    },
  };
}
