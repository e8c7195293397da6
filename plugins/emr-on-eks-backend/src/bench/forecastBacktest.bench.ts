import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
  backtestForecast,
  completeMonths,
  type CostSeries,
} from '../domain/costs/forecast';

/*
 * `npm run bench`, forecast: the month-end forecast's error on the sample
 * bills (examples/cost-data), from days 7, 14 and 21 of each complete month,
 * against the month's actual total. Prints figures, asserts nothing of them.
 *
 * The committed sample covers 30 days (2026-10-24..2026-11-22): no complete
 * month. So the generator (the same module, world and seed) also makes a
 * year of the sample: its 15 runs repeated every 30 days back from
 * 2026-11-22 (each repeat a run of its own id, so its duration and Spot
 * prices are drawn afresh), over 366 days: 11 complete months of 2 tenants.
 * A tenant's day is what the plugin charges once billed: the uplift
 * (`modelUplift`, what the bill says) plus Kubecost compute and storage.
 */

jest.setTimeout(10 * 60_000);

const ROOT = path.resolve(
  resolvePackagePath('@spot-spark/plugin-emr-on-eks-backend'),
  '../..',
);

/** Runs in a child Node (the generator is ESM); prints `{ from, to, tenants }`. */
const GENERATE = `
import { readFileSync } from 'node:fs';
const [root, mode] = process.argv.slice(1);
const dir = root + '/examples/cost-data';
const sample = JSON.parse(readFileSync(dir + '/sample/summary.json', 'utf8'));
let summary = sample;
if (mode === 'year') {
  const { generateCostData } = await import(dir + '/generate.mjs');
  const world = JSON.parse(readFileSync(dir + '/world.json', 'utf8'));
  const startOf = new Map(sample.jobs.map(j => [j.emrJobRunId, j.start.slice(0, 10)]));
  const back = (day, n) => new Date(Date.parse(day + 'T00:00:00Z') - n * 86400000).toISOString().slice(0, 10);
  const runs = [];
  for (let k = 0; k <= 12; k++) {
    for (const run of world.runs) {
      runs.push({
        ...run,
        emrJobRunId: k === 0 ? run.emrJobRunId : run.emrJobRunId.slice(0, 16) + String(k).padStart(3, '0'),
        day: back(startOf.get(run.emrJobRunId), 30 * k),
      });
    }
  }
  summary = generateCostData({ ...world, runs }, { today: sample.today, days: 366, outputs: ['summary'] }).summary;
}
const tenants = {};
for (const [name, t] of Object.entries(summary.tenants)) {
  tenants[name] = Object.fromEntries(
    Object.entries(t.days).map(([d, v]) => [d, v.modelUplift + v.kubecostCompute + v.kubecostStorage]),
  );
}
console.log(JSON.stringify({ from: summary.from, to: summary.to, tenants }));
`;

function sampleSeries(mode: 'committed' | 'year'): CostSeries[] {
  const out = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', GENERATE, ROOT, mode],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const parsed = JSON.parse(out) as {
    from: string;
    to: string;
    tenants: Record<string, Record<string, number>>;
  };
  return Object.entries(parsed.tenants).map(([tenant, days]) => ({
    tenant,
    from: parsed.from,
    to: parsed.to,
    daily: new Map(Object.entries(days)),
  }));
}

const pct = (value: number | null) =>
  value === null ? 'n/a' : `${value.toFixed(1)} %`;

describe('forecast backtest on the sample bills', () => {
  it.each(['committed', 'year'] as const)('prints the error (%s)', mode => {
    const series = sampleSeries(mode);
    const months = completeMonths(series[0].from, series[0].to);
    const result = backtestForecast(series);
    const total = series.reduce(
      (sum, s) => sum + [...s.daily.values()].reduce((a, b) => a + b, 0),
      0,
    );
    // eslint-disable-next-line no-console
    console.log(
      [
        `Forecast backtest, ${mode} sample (${series[0].from}..${
          series[0].to
        }, tenants ${series.map(s => s.tenant).join(', ')}, ${
          months.length
        } complete months, ${total.toFixed(2)} USD in all):`,
        ...result.map(
          r =>
            `  from day ${r.day}: ${r.months} tenant-months, MAPE ${pct(
              r.mape,
            )}, bias ${pct(r.bias)}, actual within the band ${pct(r.coverage)}`,
        ),
      ].join('\n'),
    );
    expect(result).toHaveLength(3);
  });
});
