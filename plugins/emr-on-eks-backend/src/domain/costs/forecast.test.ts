import { addCostDays, costDays } from '@spot-spark/plugin-emr-on-eks-common';
import fc from 'fast-check';
import {
  backtestForecast,
  completeMonths,
  forecastMonth,
  monthBounds,
} from './forecast';

/** Daily totals from `from`, one value a day. */
function series(from: string, values: number[]): Map<string, number> {
  return new Map(values.map((v, i) => [addCostDays(from, i), v]));
}

/** A month, a day in it, a history start and 60 days of totals around it. */
const scenario = fc
  .record({
    year: fc.integer({ min: 2024, max: 2030 }),
    mon: fc.integer({ min: 1, max: 12 }),
    dayFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    historyOffset: fc.integer({ min: -60, max: 40 }),
    values: fc.array(
      fc.oneof(fc.constant(0), fc.double({ min: 0, max: 10_000, noNaN: true })),
      { minLength: 75, maxLength: 75 },
    ),
  })
  .map(({ year, mon, dayFraction, historyOffset, values }) => {
    const month = `${year}-${String(mon).padStart(2, '0')}`;
    const { first, days } = monthBounds(month);
    const asOf = addCostDays(first, Math.floor(dayFraction * (days - 1)));
    const start = addCostDays(first, -40);
    return {
      month,
      asOf,
      historyStart: addCostDays(first, historyOffset),
      daily: series(start, values),
    };
  });

describe('forecastMonth', () => {
  it('keeps the forecast within its band and never below the month to date', () => {
    fc.assert(
      fc.property(scenario, input => {
        const f = forecastMonth(input);
        expect(f.low).toBeLessThanOrEqual(f.amount);
        expect(f.amount).toBeLessThanOrEqual(f.high);
        expect(f.low).toBeGreaterThanOrEqual(f.monthToDate);
        expect(f.daysElapsed + (f.daysInMonth - f.daysElapsed)).toBe(
          f.daysInMonth,
        );
      }),
    );
  });

  it('forecasts a finished month as exactly its total', () => {
    fc.assert(
      fc.property(scenario, input => {
        const { last, first } = monthBounds(input.month);
        const f = forecastMonth({ ...input, asOf: last });
        const total = costDays(first, last).reduce(
          (sum, d) => sum + (input.daily.get(d) ?? 0),
          0,
        );
        expect(f.amount).toBe(total);
        expect(f.low).toBe(total);
        expect(f.high).toBe(total);
        expect(f.basis).toBe('month-over');
      }),
    );
  });

  it('forecasts a constant history exactly, with no band', () => {
    fc.assert(
      fc.property(
        scenario,
        fc.double({ min: 0.01, max: 1000, noNaN: true }),
        (input, c) => {
          const daily = new Map([...input.daily.keys()].map(d => [d, c]));
          // History from well before the window: every day counts.
          const { first } = monthBounds(input.month);
          const f = forecastMonth({
            ...input,
            daily,
            historyStart: addCostDays(first, -40),
          });
          expect(f.amount).toBeCloseTo(c * f.daysInMonth, 6);
          expect(f.high - f.low).toBeLessThan(1e-6 * c * f.daysInMonth);
        },
      ),
    );
  });

  it('forecasts the month to date only without history', () => {
    const daily = series('2026-11-01', [5, 5, 5]);
    const f = forecastMonth({
      month: '2026-11',
      asOf: '2026-11-03',
      historyStart: null,
      daily,
    });
    expect(f).toMatchObject({
      monthToDate: 15,
      amount: 15,
      low: 15,
      high: 15,
      basis: 'no-history',
    });
  });

  it('uses the mean of the 14 days before today, the previous month’s included', () => {
    // October: 10 a day up to the 28th, 20 a day from the 29th; November 3rd: today.
    const daily = new Map<string, number>();
    for (const d of costDays('2026-10-01', '2026-11-03')) {
      daily.set(d, d >= '2026-10-29' ? 20 : 10);
    }
    const f = forecastMonth({
      month: '2026-11',
      asOf: '2026-11-03',
      historyStart: '2026-09-01',
      daily,
    });
    // The window: Oct 20..Nov 2 = 9 days of 10 and 5 of 20.
    const rate = (9 * 10 + 5 * 20) / 14;
    expect(f.basis).toBe('recent-days');
    expect(f.rateDays).toBe(14);
    expect(f.monthToDate).toBe(60);
    expect(f.amount).toBeCloseTo(60 + 27 * rate, 9);
    expect(f.low).toBeLessThan(f.amount);
    expect(f.high).toBeGreaterThan(f.amount);
  });

  it('uses the month-to-date mean with under 7 days of history', () => {
    // Onboarded November 10th; today the 14th: 4 complete days before today.
    const daily = series('2026-11-10', [1, 2, 3, 4, 5]);
    const f = forecastMonth({
      month: '2026-11',
      asOf: '2026-11-14',
      historyStart: '2026-11-10',
      daily,
    });
    expect(f.basis).toBe('month-to-date-mean');
    expect(f.rateDays).toBe(5);
    expect(f.dailyRate).toBe(3);
    expect(f.amount).toBe(15 + 16 * 3);
  });

  it('leaves out the days before the tenant existed', () => {
    // Ten days of 6 a day before today; the 14-day window has 4 days before it.
    const daily = series('2026-11-05', Array(11).fill(6));
    const f = forecastMonth({
      month: '2026-11',
      asOf: '2026-11-15',
      historyStart: '2026-11-05',
      daily,
    });
    expect(f.rateDays).toBe(10);
    expect(f.dailyRate).toBe(6);
  });
});

describe('backtestForecast', () => {
  it('finds the complete months of a series', () => {
    expect(completeMonths('2026-01-01', '2026-03-30')).toEqual([
      '2026-01',
      '2026-02',
    ]);
    expect(completeMonths('2026-01-02', '2026-02-28')).toEqual(['2026-02']);
  });

  it('has no error on a constant series, and measures a step', () => {
    const constant = {
      tenant: 'flat',
      from: '2026-01-01',
      to: '2026-06-30',
      daily: series('2026-01-01', Array(181).fill(4)),
    };
    for (const cut of backtestForecast([constant])) {
      expect(cut.months).toBe(6);
      expect(cut.mape).toBeCloseTo(0, 9);
      expect(cut.coverage).toBe(100);
    }
    // Doubling from every month's 15th: from day 7, the forecast is low.
    const daily = new Map<string, number>();
    for (const d of costDays('2026-01-01', '2026-03-31')) {
      daily.set(d, Number(d.slice(8, 10)) >= 15 ? 2 : 1);
    }
    const [day7] = backtestForecast([
      { tenant: 'step', from: '2026-01-01', to: '2026-03-31', daily },
    ]);
    expect(day7.months).toBe(3);
    expect(day7.bias).toBeLessThan(0);
  });
});
