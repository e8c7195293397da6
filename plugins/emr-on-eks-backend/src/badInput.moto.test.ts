import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  ADMIN,
  ALICE,
  as,
  badInputCases,
  BASE,
  CORPUS_JOB_RUN,
  CORPUS_TENANTS,
  expectRefusal,
  sendCase,
} from './__testUtils__/badInputCorpus';
import { testConfig } from './__testUtils__/fixtures';
import { BUCKET } from './__testUtils__/harness';
import {
  MotoServer,
  startMoto,
  useMotoCredentials,
} from './__testUtils__/moto';
import {
  RecordedAwsCall,
  RecordingProxy,
  startRecordingProxy,
} from './__testUtils__/recordingProxy';
import {
  startEmrOnEksBackend,
  waitForTenant,
} from './__testUtils__/testBackend';
import {
  ClusterGateways,
  createClusterGateways,
} from './gateways/ClusterGateways';
import { createEmrOnEksPlugin } from './plugin';

/*
 * Issue 8, section 3: the bad-input corpus (`__testUtils__/badInputCorpus.ts`,
 * the same cases as badInput.test.ts) through a backend on the REAL gateways
 * built from config: AWS through the recording proxy to a real moto_server,
 * Kubernetes in GitOps mode on a temporary directory.
 *
 * After the fixture tenants are Ready, their run submitted and the backend
 * idle, the test takes a snapshot: the AWS requests the proxy has seen on the
 * wire, the calls any gateway method received (Kubernetes included: in GitOps
 * mode it is the directory), a hash of every file (path and content) under
 * the GitOps directory, and every table's rows (count and content). Each case
 * must then be a 4xx naming its field and leave all of that exactly as it
 * was: no AWS request at all on the wire, no gateway call, no file written,
 * no row added or changed.
 *
 * Background work: the scheduler is the test backend's mock, which captures
 * the reconcile and job-sync tasks instead of running them; the account check
 * (STS GetCallerIdentity) runs once per cluster, during onboarding, and is
 * cached; the catalog probe at start-up talks to the catalog mock, not AWS.
 * So nothing in the backend calls AWS by itself during the corpus, and the
 * expected wire count of the corpus is exactly zero.
 */

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const CASES = badInputCases();

const sha256 = (data: string | Buffer) =>
  createHash('sha256').update(data).digest('hex');

/** Every file under `root` (recursively), by relative path, as a content hash. */
async function hashTree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(dir: string) {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        out[`${path.relative(root, full)}/`] = 'directory';
        await walk(full);
      } else {
        out[path.relative(root, full)] = sha256(await fs.readFile(full));
      }
    }
  }
  await walk(root);
  return Object.fromEntries(
    Object.entries(out).sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** The plugin's tables (every table the migrations made, whatever they are). */
async function tableNames(knex: Knex): Promise<string[]> {
  const names: string[] =
    knex.client.config.client === 'pg'
      ? (
          await knex('information_schema.tables')
            .where('table_schema', knex.raw('current_schema()'))
            .select('table_name')
        ).map(row => row.table_name)
      : (await knex('sqlite_master').where('type', 'table').select('name')).map(
          row => row.name,
        );
  return names.filter(name => !name.startsWith('knex_')).sort();
}

/** Each table's row count and a hash of its rows' content. */
async function tableRows(knex: Knex, tables: string[]) {
  const out: Record<string, { rows: number; content: string }> = {};
  for (const table of tables) {
    const rows = (await knex(table).select()).map(row => JSON.stringify(row));
    out[table] = { rows: rows.length, content: sha256(rows.sort().join('\n')) };
  }
  return out;
}

/**
 * The real gateways, with every call recorded as `gateway.method` (or the
 * function's name): each gateway object of the set, and its functions
 * (`accountId`), whatever the set holds; `dispose` (at shutdown) is not a call.
 */
function recordingGateways(
  gateways: ClusterGateways,
  calls: string[],
): ClusterGateways {
  const wrap = <T extends object>(name: string, target: T): T =>
    new Proxy(target, {
      get(obj, key, receiver) {
        const value = Reflect.get(obj, key, receiver);
        if (typeof value !== 'function') {
          return value;
        }
        return (...args: unknown[]) => {
          calls.push(`${name}.${String(key)}`);
          return value.apply(obj, args);
        };
      },
    });
  const recorded: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(gateways)) {
    if (name === 'dispose') {
      recorded[name] = value;
    } else if (typeof value === 'function') {
      recorded[name] = (...args: unknown[]) => {
        calls.push(name);
        return value.apply(gateways, args);
      };
    } else if (value && typeof value === 'object') {
      recorded[name] = wrap(name, value);
    } else {
      recorded[name] = value;
    }
  }
  return recorded as unknown as ClusterGateways;
}

const describeCalls = (calls: RecordedAwsCall[]) =>
  calls.map(c => `${c.service} ${c.operation}`);

