import { mockCredentials } from '@backstage/backend-test-utils';
import { addCostDays } from '@spot-spark/plugin-emr-on-eks-common';
import type { JsonObject } from '@backstage/types';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { DAILY_SALES, TEAM_A, testConfig } from './__testUtils__/fixtures';
import { MemoryCluster } from './__testUtils__/memoryGateways';
import {
  startEmrOnEksBackend,
  USERS,
  waitForTenant,
} from './__testUtils__/testBackend';
import { createEmrOnEksPlugin } from './plugin';
import { asOf } from './__testUtils__/timeTravel';
import { BASE } from './__testUtils__/apiWorld';

/*
 * Chargeback end to end on the embedded engine: the real plugin with the
 * `duckdb` sources of `emrOnEks.costs` over CUR and Kubecost CSV files in a
 * temporary directory. The files are written after the backend started, as
 * `npm start` does, and a later CUR file corrects an estimate.
 */

jest.setTimeout(60_000);

const ADMIN = mockCredentials.user.header(USERS.admin);
const ALICE = mockCredentials.user.header(USERS.alice);
const TODAY = new Date().toISOString().slice(0, 10);
const D1 = addCostDays(TODAY, -2);
const D2 = addCostDays(TODAY, -1);

const CUR_HEADER =
  'line_item_usage_start_date,line_item_usage_end_date,line_item_product_code,line_item_operation,line_item_usage_type,line_item_resource_id,line_item_unblended_cost,line_item_net_unblended_cost,product_product_family,split_line_item_parent_resource_id,split_line_item_split_cost,split_line_item_unused_cost,resource_tags_user_emr_containers_amazonaws_com_job_id,resource_tags_user_emr_containers_amazonaws_com_virtual_cluster_id';
const KUBECOST_HEADER =
  'date,namespace,pod,job_id,virtual_cluster_id,spark_role,capacity_type,cpu_cost,ram_cost,pv_cost,network_cost,total_cost';

function uplift(
  day: string,
  hour: number,
  vc: string,
  job: string,
  cost: number,
) {
  const start = `${day}T${String(hour).padStart(2, '0')}:00:00Z`;
  return `${start},${start},ElasticMapReduce,StartJobRun,USE1-EMR-EKS-EC2-vCPUHours,arn:aws:emr-containers:us-east-1:123456789012:/virtualclusters/${vc}/jobruns/${job},${cost},${cost},EMR Containers,,,,,`;
}

