import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ComputeRow, SqlRunner } from './CostSources';
import { DuckDbSqlRunner, sqlStringLiteral } from './DuckDbSqlRunner';
import {
  KubecostExportComputeSource,
  createKubecostExportSource,
  kubecostExportQuery,
} from './KubecostExportSource';

/*
 * __fixtures__/kubecost-export/allocations.csv: the same runs as the CUR
 * fixtures (virtual cluster A = a1b2c3d4e5f6g7h8i9j0k1l2m in team-alpha, B =
 * 0012345678901234567890123 in team-beta), plus idle and unallocated costs,
 * and rows on 2026-02-28 and 2026-03-03 outside the range.
 */
const fixture = path.join(
  __dirname,
  '__fixtures__',
  'kubecost-export',
  'allocations.csv',
);
const range = { from: '2026-03-01', to: '2026-03-02' };
const vcA = 'a1b2c3d4e5f6g7h8i9j0k1l2m';
const vcB = '0012345678901234567890123';
const job = (n: number) => `000000034abcdefg00${n}`;

const round = (amount: number) => Math.round(amount * 1e6) / 1e6;
const rounded = (rows: ComputeRow[]) =>
  rows.map(row => ({ ...row, amount: round(row.amount) }));

const row = (
  fields: Pick<
    ComputeRow,
    | 'date'
    | 'allocation'
    | 'namespace'
    | 'virtualClusterId'
    | 'emrJobRunId'
    | 'category'
    | 'capacityType'
    | 'amount'
  >,
): ComputeRow => ({
  ...fields,
  onDemandAmount: null,
  vcpuHours: null,
  gbHours: null,
});

/** In the query's order: day, allocation, namespace, cluster, job, capacity. */
const expected: ComputeRow[] = [
  // __idle__ On-Demand 0.5 and Spot 0.2: reported, charged to nobody
  row({
    date: '2026-03-01',
    allocation: 'idle',
    namespace: null,
    virtualClusterId: null,
    emrJobRunId: null,
    category: 'compute',
    capacityType: 'on-demand',
    amount: 0.5,
  }),
  row({
    date: '2026-03-01',
    allocation: 'idle',
    namespace: null,
    virtualClusterId: null,
    emrJobRunId: null,
    category: 'compute',
    capacityType: 'spot',
    amount: 0.2,
  }),
  // job1 driver On-Demand: total 0.075 - pv 0.01 = 0.065, storage 0.01
  row({
    date: '2026-03-01',
    allocation: 'job',
    namespace: 'team-alpha',
    virtualClusterId: vcA,
    emrJobRunId: job(1),
    category: 'compute',
    capacityType: 'on-demand',
    amount: 0.065,
  }),
  row({
    date: '2026-03-01',
    allocation: 'job',
    namespace: 'team-alpha',
    virtualClusterId: vcA,
    emrJobRunId: job(1),
    category: 'storage',
    capacityType: 'on-demand',
    amount: 0.01,
  }),
  // job1 executors on Spot: (0.05 - 0) + (0.032 - 0.002) = 0.08, storage 0.002
  row({
    date: '2026-03-01',
    allocation: 'job',
    namespace: 'team-alpha',
    virtualClusterId: vcA,
    emrJobRunId: job(1),
    category: 'compute',
    capacityType: 'spot',
    amount: 0.08,
  }),
  row({
    date: '2026-03-01',
    allocation: 'job',
    namespace: 'team-alpha',
    virtualClusterId: vcA,
    emrJobRunId: job(1),
    category: 'storage',
    capacityType: 'spot',
    amount: 0.002,
  }),
  // job2 before midnight: 0.06 (no PV, so no storage row)
  row({
    date: '2026-03-01',
    allocation: 'job',
    namespace: 'team-alpha',
    virtualClusterId: vcA,
    emrJobRunId: job(2),
    category: 'compute',
    capacityType: 'spot',
    amount: 0.06,
  }),
  // job3 of the other virtual cluster, returned with its id (leading zeros kept)
  row({
    date: '2026-03-01',
    allocation: 'job',
    namespace: 'team-beta',
    virtualClusterId: vcB,
    emrJobRunId: job(3),
    category: 'compute',
    capacityType: 'on-demand',
    amount: 0.1,
  }),
  // a pod of team-alpha without a job id: 0.008
  row({
    date: '2026-03-01',
    allocation: 'namespace',
    namespace: 'team-alpha',
    virtualClusterId: null,
    emrJobRunId: null,
    category: 'compute',
    capacityType: 'on-demand',
    amount: 0.008,
  }),
  // __unallocated__ (0.03) and a pod of no namespace (0.004): 0.034
  row({
    date: '2026-03-01',
    allocation: 'unallocated',
    namespace: null,
    virtualClusterId: null,
    emrJobRunId: null,
    category: 'compute',
    capacityType: 'on-demand',
    amount: 0.034,
  }),
  // job2 after midnight: 0.024
  row({
    date: '2026-03-02',
    allocation: 'job',
    namespace: 'team-alpha',
    virtualClusterId: vcA,
    emrJobRunId: job(2),
    category: 'compute',
    capacityType: 'spot',
    amount: 0.024,
  }),
];

