import {
  CostReport,
  CostReportRow,
} from '@spot-spark/plugin-emr-on-eks-common';
import fc from 'fast-check';
import { isCostsConfigured, mergeCsv, mergeReports } from './reports';

function aReport(overrides: Partial<CostReport> = {}): CostReport {
  return {
    currency: 'USD',
    from: '2026-11-01',
    to: '2026-11-30',
    groupBy: ['day', 'category'],
    total: 0,
    estimatedTotal: 0,
    estimatedRange: { low: 0, high: 0 },
    completeThrough: '2026-11-20',
    spotSavings: null,
    sources: { uplift: 'duckdb', compute: 'duckdb' },
    refreshedAt: '2026-11-21T01:00:00.000Z',
    rows: [],
    ...overrides,
  };
}

const aRow: fc.Arbitrary<CostReportRow> = fc.record({
  date: fc.constantFrom('2026-11-01', '2026-11-02', '2026-11-03'),
  category: fc.constantFrom('compute' as const, 'emr-uplift' as const),
  amount: fc.integer({ min: 0, max: 100_000 }).map(c => c / 100),
  estimated: fc.boolean(),
});

/** A report as the backend answers: one row per group, the total theirs. */
const aConsistentReport = fc
  .uniqueArray(aRow, {
    maxLength: 6,
    selector: row => `${row.date}|${row.category}`,
  })
  .map(rows =>
    aReport({ rows, total: rows.reduce((s, r) => s + r.amount, 0) }),
  );

describe('isCostsConfigured', () => {
  it('is false only when neither source is configured', () => {
    expect(isCostsConfigured(aReport())).toBe(true);
    expect(
      isCostsConfigured(
        aReport({ sources: { uplift: null, compute: 'kubecost' } }),
      ),
    ).toBe(true);
    expect(
      isCostsConfigured(aReport({ sources: { uplift: null, compute: null } })),
    ).toBe(false);
  });
});

describe('mergeReports', () => {
  it("adds up tenants' reports: totals, same-group rows, ranges and savings", () => {
    const merged = mergeReports([
      aReport({
        total: 3,
        estimatedTotal: 1,
        estimatedRange: { low: 0.5, high: 2 },
        spotSavings: 4,
        rows: [
          {
            date: '2026-11-01',
            category: 'compute',
            amount: 2,
            estimated: false,
          },
          {
            date: '2026-11-02',
            category: 'emr-uplift',
            amount: 1,
            estimated: true,
            estimatedLow: 0.5,
            estimatedHigh: 2,
          },
        ],
      }),
      aReport({
        total: 5,
        completeThrough: '2026-11-18',
        refreshedAt: '2026-11-21T02:00:00.000Z',
        spotSavings: null,
        rows: [
          {
            date: '2026-11-01',
            category: 'compute',
            amount: 5,
            estimated: false,
          },
        ],
      }),
    ]);
    expect(merged).toMatchObject({
      total: 8,
      estimatedTotal: 1,
      estimatedRange: { low: 0.5, high: 2 },
      spotSavings: 4,
      // Billed through the day both are; rolled up at the latest.
      completeThrough: '2026-11-18',
      refreshedAt: '2026-11-21T02:00:00.000Z',
    });
    expect(merged.rows).toEqual([
      { date: '2026-11-01', category: 'compute', amount: 7, estimated: false },
      {
        date: '2026-11-02',
        category: 'emr-uplift',
        amount: 1,
        estimated: true,
        estimatedLow: 0.5,
        estimatedHigh: 2,
      },
    ]);
  });

  it('adds up the estimated part of a partly billed group apart from its billed part', () => {
    const partial = (amount: number, estimatedAmount: number) =>
      aReport({
        rows: [
          {
            date: '2026-11-02',
            category: 'emr-uplift',
            amount,
            estimated: true,
            estimatedAmount,
            estimatedLow: estimatedAmount,
            estimatedHigh: estimatedAmount,
          },
        ],
      });
    const merged = mergeReports([partial(1, 0.25), partial(3, 1)]);
    // 4 in all, of which 1.25 is the estimate and 2.75 billed so far.
    expect(merged.rows).toEqual([
      expect.objectContaining({ amount: 4, estimatedAmount: 1.25 }),
    ]);
  });

  it('is not billed through any day while one tenant has no bill', () => {
    expect(
      mergeReports([aReport(), aReport({ completeThrough: null })])
        .completeThrough,
    ).toBeNull();
  });

  it('keeps the sum of the rows and the total, and one row per group', () => {
    fc.assert(
      fc.property(
        fc.array(aConsistentReport, { minLength: 1, maxLength: 5 }),
        reports => {
          const merged = mergeReports(reports);
          const rowSum = merged.rows.reduce((s, r) => s + r.amount, 0);
          expect(merged.total).toBeCloseTo(
            reports.reduce((s, r) => s + r.total, 0),
            6,
          );
          expect(rowSum).toBeCloseTo(merged.total, 6);
          const keys = merged.rows.map(r => `${r.date}|${r.category}`);
          expect(new Set(keys).size).toBe(keys.length);
        },
      ),
    );
  });
});

describe('mergeCsv', () => {
  it('keeps one file as it is', () => {
    expect(mergeCsv([{ tenant: 'a', csv: 'x,y\r\n1,2\r\n' }])).toBe(
      'x,y\r\n1,2\r\n',
    );
  });

  it('puts several files under one header, each row with its tenant', () => {
    expect(
      mergeCsv([
        { tenant: 'team-a', csv: 'date,amount\r\n2026-11-01,1\r\n' },
        { tenant: 'team-b', csv: 'date,amount\r\n' },
        { tenant: 'team-c', csv: 'date,amount\n2026-11-02,2\n2026-11-03,3\n' },
      ]),
    ).toBe(
      'tenant,date,amount\r\nteam-a,2026-11-01,1\r\nteam-c,2026-11-02,2\r\nteam-c,2026-11-03,3\r\n',
    );
  });
});
