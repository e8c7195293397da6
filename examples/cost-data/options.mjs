// @ts-check
/** The options of `generateCostData`, checked, with their defaults, and the period they span. */
import { addDays, MINUTES_PER_DAY, minuteOfDay } from './time.mjs';
import { UPLIFT_RATES } from './uplift.mjs';

export const DEFAULT_SEED = 'emr-on-eks-chargeback-sample';
export const DEFAULT_DAYS = 30;
export const DEFAULT_CUR_LAG_DAYS = 2;

/**
 * @typedef {'cur' | 'kubecost' | 'summary'} Output
 */

/**
 * @typedef {object} Options
 * @property {string} today the day the data is generated on, YYYY-MM-DD.
 * @property {number} [days] days of data, ending with `today`; default 30.
 * @property {'legacy' | 'cur2'} [layout] CUR layout; default `legacy`.
 * @property {string} [seed] default {@link DEFAULT_SEED}.
 * @property {number} [curLagDays] CUR covers through `today - curLagDays`; default 2.
 * @property {{ vcpuHour: number, gbHour: number }} [rates] EMR on EKS uplift
 *   rates; default the region's from {@link UPLIFT_RATES} (us-east-1's otherwise).
 * @property {Output[]} [outputs] files to produce; default all.
 */

/**
 * The days the data covers: `from` through `today`; the bill through `curLastDay`.
 * @typedef {object} Period
 * @property {string} today
 * @property {number} days
 * @property {string} from
 * @property {number} periodStart first minute of `from`.
 * @property {number} periodEnd first minute after `today`.
 * @property {string} curLastDay
 * @property {string[]} dayList every day, in order.
 * @property {Map<string, number>} dayIndexOf a day's index in `dayList`.
 */

/**
 * Options with their defaults; throws an error naming an invalid option.
 * @param {import('./world.mjs').World} world
 * @param {Options} options
 */
export function resolveOptions(world, options) {
  if (!options || typeof options.today !== 'string') {
    throw new Error('options.today (YYYY-MM-DD) is required');
  }
  const today = options.today;
  const todayStart = minuteOfDay(today);
  const days = options.days ?? DEFAULT_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > 366) {
    throw new Error(`days must be an integer from 1 to 366, got ${days}`);
  }
  const layout = options.layout ?? 'legacy';
  if (layout !== 'legacy' && layout !== 'cur2') {
    throw new Error(`layout must be legacy or cur2, got ${layout}`);
  }
  const seed = options.seed ?? DEFAULT_SEED;
  const curLagDays = options.curLagDays ?? DEFAULT_CUR_LAG_DAYS;
  if (!Number.isInteger(curLagDays) || curLagDays < 0) {
    throw new Error(`curLagDays must be an integer >= 0, got ${curLagDays}`);
  }
  const rates =
    options.rates ?? UPLIFT_RATES[world.region] ?? UPLIFT_RATES['us-east-1'];
  const outputs = new Set(options.outputs ?? ['cur', 'kubecost', 'summary']);

  const from = addDays(today, -(days - 1));
  /** @type {string[]} */
  const dayList = [];
  for (let i = 0; i < days; i++) {
    dayList.push(addDays(from, i));
  }
  /** @type {Period} */
  const period = {
    today,
    days,
    from,
    periodStart: minuteOfDay(from),
    periodEnd: todayStart + MINUTES_PER_DAY,
    curLastDay: addDays(today, -curLagDays),
    dayList,
    dayIndexOf: new Map(dayList.map((day, index) => [day, index])),
  };
  return { layout, seed, rates, outputs, period };
}
