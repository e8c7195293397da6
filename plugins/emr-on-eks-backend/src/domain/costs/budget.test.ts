import fc from 'fast-check';
import { budgetStatus, newlyCrossed } from './budget';

describe('budgetStatus', () => {
  const budget = { amount: 1000, thresholds: [50, 80, 100] };

  it.each([
    // monthToDate, forecast, state, crossed
    [0, 0, 'ok', []],
    [100, 499.99, 'ok', []],
    [100, 500, 'ok', [[50, 'forecast']]],
    [500, 700, 'ok', [[50, 'actual']]],
    [
      500,
      800,
      'ok',
      [
        [50, 'actual'],
        [80, 'forecast'],
      ],
    ],
    [
      600,
      1000,
      'at-risk',
      [
        [50, 'actual'],
        [80, 'forecast'],
        [100, 'forecast'],
      ],
    ],
    [
      850,
      1200,
      'at-risk',
      [
        [50, 'actual'],
        [80, 'actual'],
        [100, 'forecast'],
      ],
    ],
    [
      1000,
      1000,
      'over',
      [
        [50, 'actual'],
        [80, 'actual'],
        [100, 'actual'],
      ],
    ],
    [
      1500,
      1500,
      'over',
      [
        [50, 'actual'],
        [80, 'actual'],
        [100, 'actual'],
      ],
    ],
  ] as const)(
    'month to date %p, forecast %p: %s',
    (monthToDate, forecast, state, crossed) => {
      const status = budgetStatus(budget, monthToDate, forecast);
      expect(status.state).toBe(state);
      expect(status.crossed).toEqual(
        crossed.map(([threshold, basis]) => ({ threshold, basis })),
      );
      expect(status.actualPercent).toBeCloseTo(monthToDate / 10, 9);
      expect(status.forecastPercent).toBeCloseTo(forecast / 10, 9);
    },
  );

  it('crosses exactly at the threshold, where a division would round', () => {
    // 0.7 * 100 / 1 = 70.00000000000001; 0.29 * 100 = 28.999999999999996.
    expect(
      budgetStatus({ amount: 1, thresholds: [70] }, 0.7, 0.7).crossed,
    ).toEqual([{ threshold: 70, basis: 'actual' }]);
    expect(
      budgetStatus({ amount: 0.01, thresholds: [29] }, 0.0029, 0.0029).crossed,
    ).toHaveLength(1);
  });

  it('agrees with the rules for any budget and figures', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 1e9, noNaN: true }),
        fc.uniqueArray(fc.integer({ min: 1, max: 1000 }), {
          minLength: 1,
          maxLength: 10,
        }),
        fc.double({ min: 0, max: 2e9, noNaN: true }),
        fc.double({ min: 0, max: 2e9, noNaN: true }),
        (amount, raw, monthToDate, extra) => {
          const thresholds = [...raw].sort((a, b) => a - b);
          const forecast = monthToDate + extra;
          const status = budgetStatus(
            { amount, thresholds },
            monthToDate,
            forecast,
          );
          // Each threshold crossed is reached by what it names; none missed.
          for (const t of thresholds) {
            const c = status.crossed.find(x => x.threshold === t);
            const byActual = monthToDate * 100 >= t * amount;
            const byForecast = forecast * 100 >= t * amount;
            let basis: string | undefined;
            if (byActual) {
              basis = 'actual';
            } else if (byForecast) {
              basis = 'forecast';
            }
            expect(c?.basis).toBe(basis);
          }
          // Actual crossings are a prefix: a lower threshold is reached first.
          const bases = status.crossed.map(c => c.basis);
          expect(bases.lastIndexOf('actual')).toBeLessThan(
            bases.indexOf('forecast') === -1
              ? Infinity
              : bases.indexOf('forecast'),
          );
          let state = 'ok';
          if (monthToDate * 100 >= 100 * amount) {
            state = 'over';
          } else if (forecast * 100 >= 100 * amount) {
            state = 'at-risk';
          }
          expect(status.state).toBe(state);
        },
      ),
    );
  });
});

describe('newlyCrossed', () => {
  it('leaves out what was alerted this month, whatever crossed it then', () => {
    const status = budgetStatus(
      { amount: 100, thresholds: [50, 80, 100] },
      85,
      120,
    );
    expect(newlyCrossed(status, new Set([50, 80]))).toEqual([
      { threshold: 100, basis: 'forecast' },
    ]);
    expect(newlyCrossed(status, new Set([50, 80, 100]))).toEqual([]);
  });
});