describe('KubecostExportComputeSource', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kubecost-export-'));
    // The same export as Parquet with typed columns.
    const runner = await DuckDbSqlRunner.create();
    try {
      const costs = [
        'cpu_cost',
        'ram_cost',
        'pv_cost',
        'network_cost',
        'total_cost',
      ]
        .map(column => `CAST(${column} AS DOUBLE) AS ${column}`)
        .join(', ');
      await runner.query(
        `COPY (SELECT * REPLACE (CAST("date" AS DATE) AS "date", ${costs})
           FROM read_csv(${sqlStringLiteral(
             fixture,
           )}, header = true, all_varchar = true))
         TO ${sqlStringLiteral(
           path.join(dir, 'allocations.parquet'),
         )} (FORMAT parquet)`,
        [],
      );
    } finally {
      await runner.close();
    }
  });

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['CSV', () => fixture],
    ['Parquet', () => path.join(dir, '*.parquet')],
  ])(
    'aggregates a %s export, idle and unallocated included',
    async (_format, file) => {
      const { compute, close } = await createKubecostExportSource({
        kubecostPath: file(),
      });
      try {
        expect(compute.source).toBe('kubecost');
        const rows = await compute.compute(range);
        expect(rounded(rows)).toEqual(expected);
        // Compute plus storage is the export's total_cost in the range:
        // 0.075 + 0.05 + 0.032 + 0.06 + 0.024 + 0.1 + 0.008 + 0.5 + 0.2 + 0.03 + 0.004 = 1.083
        expect(round(rows.reduce((sum, r) => sum + r.amount, 0))).toBe(1.083);
      } finally {
        await close();
      }
    },
  );

  it('leaves out the days outside the range', async () => {
    const { compute, close } = await createKubecostExportSource({
      kubecostPath: fixture,
    });
    try {
      // 2026-03-03: job4's driver, total 0.7
      expect(
        rounded(
          await compute.compute({ from: '2026-03-03', to: '2026-03-31' }),
        ),
      ).toEqual([
        row({
          date: '2026-03-03',
          allocation: 'job',
          namespace: 'team-alpha',
          virtualClusterId: vcA,
          emrJobRunId: job(4),
          category: 'compute',
          capacityType: 'on-demand',
          amount: 0.7,
        }),
      ]);
      await expect(
        compute.compute({ from: '2026-04-01', to: '2026-04-30' }),
      ).resolves.toEqual([]);
    } finally {
      await close();
    }
  });

  it('names the config key when files are missing or lack columns', async () => {
    await expect(
      createKubecostExportSource({
        kubecostPath: path.join(dir, 'none', '*.csv'),
      }),
    ).rejects.toThrow(/^emrOnEks\.costs\.duckdb\.kubecostPath: no files match/);
    const wrong = path.join(dir, 'wrong.csv');
    await fs.writeFile(
      wrong,
      'date,namespace,pod,total_cost\n2026-03-01,a,b,1\n',
    );
    await expect(
      createKubecostExportSource({ kubecostPath: wrong }),
    ).rejects.toThrow(
      /^emrOnEks\.costs\.duckdb\.kubecostPath: the files lack columns job_id, virtual_cluster_id, spark_role, capacity_type, cpu_cost, ram_cost, pv_cost, network_cost/,
    );
  });

  it.each([
    ['1e400', 'Infinity'],
    ['NaN', 'NaN'],
    ['-inf', '-Infinity'],
  ])(
    'refuses a total_cost of %s, naming the source and the field',
    async (value, seen) => {
      const file = path.join(dir, `bad-${seen}.csv`);
      await fs.writeFile(
        file,
        [
          'date,namespace,pod,job_id,virtual_cluster_id,spark_role,capacity_type,cpu_cost,ram_cost,pv_cost,network_cost,total_cost',
          '2026-03-01,team-alpha,driver,job1,vc1,driver,spot,0.1,0.1,0,0,0.2',
          `2026-03-02,team-alpha,driver,job1,vc1,driver,spot,0.1,0.1,0,0,${value}`,
        ].join('\n'),
      );
      const { compute, close } = await createKubecostExportSource({
        kubecostPath: file,
      });
      try {
        await expect(
          compute.compute({ from: '2026-03-01', to: '2026-03-02' }),
        ).rejects.toThrow(
          `emrOnEks.costs.duckdb.kubecostPath: total_cost - pv_cost of 2026-03-02 is not a finite number (the text "${seen}")`,
        );
      } finally {
        await close();
      }
    },
  );

  it('refuses a cost that is text, naming the column', async () => {
    const file = path.join(dir, 'text-cost.csv');
    await fs.writeFile(
      file,
      [
        'date,namespace,pod,job_id,virtual_cluster_id,spark_role,capacity_type,cpu_cost,ram_cost,pv_cost,network_cost,total_cost',
        '2026-03-01,team-alpha,driver,job1,vc1,driver,spot,0.1,0.1,0,0,twelve',
      ].join('\n'),
    );
    const { compute, close } = await createKubecostExportSource({
      kubecostPath: file,
    });
    try {
      await expect(
        compute.compute({ from: '2026-03-01', to: '2026-03-01' }),
      ).rejects.toThrow(/twelve.*total_cost|total_cost.*twelve/);
    } finally {
      await close();
    }
  });

  it('never writes parameter values into the SQL text', async () => {
    const runner = await DuckDbSqlRunner.create();
    try {
      await runner.registerFileView(
        'allocations',
        fixture,
        'emrOnEks.costs.duckdb.kubecostPath',
      );
      const sent: Array<{ sql: string; parameters: string[] }> = [];
      const recording: SqlRunner = {
        query: (sql, parameters, options) => {
          sent.push({ sql, parameters });
          return runner.query(sql, parameters, options);
        },
      };
      const source = new KubecostExportComputeSource({
        runner: recording,
        from: 'allocations',
      });
      const hostile = {
        from: "'; DROP VIEW allocations; --",
        to: "2026-03-02' OR '1'='1",
      };
      await expect(source.compute(hostile)).rejects.toThrow(/Conversion Error/);
      expect(sent).toHaveLength(1);
      expect(sent[0].sql).not.toContain('DROP');
      expect(sent[0].sql).not.toContain("'1'='1");
      expect(sent[0].parameters).toEqual([hostile.from, hostile.to]);
      await expect(
        runner.query('SELECT count(*) AS n FROM allocations', []),
      ).resolves.toEqual([{ n: '13' }]);
    } finally {
      await runner.close();
    }
    expect(() =>
      kubecostExportQuery('allocations; DROP VIEW x', range),
    ).toThrow(/target/);
  });
});
