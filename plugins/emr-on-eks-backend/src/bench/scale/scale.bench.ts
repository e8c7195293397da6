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
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { testConfig } from '../../__testUtils__/fixtures';
import { migrated } from '../../__testUtils__/database';
import { startEmrOnEksBackend, USERS } from '../../__testUtils__/testBackend';
import { createEmrOnEksPlugin } from '../../plugin';
import { measure, getter, scaleEndpoints, type Measured } from './endpoints';
import { percentiles } from '../stats';
import { captureQueries, explainAll, replay } from './explain';
import { withProductionMiddleware } from './productionHttp';
import { profiled } from './profile';
import { RemoteClient } from './remoteClient';
import {
  addDays,
  COST_ROWS_PER_DAY,
  runEntityRef,
  scaleSizes,
  seedScale,
  tableSizes,
  tenantName,
} from './seed';

/*
 * `npm run bench`, an organisation's scale: 1,000,000 job runs across 1,000
 * tenants and 3 years of daily cost rows of 1,000 tenants (5 a tenant a
 * day), on SQLite and PostgreSQL. Every page an organisation uses daily is
 * measured through HTTP with the real permission backend and the test
 * policy (median, p95; target p95 under 10 ms on PostgreSQL, printed, not
 * asserted), and every statement each page runs is printed with its plan
 * (PostgreSQL: EXPLAIN (ANALYZE, BUFFERS); SQLite: EXPLAIN QUERY PLAN),
 * also written to .data/bench/explain-<database>.txt.
 *
 * Smaller runs: SCALE_BENCH_TENANTS, SCALE_BENCH_RUNS, SCALE_BENCH_DAYS;
 * SCALE_BENCH_SAMPLES (200); one database: SCALE_BENCH_DATABASES=POSTGRES_15;
 * a CPU profile of the pages whose name includes SCALE_BENCH_PROFILE.
 *
 * The backend has a production backend's middleware (`productionHttp`:
 * compression, helmet, CORS, request logging). Each page is measured from a
 * client in another process (keep-alive, gzip, as a browser asks), so the
 * backend's tails are its own, and, for comparison with earlier runs, with
 * supertest in the backend's process.
 */

jest.setTimeout(60 * 60_000);

const sizes = scaleSizes();
const SAMPLES = Number(process.env.SCALE_BENCH_SAMPLES ?? 200);
const TARGET_P95_MS = 10;
/** A page whose name includes this is profiled too (`profile.ts`). */
const PROFILE = process.env.SCALE_BENCH_PROFILE;
const databases = TestDatabases.create({
  ids: (process.env.SCALE_BENCH_DATABASES?.split(',') as TestDatabaseId[]) ?? [
    'SQLITE_3',
    'POSTGRES_15',
  ],
});
const OUT = path.resolve(__dirname, '../../../../../.data/bench');
const results: Record<string, unknown> = {};

const progress = (line: string) =>
  process.stdout.write(
    `[scale ${new Date().toISOString().slice(11, 19)}] ${line}\n`,
  );

function figure(m: Measured, postgres: boolean) {
  if ('absent' in m) {
    return `absent (${m.absent})`;
  }
  const target = postgres
    ? `  target p95 < ${TARGET_P95_MS} ms: ${
        m.p95 < TARGET_P95_MS ? 'met' : 'NOT met'
      }`
    : '';
  return `median ${m.median} ms, p95 ${m.p95} ms, max ${m.max} ms (${Math.round(
    m.bytes / 1024,
  )} KiB, ${Math.round(
    m.bytesOnWire / 1024,
  )} KiB sent)${target}; in-process supertest: median ${
    m.inProcess.median
  } ms, p95 ${m.inProcess.p95} ms`;
}