describe.each(databases.eachSupportedId())(
  'bad input on the real gateways (moto, GitOps) on %s',
  (databaseId: TestDatabaseId) => {
    let moto: MotoServer;
    let proxy: RecordingProxy;
    let directory: string;
    let knex: Knex;
    let tables: string[];
    let backend: Awaited<ReturnType<typeof startEmrOnEksBackend>>;
    const gatewayCalls: string[] = [];
    let setupWireCalls: string[] = [];

    /** Everything the corpus must leave as it is. */
    async function observe() {
      return {
        awsRequestsOnTheWire: proxy.calls.length,
        gatewayCalls: gatewayCalls.length,
        gitopsFiles: await hashTree(directory),
        tables: await tableRows(knex, tables),
      };
    }
    let before: Awaited<ReturnType<typeof observe>>;

    /** Waits until nothing changes for a while (bounded): the backend is idle. */
    async function settled() {
      const deadline = Date.now() + 15_000;
      let last = JSON.stringify(await observe());
      let quiet = 0;
      while (quiet < 4) {
        await new Promise(resolve => setTimeout(resolve, 100));
        const now = JSON.stringify(await observe());
        quiet = now === last ? quiet + 1 : 0;
        last = now;
        if (Date.now() > deadline) {
          throw new Error('the backend did not become idle');
        }
      }
      return observe();
    }

    beforeAll(async () => {
      useMotoCredentials();
      moto = await startMoto();
      proxy = await startRecordingProxy(moto.endpoint);
      const s3 = new S3Client({
        region: 'us-east-1',
        endpoint: moto.endpoint,
        forcePathStyle: true,
      });
      await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
      s3.destroy();
      directory = await fs.mkdtemp(path.join(os.tmpdir(), 'emr-bad-input-'));
      knex = await databases.init(databaseId);

      backend = await startEmrOnEksBackend(
        testConfig({
          endpoint: proxy.endpoint,
          kubernetes: { mode: 'gitops', directory },
        }),
        [mockServices.database.factory({ knex, migrations: { skip: false } })],
        createEmrOnEksPlugin({
          createGateways: options =>
            recordingGateways(createClusterGateways(options), gatewayCalls),
        }),
      );
      for (const [body, user] of CORPUS_TENANTS) {
        await request(backend.server)
          .post(`${BASE}/tenants`)
          .set('Authorization', as(user))
          .send(body)
          .expect(202);
        const tenant = await waitForTenant(
          backend.server,
          body.name,
          ['Ready', 'Failed'],
          ADMIN,
        );
        if (tenant.status.phase !== 'Ready') {
          throw new Error(
            `fixture tenant ${body.name} is not Ready: ${JSON.stringify(
              tenant.status,
            )}`,
          );
        }
      }
      await request(backend.server)
        .post(`${BASE}/tenants/team-a/job-runs`)
        .set('Authorization', ALICE)
        .send(CORPUS_JOB_RUN)
        .expect(201);
      tables = await tableNames(knex);
      before = await settled();
      setupWireCalls = describeCalls(proxy.calls);
    });

    afterAll(async () => {
      await backend?.stop();
      await proxy?.stop();
      await moto?.stop();
      if (directory) {
        await fs.rm(directory, { recursive: true, force: true });
      }
    });

    it('set up its world through the same wire, gateways and directory it watches', () => {
      // The proxy sees the backend's AWS calls: onboarding and the run went through it.
      expect(setupWireCalls).toEqual(
        expect.arrayContaining([
          'sts GetCallerIdentity',
          'iam CreateRole',
          'logs CreateLogGroup',
          'emr-containers POST /virtualclusters',
        ]),
      );
      expect(
        setupWireCalls.filter(c => /^emr-containers POST .*\/jobruns$/.test(c)),
      ).toHaveLength(1);
      expect(before.gatewayCalls).toBeGreaterThan(0);
      // The scheduled reconcile and job sync were captured, never run.
      expect(backend.scheduledTasks.length).toBeGreaterThan(0);
      expect(Object.keys(before.gitopsFiles)).toEqual(
        expect.arrayContaining([
          'kustomization.yaml',
          'tenants/team-a/kustomization.yaml',
          'tenants/team-b/kustomization.yaml',
        ]),
      );
      expect(tables).toEqual(
        expect.arrayContaining([
          'emr_tenants',
          'emr_tenant_steps',
          'emr_audit_events',
          'emr_job_runs',
          'emr_job_sync',
        ]),
      );
      expect(before.tables.emr_tenants.rows).toBe(2);
      expect(before.tables.emr_job_runs.rows).toBe(1);
    });

    it('has the corpus the issue asks for (250+ cases)', () => {
      expect(CASES.length).toBeGreaterThanOrEqual(250);
    });

    it.each(CASES)(
      '%s: 4xx naming the field, no AWS request on the wire, no gateway call, no file or row changed',
      async (_label, c) => {
        const res = await sendCase(backend.server, c);
        expectRefusal(res, c);
        const after = await observe();
        expect({
          ...after,
          newAwsRequests: describeCalls(
            proxy.calls.slice(before.awsRequestsOnTheWire),
          ),
          newGatewayCalls: gatewayCalls.slice(before.gatewayCalls),
        }).toEqual({
          ...before,
          newAwsRequests: [],
          newGatewayCalls: [],
        });
      },
    );

    it('afterwards: zero AWS requests on the wire, identical GitOps files, no new rows', async () => {
      const after = await settled();
      expect(
        describeCalls(proxy.calls.slice(before.awsRequestsOnTheWire)),
      ).toEqual([]);
      expect(after).toEqual(before);
    });
  },
);