describe('chargeback on DuckDB over local files', () => {
  it('rolls up files written after start, and the bill replaces the estimate', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'emr-costs-'));
    await fs.mkdir(path.join(dir, 'cur'));
    await fs.mkdir(path.join(dir, 'kubecost'));
    const config = testConfig();
    (config.emrOnEks as JsonObject).costs = {
      uplift: 'duckdb',
      compute: 'duckdb',
      duckdb: {
        curPath: path.join(dir, 'cur', '*.csv'),
        kubecostPath: path.join(dir, 'kubecost', '*.csv'),
      },
      rates: { 'us-east-1': { vcpuHour: 0.01012, gbHour: 0.00111125 } },
    };
    const cluster = new MemoryCluster();
    const { server } = await startEmrOnEksBackend(
      config,
      [],
      createEmrOnEksPlugin({ createGateways: () => cluster }),
    );
    const api = () => request(server);

    // No files yet: the refresh fails with the config key, and stores nothing.
    const early = await api()
      .post(`${BASE}/costs/refresh?from=${D1}&to=${TODAY}`)
      .set('Authorization', ADMIN);
    expect(early.status).toBe(503);
    expect(early.body.error.message).toMatch(
      /emrOnEks\.costs\.duckdb\.(curPath|kubecostPath): no files match/,
    );

    // Onboarded the day before the bill starts.
    const tenant = await asOf(
      new Date(`${addCostDays(D1, -1)}T09:00:00Z`),
      async () => {
        await api()
          .post(`${BASE}/tenants`)
          .set('Authorization', ALICE)
          .send(TEAM_A)
          .expect(202);
        return waitForTenant(server, 'team-a', ['Ready'], ADMIN);
      },
    );
    const vc = tenant.status.virtualClusterId as string;
    const ns = tenant.status.namespace as string;
    const run = (
      await api()
        .post(`${BASE}/tenants/team-a/job-runs`)
        .set('Authorization', ALICE)
        .send({
          ...DAILY_SALES,
          executor: { ...DAILY_SALES.executor, maxExecutors: 10 },
        })
        .expect(201)
    ).body;

    // The bill covers D1 (the latest usage day, D2, may still grow).
    await fs.writeFile(
      path.join(dir, 'cur', 'cur-1.csv'),
      [
        CUR_HEADER,
        uplift(D1, 10, vc, run.emrJobRunId, 0.25),
        uplift(D1, 23, vc, run.emrJobRunId, 0.5),
        uplift(D2, 0, vc, run.emrJobRunId, 0.125),
        uplift(D1, 9, 'foreignvirtualcluster0000', 'otherjob0000000001', 99),
      ].join('\n'),
    );
    await fs.writeFile(
      path.join(dir, 'kubecost', 'allocations.csv'),
      [
        KUBECOST_HEADER,
        `${D1},${ns},spark-driver,${run.emrJobRunId},${vc},driver,on-demand,0.2,0.1,0.0,0.0,0.3`,
        `${D1},${ns},spark-exec-1,${run.emrJobRunId},${vc},executor,spot,0.5,0.25,0.25,0.0,1.0`,
        `${D1},,__idle__,,,,spot,0.4,0.1,0.0,0.0,0.5`,
      ].join('\n'),
    );
    const refreshed = await api()
      .post(`${BASE}/costs/refresh?from=${D1}&to=${TODAY}`)
      .set('Authorization', ADMIN);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({
      completeThrough: D1,
      unallocatedRows: 1,
    });

    const report = await api()
      .get(
        `${BASE}/tenants/team-a/costs?from=${D1}&to=${D1}&groupBy=category,capacityType`,
      )
      .set('Authorization', ALICE)
      .expect(200);
    // Uplift 0.25 + 0.5; compute On-Demand 0.3; Spot 1.0 - 0.25 PV = 0.75;
    // storage 0.25. Largest first; ties by category.
    expect(report.body.total).toBeCloseTo(2.05, 10);
    expect(report.body.rows).toEqual([
      {
        category: 'compute',
        capacityType: 'spot',
        amount: 0.75,
        estimated: false,
      },
      {
        category: 'emr-uplift',
        capacityType: 'unknown',
        amount: 0.75,
        estimated: false,
      },
      {
        category: 'compute',
        capacityType: 'on-demand',
        amount: expect.closeTo(0.3, 10),
        estimated: false,
      },
      {
        category: 'storage',
        capacityType: 'spot',
        amount: 0.25,
        estimated: false,
      },
    ]);
    // Today is not billed: the run's estimate.
    const today = await api()
      .get(`${BASE}/tenants/team-a/costs?from=${TODAY}&to=${TODAY}`)
      .set('Authorization', ALICE)
      .expect(200);
    expect(today.body.estimatedTotal).toBeGreaterThan(0);

    // The bill lands for D2 and today: a second file, the same glob.
    await fs.writeFile(
      path.join(dir, 'cur', 'cur-2.csv'),
      [
        CUR_HEADER,
        uplift(TODAY, 0, vc, run.emrJobRunId, 0.0625),
        uplift(addCostDays(TODAY, 1), 0, vc, run.emrJobRunId, 0),
      ].join('\n'),
    );
    await api()
      .post(`${BASE}/costs/refresh?from=${D1}&to=${TODAY}`)
      .set('Authorization', ADMIN)
      .expect(200);
    const billed = await api()
      .get(`${BASE}/tenants/team-a/costs?from=${D2}&to=${TODAY}&groupBy=day`)
      .set('Authorization', ALICE)
      .expect(200);
    expect(billed.body).toMatchObject({
      completeThrough: TODAY,
      estimatedTotal: 0,
      rows: [
        { date: D2, amount: 0.125, estimated: false },
        { date: TODAY, amount: 0.0625, estimated: false },
      ],
    });
    const summary = await api()
      .get(`${BASE}/costs/summary?from=${D1}&to=${TODAY}`)
      .set('Authorization', ADMIN)
      .expect(200);
    expect(summary.body.rows).toContainEqual({
      tenant: '__idle__',
      tenantUid: null,
      offboarded: false,
      amount: 0.5,
      estimated: false,
    });
    // The foreign virtual cluster's 99: billed, so kept, but nobody's.
    expect(summary.body.rows).toContainEqual({
      tenant: '__unallocated__',
      tenantUid: null,
      offboarded: false,
      amount: 99,
      estimated: false,
    });
    expect(summary.body.estimateAccuracy).toEqual([
      {
        tenant: 'team-a',
        tenantUid: tenant.uid,
        offboarded: false,
        estimated: expect.closeTo(today.body.estimatedTotal, 10),
        actual: expect.closeTo(0.0625, 10),
      },
    ]);

    // A Kubecost export with an infinite cost: refused, naming the source
    // and the field, and the rollup keeps what it had.
    await fs.writeFile(
      path.join(dir, 'kubecost', 'allocations-2.csv'),
      [
        KUBECOST_HEADER,
        `${D2},${ns},spark-driver,${run.emrJobRunId},${vc},driver,on-demand,0.2,0.1,0.0,0.0,1e400`,
      ].join('\n'),
    );
    const refused = await api()
      .post(`${BASE}/costs/refresh?from=${D1}&to=${TODAY}`)
      .set('Authorization', ADMIN);
    expect(refused.status).toBe(503);
    expect(refused.body.error.message).toContain(
      `emrOnEks.costs.duckdb.kubecostPath: total_cost - pv_cost of ${D2} is not a finite number (the text "Infinity")`,
    );
    const after = await api()
      .get(`${BASE}/costs/summary?from=${D1}&to=${TODAY}`)
      .set('Authorization', ADMIN)
      .expect(200);
    expect(after.body).toEqual(summary.body);
    await fs.rm(dir, { recursive: true, force: true });
  });
});
