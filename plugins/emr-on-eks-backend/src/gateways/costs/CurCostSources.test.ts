import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CurCostColumn } from '../../domain/costs/curQueries';
import type { ComputeRow, SqlRunner, UpliftRow } from './CostSources';
import {
  CurSplitComputeSource,
  CurUpliftSource,
  createDuckDbCurSources,
  type DuckDbCurSources,
} from './CurCostSources';
import { DuckDbSqlRunner, sqlStringLiteral } from './DuckDbSqlRunner';

/*
 * The fixtures (__fixtures__/cur/legacy.csv and cur2.csv) hold the same bill
 * in the two layouts. Account 111122223333, us-east-1:
 * - virtual cluster A = a1b2c3d4e5f6g7h8i9j0k1l2m (namespace team-alpha),
 *   virtual cluster B = 0012345678901234567890123 (team-beta; digits with
 *   leading zeros, which must stay text);
 * - job1 = 000000034abcdefg001, job2 = ...002 (runs over midnight UTC),
 *   job3 = ...003 (of B), job0 = ...000 (on 2026-02-28, outside the range);
 * - instances i-0od... (BoxUsage: On-Demand), i-0spot... (SpotUsage),
 *   i-0gone... (no usage line: unknown);
 * - the latest usage line is on 2026-03-03, so the bill is complete
 *   through 2026-03-02.
 * cur2.csv also has the public On-Demand columns and net split costs; the
 * legacy file has neither.
 */
const fixtures = path.join(__dirname, '__fixtures__', 'cur');
const range = { from: '2026-03-01', to: '2026-03-02' };
const vcA = 'a1b2c3d4e5f6g7h8i9j0k1l2m';
const vcB = '0012345678901234567890123';
const job = (n: number) => `000000034abcdefg00${n}`;

const round = (amount: number) => Math.round(amount * 1e6) / 1e6;
const roundedUplift = (rows: UpliftRow[]) =>
  rows.map(row => ({ ...row, amount: round(row.amount) }));
const roundedCompute = (rows: ComputeRow[]) =>
  rows.map(row => ({
    ...row,
    amount: round(row.amount),
    onDemandAmount:
      row.onDemandAmount === null ? null : round(row.onDemandAmount),
  }));

/** Uplift in the range, in the query's order (day, virtual cluster, job). */
const expectedUplift = (net: boolean): UpliftRow[] => [
  // job3 of B at 12:00: 0.40 (net 0.36)
  {
    date: '2026-03-01',
    virtualClusterId: vcB,
    emrJobRunId: job(3),
    amount: net ? 0.36 : 0.4,
  },
  // job1 at 10:00 and 11:00: 0.50 + 0.25 = 0.75 (net 0.45 + 0.20 = 0.65);
  // the ARN with a /extra suffix (7.77), the EMR on EC2 cluster (9.99) and
  // the EC2 line with a job-run ARN (3.33) are no uplift.
  {
    date: '2026-03-01',
    virtualClusterId: vcA,
    emrJobRunId: job(1),
    amount: net ? 0.65 : 0.75,
  },
  // job2 at 23:00: 0.30 (net 0.27) ...
  {
    date: '2026-03-01',
    virtualClusterId: vcA,
    emrJobRunId: job(2),
    amount: net ? 0.27 : 0.3,
  },
  // ... and at 00:00 the next day: 0.10 (net 0.09)
  {
    date: '2026-03-02',
    virtualClusterId: vcA,
    emrJobRunId: job(2),
    amount: net ? 0.09 : 0.1,
  },
  // job0 on 2026-02-28 (5.00) is outside the range.
];

const computeRow = (
  row: Pick<
    ComputeRow,
    | 'date'
    | 'allocation'
    | 'namespace'
    | 'virtualClusterId'
    | 'emrJobRunId'
    | 'capacityType'
    | 'amount'
    | 'onDemandAmount'
  >,
): ComputeRow => ({
  ...row,
  category: 'compute',
  vcpuHours: null,
  gbHours: null,
});

/**
 * Compute in the range, in the query's order (day, namespace, virtual
 * cluster, job, capacity). `onDemand` false: the bill has no public
 * On-Demand columns. `netSplit`: net split costs where the bill has them.
 */
