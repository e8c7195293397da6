// @ts-check
// The job runs of an emulated EMR on EKS: StartJobRun (idempotent on
// clientToken, per virtual cluster), DescribeJobRun, ListJobRuns and
// CancelJobRun, answered as the SDK expects. How a run moves through its
// states is its lifecycle's business: a script advanced by a test
// (scriptedLifecycle.mjs) or a clock (clockLifecycle.mjs).
import { randomInt } from 'node:crypto';
import { CREATED_BY, jobRunArn } from './arns.mjs';
import { invalid, notFound } from './errors.mjs';
import { DEFAULT_PAGE_SIZE, listPage } from './listing.mjs';
import { isTerminal } from './states.mjs';

/** @typedef {import('./states.mjs').RunStatus} RunStatus */

/**
 * What a run was started with.
 * @typedef {object} RunFields
 * @property {string} id 19 lowercase base36 characters, as in EMR.
 * @property {string} virtualClusterId
 * @property {string} region For its ARN.
 * @property {string} [account] For its ARN: the virtual cluster's account
 *   (default the emulator's one).
 * @property {string} name
 * @property {string} clientToken
 * @property {string} executionRoleArn
 * @property {string} releaseLabel
 * @property {unknown} jobDriver
 * @property {unknown} [configurationOverrides]
 * @property {Record<string, string>} tags
 * @property {number} createdAt Epoch milliseconds.
 * @property {{ maxAttempts: number }} [retryPolicyConfiguration] As
 *   StartJobRun was given it: the run's driver may be started this many times.
 */

/**
 * A run: what it was started with, its creation order (which breaks
 * createdAt ties in lists) and its progress, which only its lifecycle reads.
 * @template P
 * @typedef {RunFields & { sequence: number, progress: P }} Run
 */

/**
 * How runs move through their states.
 * @template P
 * @typedef {object} Lifecycle
 * @property {(run: RunFields, now: number) => P} begin The progress of a
 *   new run.
 * @property {(run: Run<P>, now: number) => RunStatus} status Where a run
 *   stands at `now`.
 * @property {(run: Run<P>, now: number) => void} cancel Asked for a run that
 *   has not ended and is not CANCEL_PENDING yet: it becomes CANCEL_PENDING,
 *   and CANCELLED later.
 */

/**
 * A run as `add` takes it: the id and clientToken are made up when absent.
 * @typedef {Omit<RunFields, 'id' | 'clientToken'> & { id?: string, clientToken?: string }} NewRun
 */

/** 19 lowercase base36 characters, the shape of real job run ids. */
function randomJobId() {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
  let id = '';
  for (let i = 0; i < 19; i++) {
    id += alphabet[randomInt(alphabet.length)];
  }
  return id;
}

/**
 * The SDK parses timestamps with parseRfc3339DateTimeWithOffset: ISO-8601
 * strings, not epoch numbers.
 * @param {number} time
 */
function timestamp(time) {
  return new Date(time).toISOString();
}

/**
 * The runs of every virtual cluster, and the operations on them.
 * @template P
 */
export class JobRuns {
  /** Server-side cap on ListJobRuns page size. */
  pageSize = DEFAULT_PAGE_SIZE;

  /** @type {Map<string, Run<P>>} */
  #runs = new Map();
  /**
   * `${virtualClusterId}\n${clientToken}` -> run id, for idempotent StartJobRun.
   * @type {Map<string, string>}
   */
  #byClientToken = new Map();
  #sequence = 0;
  /** @type {() => number} */
  #now;
  /** @type {(change: 'started' | 'cancelling', run: Run<P>) => void} */
  #onChange;

  /**
   * @param {{
   *   lifecycle: Lifecycle<P>,
   *   now?: () => number,
   *   onChange?: (change: 'started' | 'cancelling', run: Run<P>) => void,
   * }} options `now` is the clock (default `Date.now`); `onChange` hears of
   *   runs StartJobRun created and of runs CancelJobRun began to cancel.
   */
  constructor(options) {
    this.lifecycle = options.lifecycle;
    this.#now = options.now ?? Date.now;
    this.#onChange = options.onChange ?? (() => {});
  }

