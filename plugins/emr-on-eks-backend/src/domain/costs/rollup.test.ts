import fc from 'fast-check';
import type { RequestedResources } from '@spot-spark/plugin-emr-on-eks-common';
import { overlapOnDay, upliftOfRun } from './estimate';
import {
  rollUpCosts,
  type CostRun,
  type CostTenant,
  type RollupInput,
} from './rollup';
import type { ComputeRow } from './types';

const RATE = { vcpuHour: 0.01012, gbHour: 0.00111125 };

const TEAM_A: CostTenant = {
  name: 'team-a',
  uid: 'uid-a',
  virtualClusterId: 'vca',
  namespace: 'emr-team-a',
  region: 'us-east-1',
};
const TEAM_B: CostTenant = {
  name: 'team-b',
  uid: 'uid-b',
  virtualClusterId: 'vcb',
  namespace: 'emr-team-b',
  region: 'eu-west-1',
};

/** 1 core / 1024 MiB driver; 2 cores / 2048 MiB executors, 1 to 3 of them. */
const REQUESTED: RequestedResources = {
  driver: { cores: 1, memoryMiB: 1024 },
  executor: { cores: 2, memoryMiB: 2048 },
  minExecutors: 1,
  maxExecutors: 3,
  maxCores: 7,
  maxMemoryMiB: 7168,
};

function run(overrides: Partial<CostRun> = {}): CostRun {
  return {
    jobRunId: 'run-1',
    emrJobRunId: 'job1',
    virtualClusterId: 'vca',
    tenantUid: 'uid-a',
    name: 'daily-sales',
    entityRef: 'component:default/daily-sales',
    createdAt: new Date('2026-11-21T22:00:00Z'),
    finishedAt: new Date('2026-11-22T02:00:00Z'),
    requested: REQUESTED,
    ...overrides,
  };
}

function compute(overrides: Partial<ComputeRow> = {}): ComputeRow {
  return {
    date: '2026-11-20',
    allocation: 'job',
    namespace: 'emr-team-a',
    virtualClusterId: 'vca',
    emrJobRunId: 'job1',
    category: 'compute',
    capacityType: 'spot',
    amount: 1,
    onDemandAmount: null,
    vcpuHours: null,
    gbHours: null,
    ...overrides,
  };
}

function input(overrides: Partial<RollupInput> = {}): RollupInput {
  return {
    days: ['2026-11-20', '2026-11-21', '2026-11-22'],
    completeThrough: '2026-11-20',
    uplift: [],
    compute: [],
    computeSource: 'kubecost',
    tenants: [TEAM_A, TEAM_B],
    runs: [run()],
    rates: { 'us-east-1': RATE },
    currency: 'USD',
    now: new Date('2026-11-22T12:00:00Z'),
    ...overrides,
  };
}

const sum = (rows: Array<{ amount: number }>) =>
  rows.reduce((total, row) => total + row.amount, 0);