const expectedCompute = (
  onDemand: boolean,
  netSplit: boolean,
): ComputeRow[] => {
  const od = (amount: number | null) => (onDemand ? amount : null);
  return [
    // job1 driver on i-0od: vCPU 0.040 + 0.010 unused, GB 0.020 + 0.005 = 0.075
    // (On-Demand rates: the same 0.075)
    computeRow({
      date: '2026-03-01',
      allocation: 'job',
      namespace: 'team-alpha',
      virtualClusterId: vcA,
      emrJobRunId: job(1),
      capacityType: 'on-demand',
      amount: 0.075,
      onDemandAmount: od(0.075),
    }),
    // job1 executor on i-0spot: 0.030 + 0.006 + 0.012 + 0.002 = 0.050;
    // net 0.027 + 0.005 + 0.011 + 0.002 = 0.045;
    // On-Demand 0.090 + 0.018 + 0.036 + 0.006 = 0.150
    computeRow({
      date: '2026-03-01',
      allocation: 'job',
      namespace: 'team-alpha',
      virtualClusterId: vcA,
      emrJobRunId: job(1),
      capacityType: 'spot',
      amount: netSplit ? 0.045 : 0.05,
      onDemandAmount: od(0.15),
    }),
    // job2 at 23:00 on i-0spot: 0.050 + 0.010 = 0.060 (On-Demand 0.150 + 0.030 = 0.180)
    computeRow({
      date: '2026-03-01',
      allocation: 'job',
      namespace: 'team-alpha',
      virtualClusterId: vcA,
      emrJobRunId: job(2),
      capacityType: 'spot',
      amount: 0.06,
      onDemandAmount: od(0.18),
    }),
    // a pod of team-alpha without job labels: 0.007 + 0.001 = 0.008
    computeRow({
      date: '2026-03-01',
      allocation: 'namespace',
      namespace: 'team-alpha',
      virtualClusterId: null,
      emrJobRunId: null,
      capacityType: 'on-demand',
      amount: 0.008,
      onDemandAmount: od(0.008),
    }),
    // job3 of the other virtual cluster, returned with its id: 0.100
    computeRow({
      date: '2026-03-01',
      allocation: 'job',
      namespace: 'team-beta',
      virtualClusterId: vcB,
      emrJobRunId: job(3),
      capacityType: 'on-demand',
      amount: 0.1,
      onDemandAmount: od(0.1),
    }),
    // a pod id that does not parse, on an instance with no usage line: 0.003,
    // no public On-Demand values on the row
    computeRow({
      date: '2026-03-01',
      allocation: 'unallocated',
      namespace: null,
      virtualClusterId: null,
      emrJobRunId: null,
      capacityType: 'unknown',
      amount: 0.003,
      onDemandAmount: null,
    }),
    // job2 at 00:00 the next day: 0.020 + 0.004 = 0.024 (On-Demand 0.060 + 0.012 = 0.072)
    computeRow({
      date: '2026-03-02',
      allocation: 'job',
      namespace: 'team-alpha',
      virtualClusterId: vcA,
      emrJobRunId: job(2),
      capacityType: 'spot',
      amount: 0.024,
      onDemandAmount: od(0.072),
    }),
    // job0's pod on 2026-02-28 (1.000) is outside the range.
  ];
};

