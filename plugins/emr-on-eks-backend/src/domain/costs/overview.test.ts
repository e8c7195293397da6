import type { BudgetStatus } from '@spot-spark/plugin-emr-on-eks-common';
import fc from 'fast-check';
import { costOverviewCsv } from './csv';
import {
  costOverview,
  monthsUpTo,
  previousMonth,
  type MonthCosts,
} from './overview';

function sums(overrides: Partial<MonthCosts> = {}): MonthCosts {
  return {
    month: '2026-11',
    tenant: 'team-a',
    tenantUid: 'uid-a',
    owner: 'group:default/team-a',
    offboarded: false,
    total: 0,
    estimated: 0,
    compute: 0,
    uplift: 0,
    storage: 0,
    spotCompute: 0,
    spotSavings: null,
    currency: 'USD',
    ...overrides,
  };
}

const AT_RISK: BudgetStatus = {
  state: 'at-risk',
  actualPercent: 60,
  forecastPercent: 120,
  crossed: [
    { threshold: 50, basis: 'actual' },
    { threshold: 100, basis: 'forecast' },
  ],
};

function overview(input: Partial<Parameters<typeof costOverview>[0]> = {}) {
  return costOverview({
    month: '2026-11',
    currency: 'EUR',
    current: [],
    previous: [],
    budgets: new Map(),
    incarnations: new Map(),
    completeThrough: '2026-11-18',
    refreshedAt: '2026-11-20T00:00:00.000Z',
    estimateErrors: [],
    ...input,
  });
}

describe('costOverview', () => {
  it('sets each incarnation beside its previous month: change, Spot share, savings', () => {
    const result = overview({
      current: [
        sums({
          total: 150,
          estimated: 10,
          compute: 100,
          uplift: 40,
          storage: 10,
          spotCompute: 75,
          spotSavings: 120,
        }),
      ],
      previous: [sums({ month: '2026-10', total: 100 })],
    });
    expect(result.rows).toEqual([
      {
        tenant: 'team-a',
        tenantUid: 'uid-a',
        offboarded: false,
        owner: 'group:default/team-a',
        total: 150,
        estimated: 10,
        previousTotal: 100,
        change: 0.5,
        compute: 100,
        uplift: 40,
        storage: 10,
        spotShare: 0.75,
        spotSavings: 120,
        budget: null,
        forecast: null,
        budgetStatus: null,
      },
    ]);
    expect(result).toMatchObject({
      month: '2026-11',
      previousMonth: '2026-10',
      currency: 'USD',
      completeThrough: '2026-11-18',
    });
  });

  it('has no change without a previous month, and no Spot share without compute', () => {
    const [row] = overview({
      current: [sums({ total: 5, uplift: 5 })],
    }).rows;
    expect(row).toMatchObject({
      previousTotal: 0,
      change: null,
      spotShare: null,
    });
  });

  it('keeps a tenant whose costs fell to nothing, and a budgeted one without costs', () => {
    const result = overview({
      previous: [
        sums({
          month: '2026-10',
          tenant: 'gone',
          tenantUid: 'uid-g',
          total: 40,
          offboarded: true,
        }),
      ],
      budgets: new Map([
        ['uid-n', { budget: 500, forecast: null, status: null }],
        // A budget of an incarnation the tenant tables do not know: left out.
        ['uid-unknown', { budget: 1, forecast: null, status: null }],
      ]),
      incarnations: new Map([
        [
          'uid-n',
          {
            name: 'new-team',
            owner: 'group:default/team-n',
            offboarded: false,
          },
        ],
      ]),
    });
    expect(
      result.rows.map(r => [
        r.tenant,
        r.total,
        r.previousTotal,
        r.change,
        r.offboarded,
        r.budget,
      ]),
    ).toEqual([
      ['gone', 0, 40, -1, true, null],
      ['new-team', 0, 0, null, false, 500],
    ]);
    expect(result.currency).toBe('EUR');
  });

  it('counts idle and unallocated capacity on their own, never as a team, and orders largest first', () => {
    const result = overview({
      current: [
        sums({
          tenant: 'team-b',
          tenantUid: 'uid-b',
          total: 20,
          compute: 20,
          spotSavings: 2,
        }),
        sums({
          tenant: '__idle__',
          tenantUid: null,
          owner: null,
          total: 30,
          compute: 30,
        }),
        sums({
          tenant: '__unallocated__',
          tenantUid: null,
          owner: null,
          total: 7,
          compute: 7,
          spotSavings: 1,
        }),
        sums({ total: 25, compute: 25 }),
      ],
      budgets: new Map([
        // A budget keyed like idle's name never lands on the idle row.
        ['__idle__', { budget: 9, forecast: 9, status: null }],
        ['uid-b', { budget: 100, forecast: 120, status: AT_RISK }],
      ]),
    });
    expect(result.rows.map(r => r.tenant)).toEqual([
      '__idle__',
      'team-a',
      'team-b',
      '__unallocated__',
    ]);
    expect(result.rows[0]).toMatchObject({ budget: null, budgetStatus: null });
    expect(result.rows[2]).toMatchObject({
      budget: 100,
      forecast: 120,
      budgetStatus: AT_RISK,
    });
    expect(result.totals).toEqual({
      total: 82,
      previousTotal: 0,
      compute: 82,
      uplift: 0,
      storage: 0,
      spotSavings: 3,
      idle: 30,
      unallocated: 7,
    });
  });

  it('has totals that are the sums of its rows, and no Spot savings when none is known', () => {
    const holder = fc.constantFrom(
      { tenant: 'team-a', tenantUid: 'uid-a1' },
      { tenant: 'team-a', tenantUid: 'uid-a2' },
      { tenant: '__idle__', tenantUid: null },
    );
    const month = (name: string) =>
      fc
        .uniqueArray(
          fc.record({
            holder,
            total: fc.integer({ min: 0, max: 1000 }),
            spotSavings: fc.option(fc.integer({ min: 0, max: 50 })),
          }),
          { selector: r => r.holder.tenantUid ?? r.holder.tenant },
        )
        .map(rows =>
          rows.map(r =>
            sums({
              ...r.holder,
              month: name,
              total: r.total,
              compute: r.total,
              spotSavings: r.spotSavings,
            }),
          ),
        );
    fc.assert(
      fc.property(month('2026-11'), month('2026-10'), (current, previous) => {
        const result = overview({ current, previous });
        const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
        expect(result.totals.total).toBe(sum(current.map(c => c.total)));
        expect(result.totals.previousTotal).toBe(
          sum(previous.map(c => c.total)),
        );
        const known = current.flatMap(c =>
          c.spotSavings === null ? [] : [c.spotSavings],
        );
        expect(result.totals.spotSavings).toBe(
          known.length ? sum(known) : null,
        );
        for (let i = 1; i < result.rows.length; i++) {
          expect(result.rows[i - 1].total).toBeGreaterThanOrEqual(
            result.rows[i].total,
          );
        }
      }),
    );
  });

  it('says the estimate’s error per month, none without a bill', () => {
    expect(
      overview({
        estimateErrors: [
          { month: '2026-10', estimated: 12, actual: 10 },
          { month: '2026-11', estimated: 3, actual: 0 },
        ],
      }).estimateErrors,
    ).toEqual([
      { month: '2026-10', estimated: 12, actual: 10, error: 0.2 },
      { month: '2026-11', estimated: 3, actual: 0, error: null },
    ]);
  });
});