  // ---- the runs ----

  /** @param {string} id */
  get(id) {
    return this.#runs.get(id);
  }

  all() {
    return [...this.#runs.values()];
  }

  /** @param {string} [virtualClusterId] Every virtual cluster's when omitted. */
  count(virtualClusterId) {
    return virtualClusterId === undefined
      ? this.#runs.size
      : this.all().filter(run => run.virtualClusterId === virtualClusterId)
          .length;
  }

  /**
   * Where a run stands now.
   * @param {Run<P>} run
   */
  status(run) {
    return this.lifecycle.status(run, this.#now());
  }

  /**
   * Adds a run: one StartJobRun accepted, or one as if started outside this
   * API (e.g. by Airflow).
   * @param {NewRun} fields
   * @param {(run: RunFields) => P} [progressFor] Its progress; by default
   *   the lifecycle's for a new run.
   * @returns {Run<P>}
   */
  add(fields, progressFor) {
    const sequence = this.#sequence++;
    /** @type {RunFields} */
    const started = {
      ...fields,
      id: fields.id ?? this.#newId(),
      // Real job runs always carry one; runs started elsewhere got theirs there.
      clientToken: fields.clientToken ?? `external-${sequence}`,
    };
    const progress = progressFor
      ? progressFor(started)
      : this.lifecycle.begin(started, this.#now());
    return this.restore({ ...started, sequence, progress });
  }

  /**
   * Takes back a run kept by an earlier session, as it was.
   * @param {Run<P>} run
   */
  restore(run) {
    this.#runs.set(run.id, run);
    this.#byClientToken.set(
      `${run.virtualClusterId}\n${run.clientToken}`,
      run.id,
    );
    this.#sequence = Math.max(this.#sequence, run.sequence + 1);
    return run;
  }

  /**
   * EMR forgets runs after a while: Describe answers 404 from then on.
   * @param {string} id
   */
  forget(id) {
    this.#runs.delete(id);
  }

  // ---- the operations (the virtual cluster is checked by the caller) ----

  /**
   * StartJobRun: a new run, or the one this clientToken already started in
   * this virtual cluster.
   * @param {string} virtualClusterId
   * @param {any} body The request, parsed.
   * @param {string} region The region the request was signed for.
   * @param {string} [account] The virtual cluster's account, if not the
   *   emulator's default one.
   */
  start(virtualClusterId, body, region, account) {
    if (typeof body?.clientToken !== 'string' || body.clientToken === '') {
      throw invalid('clientToken is required.');
    }
    const earlier = this.#runs.get(
      this.#byClientToken.get(`${virtualClusterId}\n${body.clientToken}`) ?? '',
    );
    if (earlier) {
      return this.#startAnswer(earlier);
    }
    if (body.jobTemplateId !== undefined) {
      throw invalid('Job templates are not supported by the EMR emulator.');
    }
    for (const required of ['executionRoleArn', 'releaseLabel']) {
      if (typeof body[required] !== 'string') {
        throw invalid(`${required} is required.`);
      }
    }
    if (body.jobDriver === undefined || body.jobDriver === null) {
      throw invalid('jobDriver is required.');
    }
    const retryPolicy = body.retryPolicyConfiguration;
    if (
      retryPolicy !== undefined &&
      !(
        Number.isInteger(retryPolicy?.maxAttempts) &&
        retryPolicy.maxAttempts >= 1
      )
    ) {
      throw invalid('retryPolicyConfiguration.maxAttempts must be 1 or more.');
    }
    const run = this.add({
      virtualClusterId,
      region,
      ...(account ? { account } : {}),
      name: body.name ?? 'job',
      clientToken: body.clientToken,
      executionRoleArn: body.executionRoleArn,
      releaseLabel: body.releaseLabel,
      jobDriver: body.jobDriver,
      configurationOverrides: body.configurationOverrides,
      tags: body.tags ?? {},
      createdAt: this.#now(),
      ...(retryPolicy
        ? { retryPolicyConfiguration: { maxAttempts: retryPolicy.maxAttempts } }
        : {}),
    });
    this.#onChange('started', run);
    return this.#startAnswer(run);
  }

  /**
   * DescribeJobRun.
   * @param {string} virtualClusterId
   * @param {string} id
   */
  describe(virtualClusterId, id) {
    return {
      jobRun: this.#jobRun(this.#existing(virtualClusterId, id), this.#now()),
    };
  }

  /**
   * ListJobRuns, one page.
   * @param {string} virtualClusterId
   * @param {URLSearchParams} params
   */
  list(virtualClusterId, params) {
    const now = this.#now();
    const { page, nextToken } = listPage(
      this.all().filter(run => run.virtualClusterId === virtualClusterId),
      params,
      {
        pageSize: this.pageSize,
        stateOf: run => this.lifecycle.status(run, now).state,
      },
    );
    return { jobRuns: page.map(run => this.#jobRun(run, now)), nextToken };
  }

  /**
   * CancelJobRun: CANCEL_PENDING, then CANCELLED. Cancelling twice is
   * harmless, as in EMR; an ended run cannot be cancelled.
   * @param {string} virtualClusterId
   * @param {string} id
   */
  cancel(virtualClusterId, id) {
    const run = this.#existing(virtualClusterId, id);
    const now = this.#now();
    const { state } = this.lifecycle.status(run, now);
    if (isTerminal(state)) {
      throw invalid(
        `Job run ${id} is in terminal state ${state} and can't be cancelled.`,
      );
    }
    if (state !== 'CANCEL_PENDING') {
      this.lifecycle.cancel(run, now);
      this.#onChange('cancelling', run);
    }
    return { id: run.id, virtualClusterId };
  }

  // ---- helpers ----

  #newId() {
    let id = randomJobId();
    while (this.#runs.has(id)) {
      id = randomJobId();
    }
    return id;
  }

  /**
   * @param {string} virtualClusterId
   * @param {string} id
   */
  #existing(virtualClusterId, id) {
    const run = this.#runs.get(id);
    if (!run || run.virtualClusterId !== virtualClusterId) {
      throw notFound(`Job run ${id} doesn't exist.`);
    }
    return run;
  }

  /** @param {Run<P>} run */
  #startAnswer(run) {
    return {
      id: run.id,
      name: run.name,
      arn: jobRunArn(run),
      virtualClusterId: run.virtualClusterId,
    };
  }

  /**
   * The JobRun the SDK reads; JSON.stringify drops the undefined members,
   * so optional fields stay absent.
   * @param {Run<P>} run
   * @param {number} now
   */
  #jobRun(run, now) {
    const { state, stateDetails, failureReason, finishedAt, attempt } =
      this.lifecycle.status(run, now);
    return {
      id: run.id,
      name: run.name,
      virtualClusterId: run.virtualClusterId,
      arn: jobRunArn(run),
      state,
      clientToken: run.clientToken,
      executionRoleArn: run.executionRoleArn,
      releaseLabel: run.releaseLabel,
      configurationOverrides: run.configurationOverrides,
      jobDriver: run.jobDriver,
      createdAt: timestamp(run.createdAt),
      createdBy: CREATED_BY,
      finishedAt: finishedAt === undefined ? undefined : timestamp(finishedAt),
      stateDetails,
      failureReason,
      tags: run.tags,
      // EMR reports both only for runs started with a retry policy.
      retryPolicyConfiguration: run.retryPolicyConfiguration,
      retryPolicyExecution: run.retryPolicyConfiguration
        ? { currentAttemptCount: attempt ?? 1 }
        : undefined,
    };
  }
}
