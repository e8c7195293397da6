// LOCAL ONLY: a stand-in for the job runs of EMR on EKS, for `npm start`.
//
// moto (the AWS emulator) keeps every job run RUNNING forever, so on moto
// alone the example app would never show a run finish. This proxy sits
// between the backend and moto: every AWS call goes through to moto
// unchanged (IAM, S3, CloudWatch Logs, STS, virtual clusters), except the
// four emr-containers job-run operations, which it answers itself with runs
// that move through EMR's states on a clock:
//
//   PENDING -> SUBMITTED -> RUNNING -> COMPLETED   (most runs)
//                                   -> FAILED       (some, with a reason)
//   CancelJobRun: CANCEL_PENDING -> CANCELLED
//
// It speaks the REST-JSON wire protocol of `@aws-sdk/client-emr-containers`
// (StartJobRun, DescribeJobRun, ListJobRuns, CancelJobRun), checks the
// virtual cluster with moto, and honours `clientToken` as EMR does. Nothing
// here is ever used outside a laptop. With `stateFile`, its runs outlive a
// restart like the backend's database does (moto forgets everything), so a
// run that was RUNNING when `npm start` stopped still ends as it would have.
//
// What a run does is chosen by its tag `local-simulator/outcome`
// (`COMPLETED`, `FAILED` or `LONG`: runs for an hour, for trying cancel);
// without the tag, one run in four fails, chosen by a hash of its id.
//
// Standalone: node examples/local/jobRunSimulator.mjs --upstream http://127.0.0.1:5000
//   [--port 5001] [--speed 2] [--state-file runs.json]
import { createHash, randomInt } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { pathToFileURL } from 'node:url';

const ACCOUNT = '123456789012';
const JOB_RUN_PATH = /^\/virtualclusters\/([^/]+)\/jobruns(?:\/([^/]+))?\/?$/;
const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);
/** The tag that tells the simulator what a run does. */
export const OUTCOME_TAG = 'local-simulator/outcome';

/** Seconds spent in each state before the next (scaled by `speed`). */
const DEFAULT_TIMING = {
  pending: 5,
  submitted: 10,
  running: 60,
  long: 3600,
  cancelPending: 3,
};

/** Failures a run may end with: EMR's failure reasons, with details. */
const FAILURES = [
  {
    failureReason: 'USER_ERROR',
    stateDetails:
      'Job run failed: the Spark application exited with code 1 (java.lang.OutOfMemoryError: Java heap space in stage 3; raise spark.executor.memory or the number of partitions).',
  },
  {
    failureReason: 'USER_ERROR',
    stateDetails:
      "Job run failed: the driver could not read the entry point (py4j: FileNotFoundException: No such file or directory 's3://data-lake/input/2026-11-21/')",
  },
  {
    failureReason: 'CLUSTER_UNAVAILABLE',
    stateDetails:
      'Job run failed: no capacity was available for the driver within job-start-timeout (0/12 nodes are available: 12 Insufficient cpu).',
  },
];

/** 19 lowercase base36 characters, the shape of real job run ids. */
function newJobId() {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
  let id = '';
  for (let i = 0; i < 19; i++) id += alphabet[randomInt(alphabet.length)];
  return id;
}

