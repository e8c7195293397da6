// @ts-check
/**
 * When the job runs run, and their pods: a driver for the whole run and
 * executors between `min` and `max` (dynamic allocation); the foreign virtual
 * clusters' runs; and the system pods without EMR labels.
 */
import { alnumOf, hexOf, intIn, rngFor, uuidOf } from './random.mjs';
import { MINUTES_PER_DAY, minuteOfDay } from './time.mjs';

/**
 * @typedef {import('./world.mjs').World} World
 * @typedef {import('./world.mjs').Run} Run
 * @typedef {import('./world.mjs').Tenant} Tenant
 * @typedef {import('./world.mjs').Foreign} Foreign
 * @typedef {import('./world.mjs').PodShape} PodShape
 * @typedef {import('./world.mjs').ExecutorShape} ExecutorShape
 * @typedef {import('./options.mjs').Period} Period
 */

/**
 * @typedef {object} Pod
 * @property {string} uid
 * @property {string} name
 * @property {string} namespace
 * @property {'driver' | 'executor' | 'system'} role
 * @property {number} cores
 * @property {number} memoryGiB
 * @property {number} volumeGiB
 * @property {number} start
 * @property {number} end
 * @property {'spot' | 'on-demand'} capacity
 * @property {Job | null} job
 * @property {import('./nodes.mjs').Instance | null} instance
 */

/**
 * @typedef {object} Job
 * @property {string} emrJobRunId
 * @property {string} virtualClusterId
 * @property {string} namespace
 * @property {string | null} tenant
 * @property {string | null} entityRef
 * @property {string | null} name
 * @property {boolean} spot
 * @property {number} start
 * @property {number} end
 * @property {Pod[]} pods
 * @property {ExecutorShape} executorShape
 * @property {PodShape} driverShape
 */

/**
 * @typedef {Run & { namespace: string, virtualClusterId: string, tenantName: string | null }} ResolvedRun
 */

/**
 * The day index (0 = first day of the period) of the k-th run without a
 * day: the first three on the last three days (today, today-1, and a run of
 * today-2 that spans midnight into today-1), so the days the bill has not
 * covered have runs; the rest spread evenly over the earlier days.
 * @param {number} k @param {number} count @param {number} days
 */
function spreadDayIndex(k, count, days) {
  const last = days - 1;
  if (k < 3) {
    return Math.max(0, last - k);
  }
  const earlier = Math.max(1, days - 3); // indexes 0 .. days-4
  return Math.min(
    Math.max(0, days - 4),
    Math.floor(((k - 3) * earlier) / Math.max(1, count - 3)),
  );
}

/**
 * A run on a day of the period, with its pods. Start and duration come from
 * the seed, keyed by the job-run id.
 * @param {ResolvedRun} run
 * @param {number} dayIndex
 * @param {boolean} spansMidnight
 * @param {string} seed
 * @param {Period} period
 * @returns {Job}
 */
function scheduleJob(run, dayIndex, spansMidnight, seed, period) {
  const rng = rngFor(seed, 'run', run.emrJobRunId);
  const dayStart = period.periodStart + dayIndex * MINUTES_PER_DAY;
  const isLastDay = dayIndex === period.days - 1;
  let duration = run.durationMinutes ?? intIn(rng, 35, 150);
  let startInDay;
  if (spansMidnight && !isLastDay) {
    startInDay = 22 * 60 + 30 + intIn(rng, 0, 60);
    duration = Math.max(duration, MINUTES_PER_DAY - startInDay + 15);
  } else {
    const latest = Math.max(0, MINUTES_PER_DAY - duration - 10);
    startInDay = intIn(rng, Math.min(60, latest), Math.min(20 * 60, latest));
  }
  const start = dayStart + startInDay;
  const end = Math.min(start + duration, period.periodEnd);
  /** @type {Job} */
  const job = {
    emrJobRunId: run.emrJobRunId,
    virtualClusterId: run.virtualClusterId,
    namespace: run.namespace,
    tenant: run.tenantName,
    entityRef: run.entityRef ?? null,
    name: run.name ?? null,
    spot: run.spot,
    start,
    end,
    pods: [],
    executorShape: run.executor,
    driverShape: run.driver,
  };
  const podRng = rngFor(seed, 'pods', run.emrJobRunId);
  /** @type {(role: 'driver' | 'executor', name: string, shape: PodShape, s: number, e: number, volumeGiB: number) => void} */
  const addPod = (role, name, shape, s, e, volumeGiB) => {
    job.pods.push({
      uid: uuidOf(podRng),
      name,
      namespace: run.namespace,
      role,
      cores: shape.cores,
      memoryGiB: shape.memoryGiB,
      volumeGiB,
      start: s,
      end: Math.max(s + 1, e),
      capacity: role === 'executor' && run.spot ? 'spot' : 'on-demand',
      job,
      instance: null,
    });
  };
  addPod(
    'driver',
    `spark-${run.emrJobRunId}-driver`,
    run.driver,
    start,
    end,
    0,
  );
  const { min, max } = run.executor;
  const count = Math.max(1, min === max ? max : intIn(rng, min, max));
  const base = Math.min(count, Math.max(1, min));
  const appId = hexOf(podRng, 16);
  const volume = run.executor.volumeGiB ?? 0;
  const length = end - start;
  for (let i = 1; i <= count; i++) {
    let s;
    let e;
    if (i <= base) {
      s = start + intIn(rng, 1, 3);
      e = end - intIn(rng, 0, 2);
    } else {
      // Dynamic allocation: added while the stages are wide, removed when idle.
      s =
        start + intIn(rng, Math.floor(length * 0.15), Math.floor(length * 0.5));
      e = Math.min(
        end - 1,
        s + intIn(rng, 15, Math.max(16, Math.floor(length * 0.6))),
      );
    }
    if (e <= s + 2) {
      e = Math.min(end, s + 5);
    }
    addPod(
      'executor',
      `spark-${run.emrJobRunId}-${appId}-exec-${i}`,
      run.executor,
      s,
      e,
      volume,
    );
  }
  return job;
}