describe('months', () => {
  it('steps back over a year’s end', () => {
    expect(previousMonth('2026-01')).toBe('2025-12');
    expect(previousMonth('2026-12')).toBe('2026-11');
    expect(monthsUpTo('2026-02', 4)).toEqual([
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
    ]);
  });
});

describe('costOverviewCsv', () => {
  it('writes a line per row, a tenant’s would-be formulas as text', () => {
    const result = overview({
      current: [
        sums({
          total: 10,
          compute: 8,
          spotCompute: 2,
          owner: '=HYPERLINK("x")',
        }),
        sums({ tenant: '__idle__', tenantUid: null, owner: null, total: 1 }),
      ],
      previous: [sums({ month: '2026-10', total: 5 })],
      budgets: new Map([
        ['uid-a', { budget: 20, forecast: 24, status: AT_RISK }],
      ]),
    });
    const lines = costOverviewCsv(result).split('\r\n');
    expect(lines[0]).toBe(
      'month,tenant,tenantUid,offboarded,owner,total,estimated,previousTotal,change,compute,uplift,storage,spotShare,spotSavings,budget,forecast,budgetState,currency',
    );
    expect(lines[1]).toBe(
      `2026-11,team-a,uid-a,false,"'=HYPERLINK(""x"")",10.000000,0.000000,5.000000,1.000000,8.000000,0.000000,0.000000,0.250000,,20.000000,24.000000,at-risk,USD`,
    );
    expect(lines[2]).toBe(
      '2026-11,__idle__,,false,,1.000000,0.000000,0.000000,,0.000000,0.000000,0.000000,,,,,,USD',
    );
    expect(lines[3]).toBe('');
  });
});
