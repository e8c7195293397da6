import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { addCostDays, costDays } from '@spot-spark/plugin-emr-on-eks-common';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import request from 'supertest';
import { spec, testConfig } from '../__testUtils__/fixtures';
import { migrated } from '../__testUtils__/database';
import { startEmrOnEksBackend, USERS } from '../__testUtils__/testBackend';
import { createEmrOnEksPlugin } from '../plugin';
import { TenantStore } from '../stores/TenantStore';
import { measureGet, round } from './stats';
import { benchDuckDbRollup } from './costRollup';

/*
 * `npm run bench`, chargeback: prints figures, asserts no timings.
 * - GET /tenants/:name/costs over a year of daily rows of 200 tenants
 *   (5 rows a tenant a day: 365,000 rows), median and p95 through HTTP with
 *   permissions, on SQLite and PostgreSQL. Target: p95 under 10 ms.
 * - The DuckDB rollup over 1,000,000 and 10,000,000 CUR rows plus
 *   1,000,000 Kubecost rows, with peak memory. Targets: 3 s and 20 s.
 */

jest.setTimeout(60 * 60_000);

const TENANTS = Number(process.env.COST_BENCH_TENANTS ?? 200);
const YEAR = costDays('2026-01-01', '2026-12-31');
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const results: Record<string, unknown> = {};

const tenantName = (i: number) => `team-${String(i).padStart(3, '0')}`;

async function seed(databaseId: 'SQLITE_3' | 'POSTGRES_15') {
  const knex = await databases.init(databaseId);
  const tenants = new TenantStore(await migrated(knex));
  const started = performance.now();
  const batch: object[] = [];
  const flush = async () => {
    await knex('emr_cost_daily').insert(batch.splice(0));
  };
  for (let t = 0; t < TENANTS; t++) {
    const name = tenantName(t);
    const { uid } = await tenants.insertTenant({
      spec: spec({
        name,
        owner: t === 0 ? 'group:default/team-a' : `group:default/${name}`,
      }),
      createdBy: 'bench',
    });
    for (const [d, date] of YEAR.entries()) {
      const job = `job${t}x${d % 3}`;
      const base = {
        date,
        tenant: name,
        tenant_uid: uid,
        virtual_cluster_id: `vc${t}`,
        emr_job_run_id: job,
        job_run_id: null,
        job_name: `daily-${d % 3}`,
        entity_ref: `component:default/${name}-job-${d % 3}`,
        amount_low: null,
        amount_high: null,
        on_demand_amount: null,
        currency: 'USD',
        estimated: false,
      };
      batch.push(
        {
          ...base,
          category: 'emr-uplift',
          capacity_type: 'unknown',
          amount: 0.4,
          source: 'cur',
        },
        {
          ...base,
          category: 'compute',
          capacity_type: 'spot',
          amount: 1.1,
          on_demand_amount: 3.2,
          source: 'kubecost',
        },
        {
          ...base,
          category: 'compute',
          capacity_type: 'on-demand',
          amount: 0.7,
          source: 'kubecost',
        },
        {
          ...base,
          category: 'storage',
          capacity_type: 'unknown',
          amount: 0.05,
          source: 'kubecost',
        },
        {
          ...base,
          emr_job_run_id: `${job}b`,
          category: 'emr-uplift',
          capacity_type: 'unknown',
          amount: 0.2,
          source: 'cur',
        },
      );
      if (batch.length >= 400) {
        await flush();
      }
    }
  }
  await flush();
  await knex('emr_cost_days').insert(
    YEAR.map(date => ({ date, billed: true, refreshed_at: new Date() })),
  );
  if (databaseId.startsWith('POSTGRES')) {
    await knex.raw('ANALYZE emr_cost_daily');
  }
  return { knex, seedSeconds: round((performance.now() - started) / 1000) };
}

describe('chargeback benchmark', () => {
  afterAll(async () => {
    const file = path.resolve(__dirname, '../../../../.data/bench-costs.json');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, JSON.stringify(results, null, 2));
    process.stdout.write(
      `\nchargeback benchmark (also in .data/bench-costs.json):\n${JSON.stringify(
        results,
        null,
        2,
      )}\n`,
    );
  });

  it.each(databases.eachSupportedId())(
    'reads a year of daily rows of 200 tenants on %p',
    async databaseId => {
      const { knex, seedSeconds } = await seed(
        databaseId as 'SQLITE_3' | 'POSTGRES_15',
      );
      const config = testConfig();
      (config.emrOnEks as any).costs = {
        duckdb: { curPath: 'unused/*.csv', kubecostPath: 'unused/*.csv' },
      };
      const { server } = await startEmrOnEksBackend(
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
      const alice = mockCredentials.user.header(USERS.alice);
      const base = '/api/emr-on-eks/tenants/team-000/costs';
      const year = await request(server)
        .get(`${base}?from=2026-01-01&to=2026-12-31&groupBy=day`)
        .set('Authorization', alice);
      expect(year.body.rows).toHaveLength(365);
      // 365 days x (0.4 + 1.1 + 0.7 + 0.05 + 0.2)
      expect(year.body.total).toBeCloseTo(365 * 2.45, 6);
      const entity = `component:default/${tenantName(0)}-job-1`;
      results[`costs.${databaseId}`] = {
        rows: TENANTS * YEAR.length * 5,
        tenants: TENANTS,
        seedSeconds,
        'GET /tenants/:name/costs a year by day, ms': await measureGet(
          server,
          `${base}?from=2026-01-01&to=2026-12-31&groupBy=day`,
          alice,
        ),
        'GET /tenants/:name/costs 30 days by day,category,capacityType, ms':
          await measureGet(
            server,
            `${base}?from=${addCostDays(
              '2026-12-31',
              -29,
            )}&to=2026-12-31&groupBy=day,category,capacityType`,
            alice,
          ),
        'GET /tenants/:name/costs a year by job, ms': await measureGet(
          server,
          `${base}?from=2026-01-01&to=2026-12-31&groupBy=job`,
          alice,
        ),
        'GET /tenants/:name (for comparison), ms': await measureGet(
          server,
          '/api/emr-on-eks/tenants/team-000',
          alice,
        ),
        'GET /costs?entityRef= 90 days by day, ms': await measureGet(
          server,
          `/api/emr-on-eks/costs?entityRef=${encodeURIComponent(
            entity,
          )}&from=2026-10-03&to=2026-12-31`,
          alice,
        ),
        target: 'p95 < 10 ms',
      };
    },
  );

  it.each([1_000_000, 10_000_000])(
    'rolls up %p CUR rows and 1,000,000 Kubecost rows in DuckDB',
    async curRows => {
      results[`duckdbRollup.${curRows}`] = await benchDuckDbRollup({
        curRows,
        kubecostRows: 1_000_000,
      });
    },
  );
});
