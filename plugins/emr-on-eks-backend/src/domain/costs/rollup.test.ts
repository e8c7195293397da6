import fc from 'fast-check';
import type { RequestedResources } from '@spot-spark/plugin-emr-on-eks-common';
import { overlapOnDay, upliftOfRun } from './estimate';
import type { CostIncarnation } from './incarnations';
import { rollUpCosts, type CostRun, type RollupInput } from './rollup';
import type { ComputeRow } from './types';

const RATE = { vcpuHour: 0.01012, gbHour: 0.00111125 };

/** Onboarded before every day of these tests, still current. */
const LONG_AGO = new Date('2026-01-01T00:00:00Z');

const TEAM_A: CostIncarnation = {
  name: 'team-a',
  uid: 'uid-a',
  cluster: 'shared',
  virtualClusterIds: ['vca'],
  namespace: 'emr-team-a',
  createdAt: LONG_AGO,
  offboardedAt: null,
  region: 'us-east-1',
};
const TEAM_B: CostIncarnation = {
  name: 'team-b',
  uid: 'uid-b',
  cluster: 'shared',
  virtualClusterIds: ['vcb'],
  namespace: 'emr-team-b',
  createdAt: LONG_AGO,
  offboardedAt: null,
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
    incarnations: [TEAM_A, TEAM_B],
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
    // 0.5 + 0.25, summed into one row; the foreign 9 is unallocated.
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
      expect.objectContaining({
        tenant: '__unallocated__',
        tenantUid: null,
        virtualClusterId: 'foreign',
        emrJobRunId: 'x',
        amount: 9,
        source: 'cur',
      }),
    ]);
    expect(result.unallocated).toEqual({
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

  it('charges compute by namespace; labels of another tenant’s virtual cluster name no job; other namespaces are unallocated', () => {
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
      ['__unallocated__', null, 'spot', 7],
    ]);
    expect(
      computeRows.every(r => r.entityRef !== 'component:default/churn-model'),
    ).toBe(true);
    expect(result.unallocated.namespaces).toEqual(['kube-system']);
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

describe('rollUpCosts over tenant incarnations', () => {
  const D1 = '2026-11-20';
  const D2 = '2026-11-21';
  const D3 = '2026-11-22';
  /** team-b left on the morning of D2; analytics-a took its namespace at noon. */
  const B: CostIncarnation = {
    ...TEAM_B,
    namespace: 'team-b',
    region: 'us-east-1',
    offboardedAt: new Date(`${D2}T06:00:00Z`),
  };
  const N: CostIncarnation = {
    name: 'analytics-a',
    uid: 'uid-n',
    cluster: 'shared',
    virtualClusterIds: ['vcn'],
    namespace: 'team-b',
    createdAt: new Date(`${D2}T12:00:00Z`),
    offboardedAt: null,
    region: 'us-east-1',
  };
  const uplift = (
    date: string,
    virtualClusterId: string,
    emrJobRunId: string,
    amount: number,
  ) => ({ date, virtualClusterId, emrJobRunId, amount });

  /** A three-day bill, the last day partial; figures checked by hand below. */
  function scenario() {
    return rollUpCosts(
      input({
        days: [D1, D2, D3],
        completeThrough: D2,
        incarnations: [TEAM_A, B, N],
        uplift: [
          uplift(D1, 'vca', 'a1', 1.25),
          uplift(D1, 'vcb', 'b1', 5),
          uplift(D2, 'vca', 'a1', 0.75),
          uplift(D2, 'vcb', 'b1', 0.4),
          uplift(D2, 'vcn', 'n1', 0.6),
          // The partial day: a2 is no run the plugin knows; n1 is.
          uplift(D3, 'vca', 'a2', 2),
          uplift(D3, 'vcn', 'n1', 0.3),
          // team-b's virtual cluster after team-b left: nobody's.
          uplift(D3, 'vcb', 'b9', 0.1),
        ],
        compute: [
          compute({
            date: D1,
            emrJobRunId: 'a1',
            amount: 3,
            onDemandAmount: 9,
          }),
          compute({
            date: D1,
            allocation: 'namespace',
            virtualClusterId: null,
            emrJobRunId: null,
            capacityType: 'on-demand',
            amount: 0.5,
          }),
          compute({
            date: D1,
            namespace: 'team-b',
            virtualClusterId: 'vcb',
            emrJobRunId: 'b1',
            amount: 2,
            onDemandAmount: 5,
          }),
          compute({
            date: D1,
            allocation: 'namespace',
            namespace: 'team-b',
            virtualClusterId: null,
            emrJobRunId: null,
            capacityType: 'on-demand',
            amount: 1,
          }),
          // D2: both held team-b; the labels tell whose pods they were.
          compute({
            date: D2,
            namespace: 'team-b',
            virtualClusterId: 'vcb',
            emrJobRunId: 'b1',
            capacityType: 'on-demand',
            amount: 0.8,
          }),
          compute({
            date: D2,
            namespace: 'team-b',
            virtualClusterId: 'vcn',
            emrJobRunId: 'n1',
            amount: 0.2,
          }),
          // No label: analytics-a held it 12 hours of D2, team-b 6.
          compute({
            date: D2,
            allocation: 'namespace',
            namespace: 'team-b',
            virtualClusterId: null,
            emrJobRunId: null,
            capacityType: 'on-demand',
            amount: 0.7,
          }),
          compute({
            date: D3,
            allocation: 'namespace',
            namespace: 'team-b',
            virtualClusterId: null,
            emrJobRunId: null,
            amount: 0.4,
          }),
          compute({
            date: D3,
            allocation: 'namespace',
            namespace: 'kube-system',
            virtualClusterId: null,
            emrJobRunId: null,
            amount: 0.25,
          }),
          compute({
            date: D3,
            allocation: 'idle',
            namespace: null,
            virtualClusterId: null,
            emrJobRunId: null,
            amount: 1.1,
          }),
        ],
        runs: [
          // Ran 4 h of D2 (billed) and 10 h of D3 (partial).
          run({
            jobRunId: 'run-n1',
            emrJobRunId: 'n1',
            virtualClusterId: 'vcn',
            tenantUid: 'uid-n',
            createdAt: new Date(`${D2}T20:00:00Z`),
            finishedAt: new Date(`${D3}T10:00:00Z`),
          }),
          // Never synced to its end: not estimated past team-b's offboarding.
          run({
            jobRunId: 'run-b1',
            emrJobRunId: 'b1',
            virtualClusterId: 'vcb',
            tenantUid: 'uid-b',
            createdAt: new Date(`${D1}T10:00:00Z`),
            finishedAt: null,
          }),
        ],
        now: new Date(`${D3}T23:00:00Z`),
      }),
    );
  }

  const of = (
    rows: ReturnType<typeof scenario>['rows'],
    filter: (row: ReturnType<typeof scenario>['rows'][number]) => boolean,
  ) => sum(rows.filter(filter));

  it('charges each incarnation what it ran, to the cent, the partial day included', () => {
    const { rows } = scenario();
    const billed = (uid: string | null, category?: string) =>
      of(
        rows,
        r =>
          r.tenantUid === uid &&
          !r.estimated &&
          (category === undefined || r.category === category),
      );
    const capacity = (uid: string, capacityType: string) =>
      of(
        rows,
        r =>
          r.tenantUid === uid &&
          r.category === 'compute' &&
          r.capacityType === capacityType,
      );
    // team-a: uplift 1.25 + 0.75 + 2 (billed so far, no run explains it);
    // compute 3 Spot + 0.5 On-Demand.
    expect(billed('uid-a', 'emr-uplift')).toBeCloseTo(4, 10);
    expect(capacity('uid-a', 'spot')).toBeCloseTo(3, 10);
    expect(capacity('uid-a', 'on-demand')).toBeCloseTo(0.5, 10);
    expect(billed('uid-a')).toBeCloseTo(7.5, 10);
    // team-b, offboarded on D2: uplift 5 + 0.4; compute 2 Spot, 1 + 0.8
    // On-Demand. Its namespace's later costs are not its own.
    expect(billed('uid-b', 'emr-uplift')).toBeCloseTo(5.4, 10);
    expect(capacity('uid-b', 'spot')).toBeCloseTo(2, 10);
    expect(capacity('uid-b', 'on-demand')).toBeCloseTo(1.8, 10);
    expect(billed('uid-b')).toBeCloseTo(9.2, 10);
    expect(rows.some(r => r.tenantUid === 'uid-b' && r.date === D3)).toBe(
      false,
    );
    // analytics-a, from noon of D2: uplift 0.6 + 0.3 billed; compute 0.2 +
    // 0.4 Spot, 0.7 On-Demand; nothing of D1, before it existed.
    expect(billed('uid-n', 'emr-uplift')).toBeCloseTo(0.9, 10);
    expect(capacity('uid-n', 'spot')).toBeCloseTo(0.6, 10);
    expect(capacity('uid-n', 'on-demand')).toBeCloseTo(0.7, 10);
    expect(billed('uid-n')).toBeCloseTo(2.2, 10);
    expect(rows.some(r => r.tenantUid === 'uid-n' && r.date === D1)).toBe(
      false,
    );
    // Nobody's: team-b's virtual cluster after it left, kube-system.
    expect(billed(null)).toBeCloseTo(0.1 + 0.25 + 1.1, 10);
    expect(of(rows, r => r.tenant === '__unallocated__')).toBeCloseTo(0.35, 10);
    // Every billed cent is somewhere: 10.40 of uplift, 9.95 of compute.
    expect(of(rows, r => !r.estimated)).toBeCloseTo(20.35, 10);
  });

  it('adds to the partial day’s bill only what the run explains beyond it', () => {
    const { rows } = scenario();
    const estimates = rows.filter(r => r.estimated);
    // n1 ran 10 h of D3: low (1 executor) 10 x 0.033939586..., high (3)
    // 10 x 0.079192364...; the middle less the 0.3 billed so far.
    const lowPerHour = 3 * 0.01012 + 3.221225472 * 0.00111125;
    const highPerHour = 7 * 0.01012 + 7.516192768 * 0.00111125;
    expect(estimates).toHaveLength(1);
    expect(estimates[0]).toMatchObject({
      date: D3,
      tenantUid: 'uid-n',
      emrJobRunId: 'n1',
      jobRunId: 'run-n1',
      source: 'estimate',
    });
    expect(estimates[0].amount).toBeCloseTo(
      5 * (lowPerHour + highPerHour) - 0.3,
      10,
    );
    expect(estimates[0].amountLow).toBeCloseTo(10 * lowPerHour - 0.3, 10);
    expect(estimates[0].amountHigh).toBeCloseTo(10 * highPerHour - 0.3, 10);
    // With the bill already above the estimate, the bill alone stands.
    const billedMore = rollUpCosts(
      input({
        days: [D3],
        completeThrough: D2,
        uplift: [uplift(D3, 'vca', 'job1', 5)],
        runs: [run({ createdAt: new Date(`${D3}T00:00:00Z`) })],
      }),
    );
    expect(billedMore.rows.filter(r => r.estimated)).toEqual([]);
    expect(sum(billedMore.rows)).toBe(5);
    // Once the day is complete, the bill alone, whatever the runs say.
    const complete = rollUpCosts(
      input({
        days: [D3],
        completeThrough: D3,
        uplift: [uplift(D3, 'vca', 'job1', 0.01)],
      }),
    );
    expect(complete.rows).toEqual([
      expect.objectContaining({ amount: 0.01, estimated: false }),
    ]);
  });

  it('leaves a namespace unallocated on a day when neither of two holders held it longer', () => {
    const twin: CostIncarnation = {
      ...N,
      createdAt: new Date(`${D2}T18:00:00Z`),
    };
    const result = rollUpCosts(
      input({
        days: [D2],
        completeThrough: D2,
        incarnations: [B, twin],
        runs: [],
        compute: [
          compute({
            date: D2,
            allocation: 'namespace',
            namespace: 'team-b',
            virtualClusterId: null,
            emrJobRunId: null,
            amount: 4,
          }),
          // A label of neither holder's virtual cluster picks nobody either.
          compute({
            date: D2,
            namespace: 'team-b',
            virtualClusterId: 'vca',
            emrJobRunId: 'job1',
            amount: 2,
          }),
        ],
      }),
    );
    expect(result.rows.map(r => [r.tenant, r.amount])).toEqual([
      ['__unallocated__', 6],
    ]);
  });

  it('never lets labels name a tenant for pods of no namespace', () => {
    const result = rollUpCosts(
      input({
        compute: [
          compute({ allocation: 'job', namespace: null, amount: 3 }),
          compute({ allocation: 'unallocated', namespace: null, amount: 1 }),
        ],
        runs: [],
      }),
    );
    expect(result.rows.map(r => [r.tenant, r.tenantUid, r.amount])).toEqual([
      ['__unallocated__', null, 4],
    ]);
  });
});

describe('rollUpCosts for any bill and any history', () => {
  const DAYS = [
    '2026-11-18',
    '2026-11-19',
    '2026-11-20',
    '2026-11-21',
    '2026-11-22',
  ];
  const NAMESPACES = ['ns-1', 'ns-2'];
  const at = (day: number, hour: number) =>
    new Date(Date.parse(`${DAYS[0]}T00:00:00Z`) + (day * 24 + hour) * 3.6e6);

  /**
   * Up to three successive incarnations per namespace, each onboarded some
   * hours after the previous one left (or, on another cluster, while it is
   * still there), each with one or two virtual clusters of its own.
   */
  const history = fc
    .array(
      fc.array(
        fc.record({
          gapHours: fc.integer({ min: -30, max: 40 }),
          lifeHours: fc.integer({ min: 1, max: 70 }),
          current: fc.boolean(),
          vcs: fc.integer({ min: 1, max: 2 }),
        }),
        { minLength: 0, maxLength: 3 },
      ),
      { minLength: NAMESPACES.length, maxLength: NAMESPACES.length },
    )
    .map(perNamespace =>
      perNamespace.flatMap((lives, n) => {
        let hour = -24;
        return lives.map((life, k): CostIncarnation => {
          const uid = `uid-${n}-${k}`;
          const created = hour + Math.max(0, life.gapHours);
          hour = created + life.lifeHours;
          const last = k === lives.length - 1;
          return {
            uid,
            name: `tenant-${n}-${k}`,
            cluster: life.gapHours < 0 ? 'other' : 'shared',
            namespace: NAMESPACES[n],
            virtualClusterIds: Array.from(
              { length: life.vcs },
              (_, v) => `vc-${n}-${k}-${v}`,
            ),
            createdAt: at(0, created),
            offboardedAt: last && life.current ? null : at(0, hour),
            region: 'us-east-1',
          };
        });
      }),
    );

  it('charges every billed cent once: to an incarnation that held the namespace or virtual cluster that day, or to nobody', () => {
    fc.assert(
      fc.property(
        history,
        fc.integer({ min: -1, max: DAYS.length - 1 }),
        fc.array(
          fc.record({
            day: fc.integer({ min: 0, max: DAYS.length - 1 }),
            vc: fc.integer({ min: 0, max: 20 }),
            cents: fc.integer({ min: 0, max: 100_000 }),
          }),
          { maxLength: 30 },
        ),
        fc.array(
          fc.record({
            day: fc.integer({ min: 0, max: DAYS.length - 1 }),
            allocation: fc.constantFrom(
              'job',
              'namespace',
              'idle',
              'unallocated' as const,
            ),
            namespace: fc.constantFrom(...NAMESPACES, 'kube-system', null),
            vc: fc.integer({ min: 0, max: 20 }),
            capacityType: fc.constantFrom(
              'spot',
              'on-demand',
              'unknown' as const,
            ),
            cents: fc.integer({ min: 0, max: 100_000 }),
          }),
          { maxLength: 30 },
        ),
        fc.array(
          fc.record({
            incarnation: fc.integer({ min: 0, max: 5 }),
            startHour: fc.integer({ min: -24, max: 24 * DAYS.length }),
            hours: fc.integer({ min: 1, max: 60 }),
            finished: fc.boolean(),
          }),
          { maxLength: 5 },
        ),
        (incarnations, complete, upliftSpecs, computeSpecs, runSpecs) => {
          const vcs = [
            ...incarnations.flatMap(i => i.virtualClusterIds),
            'vc-foreign',
          ];
          const vcAt = (index: number) => vcs[index % vcs.length];
          const upliftRows = upliftSpecs.map(u => ({
            date: DAYS[u.day],
            virtualClusterId: vcAt(u.vc),
            emrJobRunId: `job-${u.vc}`,
            amount: u.cents,
          }));
          const computeRows: ComputeRow[] = computeSpecs.map(c => ({
            date: DAYS[c.day],
            allocation: c.allocation,
            namespace: c.namespace,
            virtualClusterId: vcAt(c.vc),
            emrJobRunId: `job-${c.vc}`,
            category: 'compute',
            capacityType: c.capacityType,
            amount: c.cents,
            onDemandAmount: null,
            vcpuHours: null,
            gbHours: null,
          }));
          const runs = runSpecs.flatMap((r, index) => {
            const owner = incarnations[r.incarnation];
            return owner
              ? [
                  run({
                    jobRunId: `run-${index}`,
                    emrJobRunId: `job-${index}`,
                    virtualClusterId: owner.virtualClusterIds[0],
                    tenantUid: owner.uid,
                    createdAt: at(0, r.startHour),
                    finishedAt: r.finished
                      ? at(0, r.startHour + r.hours)
                      : null,
                  }),
                ]
              : [];
          });
          const completeThrough = complete < 0 ? null : DAYS[complete];
          const result = rollUpCosts(
            input({
              days: DAYS,
              completeThrough,
              incarnations,
              uplift: upliftRows,
              compute: computeRows,
              runs,
              now: at(DAYS.length, 0),
            }),
          );
          const byUid = new Map(incarnations.map(i => [i.uid, i]));
          const heldOnDay = (uid: string, day: string) => {
            const i = byUid.get(uid)!;
            const created = i.createdAt!.toISOString().slice(0, 10);
            const gone = i.offboardedAt?.toISOString().slice(0, 10);
            return created <= day && (gone === undefined || day <= gone);
          };
          // Every billed cent, exactly once.
          const billed = result.rows.filter(r => !r.estimated);
          expect(sum(billed)).toBe(sum(upliftRows) + sum(computeRows));
          // Each row's owner, as the rules allow it; wrong ones are listed.
          const wrong = result.rows.filter(row => {
            if (row.tenantUid === null) {
              return (
                !['__idle__', '__unallocated__'].includes(row.tenant) ||
                row.estimated
              );
            }
            const owner = byUid.get(row.tenantUid)!;
            return (
              // Only an incarnation that held it that day, never a later one.
              !heldOnDay(row.tenantUid, row.date) ||
              // Uplift only of its own virtual clusters.
              (row.category === 'emr-uplift' &&
                row.virtualClusterId !== null &&
                !owner.virtualClusterIds.includes(row.virtualClusterId)) ||
              // Estimates only where the bill is not complete, and more than nothing.
              (row.estimated &&
                ((completeThrough !== null && row.date <= completeThrough) ||
                  row.amount <= 0))
            );
          });
          expect(wrong).toEqual([]);
          // Compute of a namespace goes to its holders or to nobody.
          for (const ns of NAMESPACES) {
            const holders = new Set(
              incarnations.filter(i => i.namespace === ns).map(i => i.uid),
            );
            const charged = sum(
              billed.filter(
                r => r.category === 'compute' && holders.has(r.tenantUid!),
              ),
            );
            const inNamespace = sum(
              computeRows.filter(
                r =>
                  r.namespace === ns &&
                  (r.allocation === 'job' || r.allocation === 'namespace'),
              ),
            );
            expect(charged).toBeLessThanOrEqual(inNamespace);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