describe('CUR cost sources over DuckDB', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cur-sources-'));
    // CUR 2.0 as Data Exports writes it: Parquet, real maps, typed columns.
    const runner = await DuckDbSqlRunner.create();
    try {
      const csv = sqlStringLiteral(path.join(fixtures, 'cur2.csv'));
      const costs = [
        'line_item_unblended_cost',
        'line_item_net_unblended_cost',
        'split_line_item_split_cost',
        'split_line_item_unused_cost',
        'split_line_item_net_split_cost',
        'split_line_item_net_unused_cost',
        'split_line_item_public_on_demand_split_cost',
        'split_line_item_public_on_demand_unused_cost',
      ].map(column => `CAST(${column} AS DOUBLE) AS ${column}`);
      // Usage times as Data Exports types them, and with a zone.
      for (const [name, timestamp] of [
        ['cur2.parquet', 'TIMESTAMP'],
        ['cur2-tz.parquet', 'TIMESTAMPTZ'],
      ]) {
        const parquet = sqlStringLiteral(path.join(dir, name));
        await runner.query(
          `COPY (SELECT * REPLACE (
             CAST(line_item_usage_start_date AS ${timestamp}) AS line_item_usage_start_date,
             CAST(line_item_usage_end_date AS ${timestamp}) AS line_item_usage_end_date,
             CAST(CAST(product AS JSON) AS MAP(VARCHAR, VARCHAR)) AS product,
             CAST(CAST(resource_tags AS JSON) AS MAP(VARCHAR, VARCHAR)) AS resource_tags,
             ${costs.join(',\n')})
           FROM read_csv(${csv}, header = true, all_varchar = true))
           TO ${parquet} (FORMAT parquet)`,
          [],
        );
      }
    } finally {
      await runner.close();
    }
  });

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const layouts = [
    {
      name: 'legacy CSV',
      file: () => path.join(fixtures, 'legacy.csv'),
      layout: 'legacy',
      onDemand: false,
      netSplit: false,
    },
    {
      name: 'CUR 2.0 CSV (JSON maps)',
      file: () => path.join(fixtures, 'cur2.csv'),
      layout: 'cur2',
      onDemand: true,
      netSplit: true,
    },
    {
      name: 'CUR 2.0 Parquet (MAP columns)',
      file: () => path.join(dir, 'cur2.parquet'),
      layout: 'cur2',
      onDemand: true,
      netSplit: true,
    },
    {
      name: 'CUR 2.0 Parquet (usage times with a zone)',
      file: () => path.join(dir, 'cur2-tz.parquet'),
      layout: 'cur2',
      onDemand: true,
      netSplit: true,
    },
  ] as const;

  describe.each(layouts)('$name', ({ file, layout, onDemand, netSplit }) => {
    const opened: DuckDbCurSources[] = [];
    const open = async (costColumn: CurCostColumn) => {
      const sources = await createDuckDbCurSources({
        curPath: file(),
        costColumn,
      });
      opened.push(sources);
      return sources;
    };
    afterAll(async () => {
      await Promise.all(opened.map(sources => sources.close()));
    });

    it('detects the layout', async () => {
      expect((await open('unblended')).layout).toBe(layout);
    });

    it('sums uplift per day and job run, and says how far the bill is complete', async () => {
      const { uplift } = await open('unblended');
      const result = await uplift.uplift(range);
      expect(roundedUplift(result.rows)).toEqual(expectedUplift(false));
      expect(result.completeThrough).toBe('2026-03-02');
    });

    it('charges net unblended cost when so configured', async () => {
      const { uplift } = await open('net-unblended');
      const result = await uplift.uplift(range);
      expect(roundedUplift(result.rows)).toEqual(expectedUplift(true));
    });

    it('splits pod compute by job and by Spot or On-Demand parent', async () => {
      const { compute } = await open('unblended');
      expect(compute.source).toBe('cur');
      const rows = await compute.compute(range);
      expect(roundedCompute(rows)).toEqual(expectedCompute(onDemand, false));
      // job1 on 2026-03-01: 0.075 On-Demand + 0.050 Spot = 0.125
      const job1 = rows.filter(row => row.emrJobRunId === job(1));
      expect(round(job1.reduce((sum, row) => sum + row.amount, 0))).toBe(0.125);
    });

    it('charges net split cost where the bill has it', async () => {
      const { compute } = await open('net-unblended');
      expect(roundedCompute(await compute.compute(range))).toEqual(
        expectedCompute(onDemand, netSplit),
      );
    });

    it('leaves out the days outside the range', async () => {
      const { uplift, compute } = await open('unblended');
      const day = { from: '2026-03-02', to: '2026-03-02' };
      // Only job2's hour after midnight: uplift 0.10, compute 0.024.
      expect(roundedUplift((await uplift.uplift(day)).rows)).toEqual([
        {
          date: '2026-03-02',
          virtualClusterId: vcA,
          emrJobRunId: job(2),
          amount: 0.1,
        },
      ]);
      expect(
        roundedCompute(await compute.compute(day)).map(row => row.amount),
      ).toEqual([0.024]);
      // 2026-02-28: job0's uplift 5.00 and its pod 1.000 on i-0od.
      const before = { from: '2026-02-28', to: '2026-02-28' };
      expect(roundedUplift((await uplift.uplift(before)).rows)).toEqual([
        {
          date: '2026-02-28',
          virtualClusterId: vcA,
          emrJobRunId: job(0),
          amount: 5,
        },
      ]);
      expect(roundedCompute(await compute.compute(before))).toMatchObject([
        { emrJobRunId: job(0), capacityType: 'on-demand', amount: 1 },
      ]);
    });
  });

  it('names the config key when no CUR file matches', async () => {
    await expect(
      createDuckDbCurSources({
        curPath: path.join(dir, 'missing', '*.csv'),
        costColumn: 'unblended',
      }),
    ).rejects.toThrow(/^emrOnEks\.costs\.duckdb\.curPath: no files match/);
  });

  it('never writes parameter values into the SQL text', async () => {
    const runner = await DuckDbSqlRunner.create();
    try {
      const shape = await runner.registerCurView(
        'cur',
        path.join(fixtures, 'cur2.csv'),
      );
      const sent: Array<{ sql: string; parameters: string[] }> = [];
      const recording: SqlRunner = {
        query: (sql, parameters, options) => {
          sent.push({ sql, parameters });
          return runner.query(sql, parameters, options);
        },
      };
      const options = {
        runner: recording,
        source: 'emrOnEks.costs.duckdb.curPath',
        from: 'cur',
        dialect: 'duckdb',
        costColumn: 'unblended',
        ...shape,
      } as const;
      const hostileRanges = [
        { from: "'; DROP VIEW cur; --", to: '2026-03-02' },
        // DuckDB reads a day off the front of these and ignores the rest.
        { from: "2026-03-01'; DROP VIEW cur; --", to: "2026-03-02' OR '1'='1" },
      ];
      for (const hostile of hostileRanges) {
        await Promise.allSettled([
          new CurUpliftSource(options).uplift(hostile),
          new CurSplitComputeSource(options).compute(hostile),
        ]);
      }
      // Per range: uplift, latest usage day, split compute.
      expect(sent.length).toBe(6);
      for (const { sql } of sent) {
        expect(sql).not.toContain('DROP');
        expect(sql).not.toContain("'1'='1");
        expect(sql).not.toContain('--');
      }
      // The values went as parameters: uplift and compute of both ranges.
      const bound = sent.filter(({ parameters }) =>
        hostileRanges.some(hostile => parameters.includes(hostile.from)),
      );
      expect(bound).toHaveLength(4);
      // The view is still there.
      await expect(
        runner.query('SELECT count(*) AS n FROM cur', []),
      ).resolves.toEqual([{ n: '27' }]);
    } finally {
      await runner.close();
    }
  });

  it('maps rows a runner answers, whatever the engine', async () => {
    const answers: Array<Array<Record<string, string | null>>> = [
      [
        {
          usage_day: '2026-03-01',
          virtual_cluster_id: vcA,
          job_run_id: job(1),
          amount: '0.75',
        },
      ],
      [{ latest_usage_day: '2026-03-01' }],
      [
        {
          usage_day: '2026-03-01',
          namespace: 'team-alpha',
          virtual_cluster_id: null,
          job_run_id: null,
          capacity_type: 'spot',
          amount: '0.5',
          on_demand_amount: null,
        },
      ],
    ];
    const sql: string[] = [];
    const runner: SqlRunner = {
      query: async text => {
        sql.push(text);
        return answers.shift()!;
      },
    };
    const options = {
      runner,
      source: 'emrOnEks.costs.athena',
      from: '"cur"."cur_data"',
      dialect: 'athena',
      layout: 'cur2',
      costColumn: 'unblended',
    } as const;
    await expect(new CurUpliftSource(options).uplift(range)).resolves.toEqual({
      rows: [
        {
          date: '2026-03-01',
          virtualClusterId: vcA,
          emrJobRunId: job(1),
          amount: 0.75,
        },
      ],
      completeThrough: '2026-02-28',
    });
    await expect(
      new CurSplitComputeSource(options).compute(range),
    ).resolves.toEqual([
      computeRow({
        date: '2026-03-01',
        allocation: 'namespace',
        namespace: 'team-alpha',
        virtualClusterId: null,
        emrJobRunId: null,
        capacityType: 'spot',
        amount: 0.5,
        onDemandAmount: null,
      }),
    ]);
    expect(sql.every(text => text.includes('FROM "cur"."cur_data"'))).toBe(
      true,
    );
    expect(
      () => new CurUpliftSource({ ...options, from: 'cur; DROP TABLE x' }),
    ).toThrow(/target/);
  });
});