/**
 * The job runs of the world, and a few runs per month of each foreign
 * virtual cluster. Runs whose `day` is outside the period are skipped.
 * @param {object} input
 * @param {World} input.world
 * @param {Map<string, Tenant>} input.tenantsByName
 * @param {Foreign[]} input.foreigns
 * @param {string} input.seed
 * @param {Period} input.period
 */
export function scheduleRuns({ world, tenantsByName, foreigns, seed, period }) {
  const { days } = period;
  /** @type {Job[]} */
  const jobs = [];
  /** @type {string[]} */
  const skippedRuns = [];

  const undated = world.runs.filter(run => run.day === undefined);
  let k = 0;
  for (const run of world.runs) {
    const tenant = /** @type {Tenant} */ (tenantsByName.get(run.tenant));
    const resolved = {
      ...run,
      namespace: tenant.namespace,
      virtualClusterId: run.virtualClusterId ?? tenant.virtualClusterId,
      tenantName: tenant.name,
    };
    if (run.day !== undefined) {
      const dayIndex = period.dayIndexOf.get(run.day);
      if (dayIndex === undefined) {
        skippedRuns.push(run.emrJobRunId);
        continue;
      }
      const spans = rngFor(seed, 'spans', run.emrJobRunId)() < 0.25;
      jobs.push(scheduleJob(resolved, dayIndex, spans, seed, period));
    } else {
      const dayIndex = spreadDayIndex(k, undated.length, days);
      const spans = k === 2 || (k >= 3 && (k - 3) % 4 === 1);
      jobs.push(scheduleJob(resolved, dayIndex, spans, seed, period));
      k++;
    }
  }

  // Runs of the foreign virtual clusters: a few per month, spread out.
  foreigns.forEach((foreign, f) => {
    const count = Math.max(1, Math.round(days / 8));
    for (let j = 0; j < count; j++) {
      const rng = rngFor(seed, 'foreign', foreign.virtualClusterId, j);
      const dayIndex = Math.min(
        days - 1,
        Math.floor(((j + 0.5) * days) / count),
      );
      const run = {
        tenant: '',
        tenantName: null,
        emrJobRunId: `00000003${alnumOf(rng, 11)}`,
        virtualClusterId: foreign.virtualClusterId,
        namespace: foreign.namespace,
        name: `sandbox-${f + 1}-${j + 1}`,
        spot: true,
        driver: { cores: 1, memoryGiB: 4 },
        executor: { cores: 2, memoryGiB: 8, min: 2, max: 4 },
      };
      jobs.push(scheduleJob(run, dayIndex, false, seed, period));
    }
  });
  return { jobs, skippedRuns };
}

/**
 * System pods without EMR labels (Kubecost's `__unallocated__`): every 7th
 * day, `kube-system/image-gc-...`, 0.5 vCPU and 1 GiB for about an hour.
 * @param {Period} period
 * @param {string} seed
 */
export function systemPods(period, seed) {
  /** @type {Pod[]} */
  const pods = [];
  period.dayList.forEach((day, index) => {
    if (index % 7 !== 3) {
      return;
    }
    const rng = rngFor(seed, 'system', day);
    const start = minuteOfDay(day) + 3 * 60 + intIn(rng, 0, 30);
    pods.push({
      uid: uuidOf(rng),
      name: `image-gc-${day.replace(/-/g, '')}-${alnumOf(rng, 5)}`,
      namespace: 'kube-system',
      role: 'system',
      cores: 0.5,
      memoryGiB: 1,
      volumeGiB: 0,
      start,
      end: start + intIn(rng, 45, 90),
      capacity: 'on-demand',
      job: null,
      instance: null,
    });
  });
  return pods;
}