function hashOf(text) {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

class SimulatorError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const invalid = message =>
  new SimulatorError(400, 'ValidationException', message);
const notFound = message =>
  new SimulatorError(404, 'ResourceNotFoundException', message);

/**
 * What happens to a run, as (state, seconds after the start) steps; the
 * last step is where it stays.
 */
function planFor(job, timing) {
  const requested = String(job.tags[OUTCOME_TAG] ?? '').toUpperCase();
  const outcome =
    requested === 'COMPLETED' || requested === 'FAILED' || requested === 'LONG'
      ? requested
      : hashOf(job.id) % 4 === 0
      ? 'FAILED'
      : 'COMPLETED';
  const submittedAt = timing.pending;
  const runningAt = submittedAt + timing.submitted;
  const endAt = runningAt + (outcome === 'LONG' ? timing.long : timing.running);
  const end =
    outcome === 'FAILED'
      ? { state: 'FAILED', ...FAILURES[hashOf(`${job.id}:why`) % 3] }
      : { state: 'COMPLETED' };
  return [
    { at: 0, state: 'PENDING' },
    { at: submittedAt, state: 'SUBMITTED' },
    { at: runningAt, state: 'RUNNING' },
    { at: endAt, ...end },
  ];
}

/** The run's state now, and when it reached it. */
function currentStep(job, now, timing) {
  if (job.cancelledAt) {
    const cancelledAfter = timing.cancelPending * 1000;
    return now - job.cancelledAt >= cancelledAfter
      ? {
          state: 'CANCELLED',
          stateDetails: 'Job run cancelled.',
          since: job.cancelledAt + cancelledAfter,
        }
      : { state: 'CANCEL_PENDING', since: job.cancelledAt };
  }
  const elapsed = (now - job.createdAt) / 1000;
  let step = job.plan[0];
  for (const candidate of job.plan) {
    if (candidate.at <= elapsed) step = candidate;
  }
  return { ...step, since: job.createdAt + step.at * 1000 };
}

function jobRunJson(job, now, timing) {
  const { state, stateDetails, failureReason, since } = currentStep(
    job,
    now,
    timing,
  );
  return {
    id: job.id,
    name: job.name,
    virtualClusterId: job.virtualClusterId,
    arn: `arn:aws:emr-containers:${job.region}:${ACCOUNT}:/virtualclusters/${job.virtualClusterId}/jobruns/${job.id}`,
    state,
    clientToken: job.clientToken,
    executionRoleArn: job.executionRoleArn,
    releaseLabel: job.releaseLabel,
    configurationOverrides: job.configurationOverrides,
    jobDriver: job.jobDriver,
    createdAt: new Date(job.createdAt).toISOString(),
    createdBy: `arn:aws:iam::${ACCOUNT}:root`,
    finishedAt: TERMINAL.has(state) ? new Date(since).toISOString() : undefined,
    stateDetails,
    failureReason,
    tags: job.tags,
  };
}

/** The emr-containers calls this simulator answers; undefined for the rest. */
function jobRunOperation(req, url) {
  // The SigV4 credential scope names the service, as moto itself routes.
  const authorization = req.headers.authorization ?? '';
  if (!/\/emr-containers\/aws4_request/.test(authorization)) return undefined;
  const match = JOB_RUN_PATH.exec(url.pathname);
  if (!match) return undefined;
  const [, virtualClusterId, jobId] = match.map(part =>
    part === undefined ? undefined : decodeURIComponent(part),
  );
  const region =
    /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(authorization)?.[1] ??
    'us-east-1';
  const method = req.method ?? 'GET';
  let operation;
  if (!jobId && method === 'POST') operation = 'StartJobRun';
  else if (!jobId && method === 'GET') operation = 'ListJobRuns';
  else if (jobId && method === 'GET') operation = 'DescribeJobRun';
  else if (jobId && method === 'DELETE') operation = 'CancelJobRun';
  else return undefined;
  return { operation, virtualClusterId, jobId, region };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The runs saved by an earlier session, or none. */
function loadJobs(stateFile) {
  if (!stateFile) return [];
  try {
    return JSON.parse(readFileSync(stateFile, 'utf8')).jobs ?? [];
  } catch {
    return [];
  }
}

/**
 * Starts the simulator on a loopback port, in front of moto at `upstream`.
 *
 * @param {{ upstream: string, port?: number, speed?: number,
 *   stateFile?: string, log?: (message: string) => void }} options `speed`
 *   divides every duration (2 runs twice as fast); `stateFile` keeps the
 *   runs across restarts.
 * @returns {Promise<{ endpoint: string, stop(): Promise<void> }>}
 */
export async function startJobRunSimulator(options) {
  const upstream = new URL(options.upstream);
  const speed = options.speed ?? 1;
  const timing = Object.fromEntries(
    Object.entries(DEFAULT_TIMING).map(([key, seconds]) => [
      key,
      seconds / speed,
    ]),
  );
  const log = options.log ?? (() => {});
  /** job id -> run */
  const jobs = new Map();
  /** `${virtualClusterId}\n${clientToken}` -> job id */
  const byClientToken = new Map();
  let sequence = 0;
  let requestSequence = 0;
  for (const job of loadJobs(options.stateFile)) {
    jobs.set(job.id, job);
    byClientToken.set(`${job.virtualClusterId}\n${job.clientToken}`, job.id);
    sequence = Math.max(sequence, job.sequence + 1);
  }
  // Virtual clusters of an earlier session: moto has forgotten them, but
  // their runs still answer (a fresh moto cannot have deleted them).
  const earlierClusters = new Set(
    [...jobs.values()].map(job => job.virtualClusterId),
  );
  function save() {
    if (!options.stateFile) return;
    const temporary = `${options.stateFile}.tmp`;
    writeFileSync(temporary, JSON.stringify({ jobs: [...jobs.values()] }));
    renameSync(temporary, options.stateFile);
  }

  /** Sends a request to moto and collects the answer. */
  function toMoto(method, path, headers, body) {
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method,
          path,
          headers: { ...headers, host: upstream.host },
        },
        response => {
          readBody(response).then(
            data => resolve({ status: response.statusCode ?? 502, data }),
            reject,
          );
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  /** The virtual cluster as moto describes it, or a ResourceNotFoundException. */
  async function virtualCluster(req, id) {
    const { authorization, 'x-amz-date': amzDate } = req.headers;
    const answer = await toMoto(
      'GET',
      `/virtualclusters/${encodeURIComponent(id)}`,
      {
        ...(authorization ? { authorization } : {}),
        ...(amzDate ? { 'x-amz-date': amzDate } : {}),
      },
    );
    const parsed = JSON.parse(answer.data.toString('utf8') || '{}');
    // moto answers an unknown id with 400 ValidationException.
    if (answer.status !== 200 && earlierClusters.has(id)) {
      return { id, state: 'RUNNING', fromEarlierSession: true };
    }
    if (answer.status !== 200 || !parsed.virtualCluster) {
      // The wording EMR uses, which the backend recognises.
      throw notFound(`Virtual cluster ${id} doesn't exist.`);
    }
    return parsed.virtualCluster;
  }

  function existingJob(virtualClusterId, jobId) {
    const job = jobs.get(jobId);
    if (!job || job.virtualClusterId !== virtualClusterId) {
      throw notFound(`Job run ${jobId} doesn't exist.`);
    }
    return job;
  }

  async function handle(call, req, url, body) {
    const vc = await virtualCluster(req, call.virtualClusterId);
    const now = Date.now();
    switch (call.operation) {
      case 'StartJobRun': {
        if (vc.fromEarlierSession) {
          // New runs go to the tenant's current virtual cluster.
          throw notFound(
            `Virtual cluster ${call.virtualClusterId} doesn't exist.`,
          );
        }
        if (vc.state !== 'RUNNING') {
          throw invalid(
            `Virtual cluster ${call.virtualClusterId} is in state ${vc.state}; job runs need a RUNNING virtual cluster.`,
          );
        }
        const input = JSON.parse(body.toString('utf8') || '{}');
        if (typeof input.clientToken !== 'string' || !input.clientToken) {
          throw invalid('clientToken is required.');
        }
        for (const required of ['executionRoleArn', 'releaseLabel']) {
          if (typeof input[required] !== 'string') {
            throw invalid(`${required} is required.`);
          }
        }
        if (!input.jobDriver) throw invalid('jobDriver is required.');
        const tokenKey = `${call.virtualClusterId}\n${input.clientToken}`;
        let job = jobs.get(byClientToken.get(tokenKey) ?? '');
        if (!job) {
          const id = newJobId();
          job = {
            id,
            sequence: sequence++,
            virtualClusterId: call.virtualClusterId,
            region: call.region,
            name: input.name ?? id,
            clientToken: input.clientToken,
            executionRoleArn: input.executionRoleArn,
            releaseLabel: input.releaseLabel,
            jobDriver: input.jobDriver,
            configurationOverrides: input.configurationOverrides,
            tags: input.tags ?? {},
            createdAt: now,
          };
          job.plan = planFor(job, timing);
          jobs.set(id, job);
          byClientToken.set(tokenKey, id);
          save();
          const end = job.plan[job.plan.length - 1];
          log(
            `StartJobRun ${job.name} -> ${id} (${end.state} after ${Math.round(
              end.at,
            )} s)`,
          );
        }
        const run = jobRunJson(job, now, timing);
        return {
          id: run.id,
          name: run.name,
          arn: run.arn,
          virtualClusterId: run.virtualClusterId,
        };
      }
      case 'DescribeJobRun':
        return {
          jobRun: jobRunJson(
            existingJob(call.virtualClusterId, call.jobId),
            now,
            timing,
          ),
        };
      case 'CancelJobRun': {
        const job = existingJob(call.virtualClusterId, call.jobId);
        const { state } = currentStep(job, now, timing);
        if (TERMINAL.has(state)) {
          throw invalid(
            `Job run ${job.id} is in terminal state ${state} and can't be cancelled.`,
          );
        }
        if (!job.cancelledAt) {
          job.cancelledAt = now;
          save();
        }
        log(`CancelJobRun ${job.name} (${job.id})`);
        return { id: job.id, virtualClusterId: job.virtualClusterId };
      }
      case 'ListJobRuns': {
        const params = url.searchParams;
        const date = name => {
          const text = params.get(name);
          if (text === null) return undefined;
          const value = Date.parse(text);
          if (Number.isNaN(value)) {
            throw invalid(`${name} is not a valid timestamp: ${text}`);
          }
          return value;
        };
        const createdAfter = date('createdAfter');
        const createdBefore = date('createdBefore');
        const name = params.get('name');
        const states = params.getAll('states');
        const maxResults = Math.min(Number(params.get('maxResults') ?? 50), 50);
        if (!Number.isInteger(maxResults) || maxResults < 1) {
          throw invalid('maxResults must be a positive integer.');
        }
        const token = params.get('nextToken');
        const after = token === null ? Infinity : Number(token);
        const matching = [...jobs.values()]
          .filter(
            job =>
              job.virtualClusterId === call.virtualClusterId &&
              job.sequence < after &&
              (createdAfter === undefined || job.createdAt >= createdAfter) &&
              (createdBefore === undefined || job.createdAt <= createdBefore) &&
              (name === null || job.name === name),
          )
          // Newest first, as EMR lists.
          .sort((a, b) => b.sequence - a.sequence)
          .map(job => ({ job, run: jobRunJson(job, now, timing) }))
          .filter(
            ({ run }) => states.length === 0 || states.includes(run.state),
          );
        const page = matching.slice(0, maxResults);
        return {
          jobRuns: page.map(({ run }) => run),
          nextToken:
            matching.length > page.length
              ? String(page[page.length - 1].job.sequence)
              : undefined,
        };
      }
      default:
        throw new SimulatorError(500, 'InternalServerException', 'unreachable');
    }
  }

  /** Everything else: through to moto as it came. */
  function proxy(req, res) {
    const request = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      response => {
        res.writeHead(
          response.statusCode ?? 502,
          response.statusMessage,
          response.rawHeaders,
        );
        response.pipe(res);
      },
    );
    request.on('error', error => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
      }
      res.end(`moto is not answering: ${error.message}`);
    });
    req.pipe(request);
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const call = jobRunOperation(req, url);
    if (!call) {
      proxy(req, res);
      return;
    }
    const send = (status, payload, errorCode) => {
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-amzn-requestid': `local-simulator-${++requestSequence}`,
        // The SDK names the error it throws after this header.
        ...(errorCode ? { 'x-amzn-errortype': errorCode } : {}),
      });
      res.end(JSON.stringify(payload));
    };
    readBody(req)
      .then(body => handle(call, req, url, body))
      .then(
        payload => send(200, payload),
        error =>
          error instanceof SimulatorError
            ? send(error.status, { message: error.message }, error.code)
            : send(500, { message: String(error) }, 'InternalServerException'),
      );
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise(resolve => server.close(() => resolve()));
    },
  };
}

// Run on its own (see the usage line at the top).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const option = name => {
    const index = args.indexOf(`--${name}`);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const upstream = option('upstream');
  if (!upstream) {
    console.error(
      'usage: node examples/local/jobRunSimulator.mjs --upstream http://127.0.0.1:<moto port> [--port <port>] [--speed <factor>] [--state-file <file>]',
    );
    process.exit(2);
  }
  const simulator = await startJobRunSimulator({
    upstream,
    port: option('port') ? Number(option('port')) : undefined,
    speed: option('speed') ? Number(option('speed')) : undefined,
    stateFile: option('state-file'),
    log: message => console.log(`[job-run simulator] ${message}`),
  });
  console.log(
    `[job-run simulator] LOCAL ONLY: ${simulator.endpoint} -> moto at ${upstream}`,
  );
}
