import {
  CAPACITY_TYPES,
  COST_CATEGORIES,
  CostReportRow,
  addCostDays,
} from '@spot-spark/plugin-emr-on-eks-common';
import fc from 'fast-check';
import {
  chartSummary,
  COST_SERIES,
  isEstimatedDay,
  seriesOf,
  seriesPresent,
  toCostDays,
} from './chartData';

const FROM = '2026-11-01';
const TO = '2026-11-10';

/** A row of a `day,category,capacityType` report, in whole cents. */
const aRow: fc.Arbitrary<CostReportRow> = fc.record({
  // Mostly in the period, sometimes a day either side.
  date: fc.integer({ min: -2, max: 11 }).map(n => addCostDays(FROM, n)),
  category: fc.constantFrom(...COST_CATEGORIES),
  capacityType: fc.constantFrom(...CAPACITY_TYPES),
  amount: fc.integer({ min: -10_000, max: 1_000_000 }).map(c => c / 100),
  estimated: fc.boolean(),
});

const aCompleteThrough = fc.option(
  fc.integer({ min: -1, max: 11 }).map(n => addCostDays(FROM, n)),
);

function sum(values: number[]) {
  return values.reduce((a, b) => a + b, 0);
}

describe('seriesOf', () => {
  it('splits compute by capacity, and uplift and storage apart', () => {
    const row = (fields: Partial<CostReportRow>) =>
      seriesOf({ amount: 1, estimated: false, ...fields });
    expect(row({ category: 'compute', capacityType: 'spot' })).toBe(
      'computeSpot',
    );
    expect(row({ category: 'compute', capacityType: 'on-demand' })).toBe(
      'computeOnDemand',
    );
    expect(row({ category: 'compute', capacityType: 'unknown' })).toBe(
      'computeUnknown',
    );
    expect(row({ category: 'compute' })).toBe('computeUnknown');
    expect(row({ category: 'emr-uplift', capacityType: 'spot' })).toBe(
      'uplift',
    );
    expect(row({ category: 'storage' })).toBe('storage');
    expect(row({})).toBe('other');
  });
});

describe('toCostDays', () => {
  it('has a bar for every day of the period, empty ones at 0', () => {
    const days = toCostDays({
      from: FROM,
      to: '2026-11-03',
      completeThrough: null,
      rows: [
        {
          date: '2026-11-02',
          category: 'emr-uplift',
          amount: 2,
          estimated: false,
        },
      ],
    });
    expect(days.map(d => [d.date, d.total])).toEqual([
      ['2026-11-01', 0],
      ['2026-11-02', 2],
      ['2026-11-03', 0],
    ]);
    expect(days[1].amounts.uplift).toBe(2);
    expect(seriesPresent(days).map(s => s.key)).toEqual(['uplift']);
  });

  it('adds up to the report: per series, per day and in all', () => {
    fc.assert(
      fc.property(
        fc.array(aRow, { maxLength: 60 }),
        aCompleteThrough,
        (rows, completeThrough) => {
          const days = toCostDays({
            from: FROM,
            to: TO,
            rows,
            completeThrough,
          });
          const total = sum(rows.map(r => r.amount));
          expect(
            sum(days.flatMap(d => COST_SERIES.map(s => d.amounts[s.key]))),
          ).toBeCloseTo(total, 6);
          expect(sum(days.map(d => d.total))).toBeCloseTo(total, 6);
          for (const series of COST_SERIES) {
            expect(sum(days.map(d => d.amounts[series.key]))).toBeCloseTo(
              sum(
                rows.filter(r => seriesOf(r) === series.key).map(r => r.amount),
              ),
              6,
            );
          }
          for (const day of days) {
            expect(sum(COST_SERIES.map(s => day.amounts[s.key]))).toBeCloseTo(
              day.total,
              6,
            );
          }
        },
      ),
    );
  });

  it('has each day once, in order, the whole period included', () => {
    fc.assert(
      fc.property(fc.array(aRow, { maxLength: 30 }), rows => {
        const dates = toCostDays({
          from: FROM,
          to: TO,
          rows,
          completeThrough: null,
        }).map(d => d.date);
        expect(dates).toEqual([...new Set(dates)].sort());
        for (let n = 0; n < 10; n++) {
          expect(dates).toContain(addCostDays(FROM, n));
        }
      }),
    );
  });

  it('marks a series estimated on a day when a row says so or the bill does not cover the day', () => {
    fc.assert(
      fc.property(
        fc.array(aRow, { maxLength: 40 }),
        aCompleteThrough,
        (rows, completeThrough) => {
          const days = toCostDays({
            from: FROM,
            to: TO,
            rows,
            completeThrough,
          });
          for (const day of days) {
            for (const series of COST_SERIES) {
              const own = rows.filter(
                r => r.date === day.date && seriesOf(r) === series.key,
              );
              const expected = own.some(
                r =>
                  r.estimated ||
                  (completeThrough !== null && day.date > completeThrough),
              );
              expect(Boolean(day.estimated[series.key])).toBe(expected);
            }
          }
        },
      ),
    );
  });
});

describe('chartSummary', () => {
  it('names the period, series, total, highest day and estimated days', () => {
    const days = toCostDays({
      from: FROM,
      to: '2026-11-03',
      completeThrough: '2026-11-02',
      rows: [
        {
          date: '2026-11-01',
          category: 'compute',
          capacityType: 'spot',
          amount: 4,
          estimated: false,
        },
        {
          date: '2026-11-03',
          category: 'emr-uplift',
          amount: 1,
          estimated: true,
        },
      ],
    });
    expect(days.filter(isEstimatedDay).map(d => d.date)).toEqual([
      '2026-11-03',
    ]);
    expect(
      chartSummary({
        days,
        total: 5,
        completeThrough: '2026-11-02',
        format: n => `$${n}`,
      }),
    ).toBe(
      'Daily costs from 2026-11-01 to 2026-11-03, stacked by Compute (Spot), EMR uplift; ' +
        'total $5; highest on 2026-11-01 at $4; billed through 2026-11-02; 1 day is estimated.',
    );
  });
});