describe('scale benchmark', () => {
  afterAll(async () => {
    await fs.mkdir(OUT, { recursive: true });
    await fs.writeFile(
      path.join(OUT, 'scale.json'),
      JSON.stringify(results, null, 2),
    );
    progress(`results in ${path.join(OUT, 'scale.json')}`);
  });

  it.each(databases.eachSupportedId())(
    'serves an organisation (1,000,000 runs, 1,000 tenants, 3 years of costs) on %p',
    async (databaseId: TestDatabaseId) => {
      const postgres = databaseId.startsWith('POSTGRES');
      progress(
        `${databaseId}: seeding ${sizes.tenants} tenants, ${sizes.runs} runs, ${
          sizes.days
        } days of cost rows (${
          sizes.days * sizes.tenants * COST_ROWS_PER_DAY
        } rows)`,
      );
      const knex = await migrated(await databases.init(databaseId));
      const seeded = await seedScale(knex, sizes, progress);
      // The organisation is the size it should be (the figures are not asserted).
      const count = async (table: string) =>
        Number((await knex(table).count({ n: '*' }))[0].n);
      expect(await count('emr_job_runs')).toBe(sizes.runs);
      expect(await count('emr_cost_daily')).toBe(
        sizes.days * sizes.tenants * COST_ROWS_PER_DAY,
      );
      const tables = await tableSizes(knex);
      progress(`${databaseId}: tables ${JSON.stringify(tables, null, 1)}`);

      const config = testConfig();
      (config.emrOnEks as any).costs = {
        duckdb: { curPath: 'unused/*.csv', kubecostPath: 'unused/*.csv' },
        maxRangeDays: 1100,
      };
      const production = withProductionMiddleware();
      let backend: Awaited<ReturnType<typeof startEmrOnEksBackend>>;
      try {
        backend = await startEmrOnEksBackend(
          config,
          [
            createServiceFactory({
              service: coreServices.database,
              deps: {},
              factory: () =>
                mockServices.database({ knex, migrations: { skip: true } }),
            }),
          ],
          createEmrOnEksPlugin({
            createCostSources: async () => ({
              uplift: {
                uplift: async () => ({ rows: [], completeThrough: null }),
              },
              compute: { source: 'kubecost', compute: async () => [] },
              close: async () => {},
            }),
          }),
        );
      } finally {
        production.restore();
      }
      const { server } = backend;
      const authorization = {
        alice: mockCredentials.user.header(USERS.alice),
        admin: mockCredentials.user.header(USERS.admin),
      };
      const as = {
        alice: getter(server, authorization.alice),
        admin: getter(server, authorization.admin),
      };
      const client = RemoteClient.start(
        `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      );
      // alice sees full pages of her team's tenant and its entities.
      const runs = await as.alice(
        `/job-runs?entityRef=${encodeURIComponent(runEntityRef(0, 3))}`,
      );
      // The production middleware is in front: a page is gzipped.
      expect(runs.headers['content-encoding']).toBe('gzip');
      expect(runs.body.items).toHaveLength(
        Math.min(
          50,
          Math.floor(sizes.runs / sizes.tenants / sizes.entitiesPerTenant),
        ),
      );
      const year = await as.alice(
        `/tenants/${tenantName(0)}/costs?from=${addDays(
          seeded.lastDay,
          -364,
        )}&to=${seeded.lastDay}&groupBy=day`,
      );
      expect(year.body.rows).toHaveLength(Math.min(365, sizes.days));

      const figures: Record<string, Measured> = {};
      const sqlAlone: Record<string, ReturnType<typeof percentiles>> = {};
      const serverMs: Record<string, number> = {};
      const plans: string[] = [
        `# ${databaseId}: plans of every statement of each page`,
        `# ${sizes.tenants} tenants, ${sizes.runs} job runs, cost rows ${seeded.firstDay}..${seeded.lastDay}`,
        `# ${new Date().toISOString()}, ${os.cpus().length} x ${
          os.cpus()[0]?.model
        }, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load average ${os
          .loadavg()
          .map(l => l.toFixed(1))
          .join(' ')}`,
        '',
      ];
      for (const endpoint of scaleEndpoints(seeded.lastDay)) {
        const get = as[endpoint.user];
        const url =
          typeof endpoint.path === 'string'
            ? endpoint.path
            : await endpoint.path(get);
        const measured = await measure(get, url, SAMPLES, {
          client,
          authorization: authorization[endpoint.user],
        });
        figures[endpoint.name] = measured;
        if (PROFILE && endpoint.name.includes(PROFILE)) {
          const file = path.join(OUT, `profile-${databaseId}.cpuprofile`);
          const top = await profiled(file, () =>
            client.measure(
              `/api/emr-on-eks${url}`,
              authorization[endpoint.user],
              SAMPLES,
              0,
            ),
          );
          progress(
            `${databaseId}: profile of ${endpoint.name} in ${file}:\n${top}`,
          );
        }
        progress(
          `${databaseId}: ${endpoint.name}: ${figure(measured, postgres)}`,
        );
        if (!('absent' in measured)) {
          const { queries } = await captureQueries(knex, () => get(url));
          sqlAlone[endpoint.name] = await replay(knex, queries, SAMPLES);
          progress(
            `${databaseId}:   of which its ${
              queries.length
            } statements alone: median ${
              sqlAlone[endpoint.name].median
            } ms, p95 ${sqlAlone[endpoint.name].p95} ms`,
          );
          const explained = await explainAll(
            knex,
            `${endpoint.name} (${endpoint.user}: ${url})`,
            queries,
          );
          plans.push(explained.text);
          if (explained.serverMs !== undefined) {
            serverMs[endpoint.name] = explained.serverMs;
          }
        }
      }
      client.stop();
      await backend.stop();

      const text = plans.join('\n');
      process.stdout.write(`\n${text}\n`);
      await fs.mkdir(OUT, { recursive: true });
      const file = path.join(OUT, `explain-${databaseId}.txt`);
      await fs.writeFile(file, text);
      progress(`${databaseId}: plans in ${file}`);

      results[databaseId] = {
        sizes,
        costRows: `${seeded.firstDay}..${seeded.lastDay}`,
        seedSeconds: seeded.seconds,
        tables,
        samples: SAMPLES,
        machine: `${os.cpus().length} x ${
          os.cpus()[0]?.model
        }, load average at the end ${os
          .loadavg()
          .map(l => l.toFixed(1))
          .join(' ')}`,
        target: postgres ? `p95 < ${TARGET_P95_MS} ms` : 'none (PostgreSQL’s)',
        figures,
        'statements alone (no HTTP, no permission check)': sqlAlone,
        'statements executing in the server (EXPLAIN ANALYZE, ms)': serverMs,
      };
      process.stdout.write(
        `\n${databaseId} at ${sizes.runs} runs / ${
          sizes.tenants
        } tenants:\n${Object.entries(figures)
          .map(
            ([name, m]) =>
              `  ${name}: ${figure(m, postgres)}${
                sqlAlone[name]
                  ? ` (statements alone: median ${sqlAlone[name].median} ms, p95 ${sqlAlone[name].p95} ms)`
                  : ''
              }`,
          )
          .join('\n')}\n`,
      );
    },
  );
});