describe('rollUpCosts', () => {
  it('charges billed uplift to the virtual cluster’s tenant and names the run', () => {
    const result = rollUpCosts(
      input({
        uplift: [
          {
            date: '2026-11-20',
            virtualClusterId: 'vca',
            emrJobRunId: 'job1',
            amount: 0.5,
          },
          {
            date: '2026-11-20',
            virtualClusterId: 'vca',
            emrJobRunId: 'job1',
            amount: 0.25,
          },
          {
            date: '2026-11-20',
            virtualClusterId: 'foreign',
            emrJobRunId: 'x',
            amount: 9,
          },
        ],
        runs: [],
      }),
    );
    const uplift = result.rows.filter(r => r.category === 'emr-uplift');
    // 0.5 + 0.25, summed into one row; the foreign 9 is ignored and counted.
    expect(uplift).toEqual([
      expect.objectContaining({
        date: '2026-11-20',
        tenant: 'team-a',
        tenantUid: 'uid-a',
        emrJobRunId: 'job1',
        amount: 0.75,
        source: 'cur',
        estimated: false,
      }),
    ]);
    expect(result.ignored).toEqual({
      rows: 1,
      virtualClusters: ['foreign'],
      namespaces: [],
    });
    expect([...result.billedDays]).toEqual(['2026-11-20']);
  });

  it('estimates unbilled days from the run’s requests and hours on each day', () => {
    const result = rollUpCosts(input());
    const estimates = result.rows.filter(r => r.estimated);
    // The run spans midnight: 2 h on the 21st, 2 h on the 22nd.
    // Low (1 executor): vCPU 1+2 = 3, GB (1024+2048) MiB = 3.221225472 GB.
    //   per hour 3 x 0.01012 + 3.221225472 x 0.00111125 = 0.033939586...
    // High (3 executors): vCPU 7, GB 7168 MiB = 7.516192768 GB.
    //   per hour 7 x 0.01012 + 7.516192768 x 0.00111125 = 0.079192364...
    const lowPerHour = 3 * 0.01012 + 3.221225472 * 0.00111125;
    const highPerHour = 7 * 0.01012 + 7.516192768 * 0.00111125;
    expect(estimates.map(r => r.date)).toEqual(['2026-11-21', '2026-11-22']);
    for (const row of estimates) {
      expect(row).toMatchObject({
        tenant: 'team-a',
        category: 'emr-uplift',
        source: 'estimate',
        jobRunId: 'run-1',
        entityRef: 'component:default/daily-sales',
      });
      expect(row.amountLow).toBeCloseTo(2 * lowPerHour, 10);
      expect(row.amountHigh).toBeCloseTo(2 * highPerHour, 10);
      expect(row.amount).toBeCloseTo(lowPerHour + highPerHour, 10);
    }
  });

  it('takes exact requests from the compute source over the run’s range', () => {
    const result = rollUpCosts(
      input({
        compute: [compute({ date: '2026-11-21', vcpuHours: 10, gbHours: 40 })],
      }),
    );
    const onThe21st = result.rows.filter(
      r => r.estimated && r.date === '2026-11-21',
    );
    // 10 x 0.01012 + 40 x 0.00111125 = 0.1012 + 0.04445 = 0.14565
    expect(onThe21st).toHaveLength(1);
    expect(onThe21st[0].amount).toBeCloseTo(0.14565, 10);
    expect(onThe21st[0].amountLow).toBeCloseTo(0.14565, 10);
    // The 22nd has no exact requests: from the run, as a range.
    const onThe22nd = result.rows.filter(
      r => r.estimated && r.date === '2026-11-22',
    );
    expect(onThe22nd[0].amountHigh).toBeGreaterThan(onThe22nd[0].amountLow!);
  });

  it('charges compute by namespace; labels of another tenant’s virtual cluster name no job', () => {
    const result = rollUpCosts(
      input({
        runs: [
          run(),
          run({
            jobRunId: 'run-b',
            emrJobRunId: 'jobb',
            virtualClusterId: 'vcb',
            tenantUid: 'uid-b',
            entityRef: 'component:default/churn-model',
          }),
        ],
        compute: [
          // team-a's pods labelled as team-b's job: still team-a's, no job.
          compute({ virtualClusterId: 'vcb', emrJobRunId: 'jobb', amount: 4 }),
          compute({ amount: 2, capacityType: 'on-demand' }),
          compute({
            allocation: 'idle',
            namespace: null,
            virtualClusterId: null,
            emrJobRunId: null,
            amount: 3,
          }),
          compute({
            allocation: 'namespace',
            namespace: 'kube-system',
            virtualClusterId: null,
            emrJobRunId: null,
            amount: 7,
          }),
        ],
      }),
    );
    const computeRows = result.rows.filter(r => r.category === 'compute');
    expect(
      computeRows.map(r => [r.tenant, r.emrJobRunId, r.capacityType, r.amount]),
    ).toEqual([
      ['team-a', null, 'spot', 4],
      ['team-a', 'job1', 'on-demand', 2],
      ['__idle__', null, 'spot', 3],
    ]);
    expect(
      computeRows.every(r => r.entityRef !== 'component:default/churn-model'),
    ).toBe(true);
    expect(result.ignored.namespaces).toEqual(['kube-system']);
  });

  it('prices Spot savings from the bill, or from the configured ratio', () => {
    const fromBill = rollUpCosts(
      input({ compute: [compute({ amount: 1, onDemandAmount: 3 })] }),
    );
    expect(fromBill.rows[0].onDemandAmount).toBe(3);
    const fromRatio = rollUpCosts(
      input({
        onDemandToSpotRatio: 2.5,
        compute: [
          compute({ amount: 2 }),
          compute({ amount: 5, capacityType: 'on-demand' }),
        ],
      }),
    );
    expect(
      fromRatio.rows
        .filter(r => r.category === 'compute')
        .map(r => r.onDemandAmount),
    ).toEqual([5, null]);
  });

  it('reports regions without a rate instead of guessing', () => {
    const result = rollUpCosts(
      input({
        runs: [run({ tenantUid: 'uid-b', virtualClusterId: 'vcb' })],
      }),
    );
    expect(result.rows.filter(r => r.estimated)).toEqual([]);
    expect(result.regionsWithoutRate).toEqual(['eu-west-1']);
  });

  it('keeps every input cent: what is charged plus what is ignored is all of it', () => {
    const row = fc.record({
      date: fc.constantFrom('2026-11-20', '2026-11-21'),
      allocation: fc.constantFrom(
        'job',
        'namespace',
        'idle',
        'unallocated' as const,
      ),
      namespace: fc.constantFrom(
        'emr-team-a',
        'emr-team-b',
        'kube-system',
        null,
      ),
      virtualClusterId: fc.constantFrom('vca', 'vcb', 'other', null),
      emrJobRunId: fc.constantFrom('job1', 'jobb', null),
      category: fc.constantFrom('compute', 'storage' as const),
      capacityType: fc.constantFrom('spot', 'on-demand', 'unknown' as const),
      amount: fc.integer({ min: 0, max: 1000 }),
      onDemandAmount: fc.constant(null),
      vcpuHours: fc.constant(null),
      gbHours: fc.constant(null),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 40 }), rows => {
        const result = rollUpCosts(
          input({ compute: rows as ComputeRow[], runs: [] }),
        );
        const ignored = rows.filter(
          r =>
            (r.allocation === 'job' || r.allocation === 'namespace') &&
            (r.namespace !== null
              ? r.namespace === 'kube-system'
              : r.virtualClusterId !== 'vca' && r.virtualClusterId !== 'vcb'),
        );
        expect(sum(result.rows)).toBe(sum(rows) - sum(ignored));
        expect(result.ignored.rows).toBe(ignored.length);
        // Nothing of team-b's namespace is ever charged to team-a.
        const bRows = rows.filter(
          r =>
            (r.allocation === 'job' || r.allocation === 'namespace') &&
            (r.namespace === 'emr-team-b' ||
              (r.namespace === null && r.virtualClusterId === 'vcb')),
        );
        expect(sum(result.rows.filter(r => r.tenant === 'team-b'))).toBe(
          sum(bRows),
        );
      }),
    );
  });
});

