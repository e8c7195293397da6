import { addCostDays, costDays } from '@spot-spark/plugin-emr-on-eks-common';
import fc from 'fast-check';
import {
  COST_PERIODS,
  periodRange,
  previousRange,
  rangeLength,
  readPeriod,
  todayUtc,
  writePeriod,
} from './periods';

/** Any UTC day from 2000 to 2099, as YYYY-MM-DD. */
const aDay = fc
  .integer({ min: 0, max: 36_500 })
  .map(n => addCostDays('2000-01-01', n));

const aPeriod = fc.constantFrom(...COST_PERIODS.map(p => p.value));

describe('todayUtc', () => {
  it('is the UTC day, whatever the time zone of the browser', () => {
    expect(todayUtc(Date.parse('2026-11-30T23:30:00-05:00'))).toBe(
      '2026-12-01',
    );
    expect(todayUtc(Date.parse('2026-12-01T00:30:00+02:00'))).toBe(
      '2026-11-30',
    );
  });
});

describe('periodRange', () => {
  it('counts the last N days back from today, today included', () => {
    expect(periodRange('7d', '2026-11-20')).toEqual({
      from: '2026-11-14',
      to: '2026-11-20',
    });
    expect(periodRange('30d', '2026-03-01')).toEqual({
      from: '2026-01-31',
      to: '2026-03-01',
    });
    expect(periodRange('90d', '2026-11-20')).toEqual({
      from: '2026-08-23',
      to: '2026-11-20',
    });
  });

  it('starts this month on the 1st, leap days and year ends included', () => {
    expect(periodRange('month', '2028-02-29')).toEqual({
      from: '2028-02-01',
      to: '2028-02-29',
    });
    expect(periodRange('month', '2026-01-01')).toEqual({
      from: '2026-01-01',
      to: '2026-01-01',
    });
  });

  it('always ends today and spans the days of its period', () => {
    const fixed = fc.constantFrom(
      ...COST_PERIODS.filter(p => p.days !== undefined),
    );
    fc.assert(
      fc.property(fixed, aDay, (period, today) => {
        const range = periodRange(period.value, today);
        expect(range.to).toBe(today);
        expect(rangeLength(range)).toBe(period.days);
        expect(costDays(range.from, range.to)).toHaveLength(period.days!);
      }),
    );
  });

  it('makes this month the days from the 1st of the UTC month to today', () => {
    fc.assert(
      fc.property(aDay, today => {
        const range = periodRange('month', today);
        expect(range).toEqual({ from: `${today.slice(0, 7)}-01`, to: today });
        expect(costDays(range.from, range.to)).toHaveLength(
          Number(today.slice(8)),
        );
      }),
    );
  });
});

describe('previousRange', () => {
  it('compares this month so far with as many days before the 1st', () => {
    expect(previousRange({ from: '2026-03-01', to: '2026-03-03' })).toEqual({
      from: '2026-02-26',
      to: '2026-02-28',
    });
  });

  it('has the same length and ends the day before the period starts', () => {
    fc.assert(
      fc.property(aPeriod, aDay, (period, today) => {
        const range = periodRange(period, today);
        const previous = previousRange(range);
        expect(rangeLength(previous)).toBe(rangeLength(range));
        expect(addCostDays(previous.to, 1)).toBe(range.from);
      }),
    );
  });
});

describe('the period in the URL', () => {
  it('reads a known period, and 30 days for none or an unknown one', () => {
    expect(readPeriod(new URLSearchParams('costPeriod=month'))).toBe('month');
    expect(readPeriod(new URLSearchParams('costPeriod=1y'))).toBe('30d');
    expect(readPeriod(new URLSearchParams())).toBe('30d');
  });

  it('writes the period, leaving the default out and other parameters alone', () => {
    const params = new URLSearchParams('run=r1&costPeriod=7d');
    expect(writePeriod(params, '90d').toString()).toBe('run=r1&costPeriod=90d');
    expect(writePeriod(params, '30d').toString()).toBe('run=r1');
    expect(params.toString()).toBe('run=r1&costPeriod=7d');
  });
});