describe('estimate', () => {
  it('splits a run’s time over the UTC days it touches', () => {
    const start = new Date('2026-11-21T22:30:00Z');
    const end = new Date('2026-11-22T01:00:00Z');
    expect(overlapOnDay('2026-11-21', start, end)).toBe(90 * 60_000);
    expect(overlapOnDay('2026-11-22', start, end)).toBe(60 * 60_000);
    expect(overlapOnDay('2026-11-23', start, end)).toBe(0);
  });

  it('ranges from the fewest to the most executors', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 1, max: 86_400_000 }),
        (min, extra, ms) => {
          const estimate = upliftOfRun(
            { ...REQUESTED, minExecutors: min, maxExecutors: min + extra },
            ms,
            RATE,
          );
          expect(estimate.low).toBeLessThanOrEqual(estimate.amount);
          expect(estimate.amount).toBeLessThanOrEqual(estimate.high);
          expect(estimate.low).toBeGreaterThan(0);
        },
      ),
    );
  });
});

describe('rollUpCosts across a recreated virtual cluster', () => {
  it('keeps charging the tenant for the bill of its earlier virtual cluster', () => {
    const result = rollUpCosts(
      input({
        tenants: [{ ...TEAM_A, pastVirtualClusterIds: ['vcold'] }, TEAM_B],
        runs: [run({ virtualClusterId: 'vcold' })],
        uplift: [
          {
            date: '2026-11-20',
            virtualClusterId: 'vcold',
            emrJobRunId: 'job1',
            amount: 0.5,
          },
        ],
        compute: [compute({ virtualClusterId: 'vcold', amount: 2 })],
      }),
    );
    const charged = result.rows.filter(r => !r.estimated);
    expect(
      charged.map(r => [r.tenant, r.category, r.jobRunId, r.amount]),
    ).toEqual([
      ['team-a', 'emr-uplift', 'run-1', 0.5],
      ['team-a', 'compute', 'run-1', 2],
    ]);
    expect(result.ignored.rows).toBe(0);
  });
});
