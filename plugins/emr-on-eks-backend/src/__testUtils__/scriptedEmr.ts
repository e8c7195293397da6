import http from 'node:http';
import { freePort } from './moto';

/** A job run state as EMR on EKS reports it. */
export type JobRunStateName =
  | 'PENDING'
  | 'SUBMITTED'
  | 'RUNNING'
  | 'COMPLETED'
  | 'FAILED'
  | 'CANCEL_PENDING'
  | 'CANCELLED';

/** One step of a job's script: the state (and details) DescribeJobRun reports. */
export type ScriptedState = {
  state: JobRunStateName;
  stateDetails?: string;
  failureReason?:
    | 'INTERNAL_ERROR'
    | 'USER_ERROR'
    | 'VALIDATION_ERROR'
    | 'CLUSTER_UNAVAILABLE';
};

/** The script a job follows unless told otherwise. */
export const DEFAULT_SCRIPT: ScriptedState[] = [
  { state: 'PENDING' },
  { state: 'SUBMITTED' },
  { state: 'RUNNING' },
  { state: 'COMPLETED' },
];

/** A job created through the control API, as if started outside (e.g. by Airflow). */
export interface ScriptedJobSpec {
  /** Default `'job'`. */
  name?: string;
  createdAt: Date;
  tags?: Record<string, string>;
  /** Default `'emr-7.5.0-latest'`. */
  releaseLabel?: string;
  /** Default {@link DEFAULT_SCRIPT}. */
  script?: ScriptedState[];
}

/** One HTTP request the server received. */
export interface ScriptedEmrCall {
  /** StartJobRun, DescribeJobRun, ListJobRuns, CancelJobRun, DescribeVirtualCluster or Unknown. */
  operation: string;
  virtualClusterId?: string;
  /** From the path; for a successful StartJobRun, the id it answered with. */
  jobId?: string;
  /** Query parameters; `states` is always an array, the others strings. */
  query: Record<string, string | string[]>;
  /** Parsed JSON body, if any. */
  body?: any;
}

/** An error the server answers with instead of handling a request. */
export interface ScriptedEmrError {
  status: number;
  /** Sent in `x-amzn-errortype`; the SDK names the thrown error after it. */
  code: string;
  message?: string;
}

/** A local EMR on EKS (emr-containers) REST-JSON endpoint driven by scripts. */
export interface ScriptedEmrServer {
  /** `http://127.0.0.1:<port>`, for the client's `endpoint`. */
  endpoint: string;
  addVirtualCluster(options: { id: string; namespace: string }): void;
  /** Later calls on it fail with ResourceNotFoundException, as for a deleted cluster. */
  removeVirtualCluster(id: string): void;
  /** Adds a job as if started outside this API; returns its id. */
  addJob(virtualClusterId: string, spec: ScriptedJobSpec): string;
  /** Replaces a job's script and restarts it at the script's first state. */
  setScript(jobId: string, script: ScriptedState[]): void;
  /** Script for jobs created by StartJobRun (copied at creation). */
  defaultScript: ScriptedState[];
  /** Moves one job (or every job) one step along its script; CANCEL_PENDING becomes CANCELLED. */
  advance(jobId?: string): void;
  state(jobId: string): string;
  jobCount(virtualClusterId?: string): number;
  /** EMR forgets the job (it keeps runs for a limited time): Describe answers 404. */
  forgetJob(jobId: string): void;
  /** Server-side cap on ListJobRuns page size, default 50. */
  pageSize: number;
  /** Every request received, failed ones included. */
  calls: ScriptedEmrCall[];
  clearCalls(): void;
  /** The next `count` requests of `operation` (any if omitted) fail with `error`. */
  failNext(count: number, error: ScriptedEmrError, operation?: string): void;
  stop(): Promise<void>;
}

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const CREATED_BY = `arn:aws:iam::${ACCOUNT}:root`;
const DEFAULT_EXECUTION_ROLE = `arn:aws:iam::${ACCOUNT}:role/emr-job-execution`;
const DEFAULT_RELEASE_LABEL = 'emr-7.5.0-latest';
const DEFAULT_PAGE_SIZE = 50;
const TERMINAL_STATES: ReadonlySet<string> = new Set([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
]);

interface VirtualClusterRecord {
  id: string;
  namespace: string;
  createdAt: Date;
}

interface JobRecord {
  id: string;
  /** Creation order, to break createdAt ties so pagination is a total order. */
  sequence: number;
  virtualClusterId: string;
  name: string;
  clientToken: string;
  executionRoleArn: string;
  releaseLabel: string;
  jobDriver: unknown;
  configurationOverrides?: unknown;
  tags: Record<string, string>;
  createdAt: Date;
  finishedAt?: Date;
  script: ScriptedState[];
  position: number;
  current: ScriptedState;
}

/** Thrown inside request handling; becomes an AWS-style JSON error. */
class EmrError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

function notFound(message: string): EmrError {
  return new EmrError(404, 'ResourceNotFoundException', message);
}

function invalid(message: string): EmrError {
  return new EmrError(400, 'ValidationException', message);
}

/** 19 lowercase base36 characters, the shape of real job run ids. */
function randomJobId(): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
  let id = '';
  for (let i = 0; i < 19; i++) {
    id += alphabet[Math.floor(Math.random() * alphabet.length)];
  }
  return id;
}

function virtualClusterArn(virtualClusterId: string): string {
  return `arn:aws:emr-containers:${REGION}:${ACCOUNT}:/virtualclusters/${virtualClusterId}`;
}

function jobArn(job: JobRecord): string {
  return `${virtualClusterArn(job.virtualClusterId)}/jobruns/${job.id}`;
}

function copyScript(script: ScriptedState[]): ScriptedState[] {
  if (script.length === 0) {
    throw new Error('a script needs at least one state');
  }
  return script.map(step => ({ ...step }));
}

/** The SDK parses timestamps with parseRfc3339DateTimeWithOffset: ISO-8601 strings, not epoch numbers. */
function timestamp(date: Date): string {
  return date.toISOString();
}

/** The SDK serialises query timestamps as ISO-8601 (`.000` dropped). */
function parseQueryDate(
  name: string,
  value: string | undefined,
): Date | undefined {
  if (value === undefined) {
    return undefined;
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw invalid(`${name} is not a valid timestamp: ${value}`);
  }
  return date;
}

/** Newest first; later-created first among equal createdAt. */
function newestFirst(a: JobRecord, b: JobRecord): number {
  return (
    b.createdAt.getTime() - a.createdAt.getTime() || b.sequence - a.sequence
  );
}

/** Opaque ListJobRuns cursor: the sort key of the last job returned. */
function encodeNextToken(job: JobRecord): string {
  return Buffer.from(
    JSON.stringify({ t: job.createdAt.getTime(), s: job.sequence }),
  ).toString('base64url');
}

function decodeNextToken(token: string): { t: number; s: number } {
  try {
    const cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof cursor?.t === 'number' && typeof cursor?.s === 'number') {
      return cursor;
    }
  } catch {
    // falls through to the error below
  }
  throw invalid(`Invalid nextToken: ${token}`);
}

function jobRunJson(job: JobRecord) {
  return {
    id: job.id,
    name: job.name,
    virtualClusterId: job.virtualClusterId,
    arn: jobArn(job),
    state: job.current.state,
    clientToken: job.clientToken,
    executionRoleArn: job.executionRoleArn,
    releaseLabel: job.releaseLabel,
    configurationOverrides: job.configurationOverrides,
    jobDriver: job.jobDriver,
    createdAt: timestamp(job.createdAt),
    createdBy: CREATED_BY,
    finishedAt: job.finishedAt ? timestamp(job.finishedAt) : undefined,
    stateDetails: job.current.stateDetails,
    failureReason: job.current.failureReason,
    tags: job.tags,
  };
}

function queryRecord(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    // `states` is a list member; repeated keys are lists too.
    query[key] = key === 'states' || values.length > 1 ? values : values[0];
  }
  return query;
}

/** What `route` makes of a request line. */
type RoutedCall = Pick<
  ScriptedEmrCall,
  'operation' | 'virtualClusterId' | 'jobId'
>;

/** Names the operation the way the SDK's serialisers build its request. */
function route(method: string, segments: string[]): RoutedCall {
  const [root, virtualClusterId, collection, jobId] = segments;
  if (root !== 'virtualclusters' || !virtualClusterId) {
    return { operation: 'Unknown' };
  }
  if (segments.length === 2 && method === 'GET') {
    return { operation: 'DescribeVirtualCluster', virtualClusterId };
  }
  if (collection === 'jobruns' && segments.length === 3) {
    if (method === 'POST') {
      return { operation: 'StartJobRun', virtualClusterId };
    }
    if (method === 'GET') {
      return { operation: 'ListJobRuns', virtualClusterId };
    }
  }
  if (collection === 'jobruns' && segments.length === 4) {
    if (method === 'GET') {
      return { operation: 'DescribeJobRun', virtualClusterId, jobId };
    }
    if (method === 'DELETE') {
      return { operation: 'CancelJobRun', virtualClusterId, jobId };
    }
  }
  return { operation: 'Unknown', virtualClusterId };
}

/** The server behind {@link startScriptedEmr}; callers see only {@link ScriptedEmrServer}. */
class ScriptedEmr implements ScriptedEmrServer {
  readonly endpoint: string;
  defaultScript = copyScript(DEFAULT_SCRIPT);
  pageSize = DEFAULT_PAGE_SIZE;
  readonly calls: ScriptedEmrCall[] = [];

  private readonly virtualClusters = new Map<string, VirtualClusterRecord>();
  private readonly jobs = new Map<string, JobRecord>();
  /** `${virtualClusterId}\n${clientToken}` -> job id, for idempotent StartJobRun. */
  private readonly jobsByClientToken = new Map<string, string>();
  private readonly failures: Array<{
    remaining: number;
    error: ScriptedEmrError;
    operation?: string;
  }> = [];
  private jobSequence = 0;
  private requestSequence = 0;
  private readonly httpServer = http.createServer((req, res) =>
    this.receive(req, res),
  );

  constructor(private readonly port: number) {
    this.endpoint = `http://127.0.0.1:${port}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.httpServer.once('error', reject);
      this.httpServer.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  // ---- control API ----

  addVirtualCluster({ id, namespace }: { id: string; namespace: string }) {
    this.virtualClusters.set(id, { id, namespace, createdAt: new Date() });
  }

  removeVirtualCluster(id: string) {
    this.virtualClusters.delete(id);
  }

  addJob(virtualClusterId: string, spec: ScriptedJobSpec): string {
    if (!this.virtualClusters.has(virtualClusterId)) {
      throw new Error(
        `scripted EMR has no virtual cluster ${virtualClusterId}`,
      );
    }
    const job = this.createJob(
      {
        id: this.newJobId(),
        virtualClusterId,
        name: spec.name ?? 'job',
        // Real job runs always carry one; jobs started elsewhere got theirs there.
        clientToken: `external-${this.jobSequence}`,
        executionRoleArn: DEFAULT_EXECUTION_ROLE,
        releaseLabel: spec.releaseLabel ?? DEFAULT_RELEASE_LABEL,
        jobDriver: {
          sparkSubmitJobDriver: { entryPoint: 'local:///opt/job.py' },
        },
        tags: { ...spec.tags },
        createdAt: new Date(spec.createdAt.getTime()),
      },
      spec.script ?? DEFAULT_SCRIPT,
    );
    return job.id;
  }

  setScript(jobId: string, script: ScriptedState[]) {
    const job = this.knownJob(jobId);
    job.script = copyScript(script);
    job.position = 0;
    this.enter(job, job.script[0]);
  }

  advance(jobId?: string) {
    if (jobId === undefined) {
      this.jobs.forEach(job => this.advanceJob(job));
    } else {
      this.advanceJob(this.knownJob(jobId));
    }
  }

  state(jobId: string): string {
    return this.knownJob(jobId).current.state;
  }

  jobCount(virtualClusterId?: string): number {
    if (virtualClusterId === undefined) {
      return this.jobs.size;
    }
    return [...this.jobs.values()].filter(
      job => job.virtualClusterId === virtualClusterId,
    ).length;
  }

  forgetJob(jobId: string) {
    this.knownJob(jobId);
    this.jobs.delete(jobId);
  }

  clearCalls() {
    this.calls.length = 0;
  }

  failNext(count: number, error: ScriptedEmrError, operation?: string) {
    if (count > 0) {
      this.failures.push({ remaining: count, error: { ...error }, operation });
    }
  }

  async stop(): Promise<void> {
    // Keep-alive sockets of SDK clients would otherwise hold close() open.
    this.httpServer.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.httpServer.close(error => (error ? reject(error) : resolve())),
    );
  }

  // ---- job state machine ----

  private newJobId(): string {
    let id = randomJobId();
    while (this.jobs.has(id)) {
      id = randomJobId();
    }
    return id;
  }

  private createJob(
    fields: Omit<JobRecord, 'sequence' | 'position' | 'current' | 'script'>,
    script: ScriptedState[],
  ): JobRecord {
    const copied = copyScript(script);
    const job: JobRecord = {
      ...fields,
      sequence: this.jobSequence++,
      script: copied,
      position: 0,
      current: copied[0],
    };
    this.enter(job, copied[0]);
    this.jobs.set(job.id, job);
    return job;
  }

  private enter(job: JobRecord, step: ScriptedState) {
    job.current = { ...step };
    // A terminal state never predates createdAt, even for jobs dated in the future.
    job.finishedAt = TERMINAL_STATES.has(step.state)
      ? new Date(Math.max(Date.now(), job.createdAt.getTime()))
      : undefined;
  }

  private advanceJob(job: JobRecord) {
    if (job.current.state === 'CANCEL_PENDING') {
      this.enter(job, {
        state: 'CANCELLED',
        stateDetails: 'Job run cancelled.',
      });
    } else if (
      !TERMINAL_STATES.has(job.current.state) &&
      job.position + 1 < job.script.length
    ) {
      job.position += 1;
      this.enter(job, job.script[job.position]);
    }
  }

  private knownJob(jobId: string): JobRecord {
    const job = this.jobs.get(jobId);
    if (!job) {
      throw new Error(`scripted EMR has no job ${jobId}`);
    }
    return job;
  }

  // ---- operations ----

  /** Real EMR answers this way for unknown and deleted virtual clusters alike. */
  private existingVirtualCluster(id: string): VirtualClusterRecord {
    const virtualCluster = this.virtualClusters.get(id);
    if (!virtualCluster) {
      throw notFound(`Virtual cluster ${id} doesn't exist.`);
    }
    return virtualCluster;
  }

  private existingJob(virtualClusterId: string, jobId: string): JobRecord {
    this.existingVirtualCluster(virtualClusterId);
    const job = this.jobs.get(jobId);
    if (!job || job.virtualClusterId !== virtualClusterId) {
      throw notFound(`Job run ${jobId} doesn't exist.`);
    }
    return job;
  }

  private startJobRun(call: ScriptedEmrCall) {
    const virtualClusterId = call.virtualClusterId ?? '';
    const body = call.body;
    this.existingVirtualCluster(virtualClusterId);
    if (typeof body?.clientToken !== 'string' || body.clientToken === '') {
      throw invalid('clientToken is required.');
    }
    const tokenKey = `${virtualClusterId}\n${body.clientToken}`;
    const previousId = this.jobsByClientToken.get(tokenKey);
    let job = previousId ? this.jobs.get(previousId) : undefined;
    if (!job) {
      if (body.jobTemplateId !== undefined) {
        throw invalid('Job templates are not supported by the scripted EMR.');
      }
      for (const required of [
        'executionRoleArn',
        'releaseLabel',
        'jobDriver',
      ]) {
        if (body[required] === undefined) {
          throw invalid(`${required} is required.`);
        }
      }
      job = this.createJob(
        {
          id: this.newJobId(),
          virtualClusterId,
          name: body.name ?? 'job',
          clientToken: body.clientToken,
          executionRoleArn: body.executionRoleArn,
          releaseLabel: body.releaseLabel,
          jobDriver: body.jobDriver,
          configurationOverrides: body.configurationOverrides,
          tags: body.tags ?? {},
          createdAt: new Date(),
        },
        this.defaultScript,
      );
      this.jobsByClientToken.set(tokenKey, job.id);
    }
    call.jobId = job.id;
    return { id: job.id, name: job.name, arn: jobArn(job), virtualClusterId };
  }

  private listJobRuns(virtualClusterId: string, params: URLSearchParams) {
    this.existingVirtualCluster(virtualClusterId);
    const createdAfter = parseQueryDate(
      'createdAfter',
      params.get('createdAfter') ?? undefined,
    );
    const createdBefore = parseQueryDate(
      'createdBefore',
      params.get('createdBefore') ?? undefined,
    );
    const name = params.get('name') ?? undefined;
    const states = params.getAll('states');
    const maxResultsText = params.get('maxResults');
    const maxResults =
      maxResultsText === null ? DEFAULT_PAGE_SIZE : Number(maxResultsText);
    if (!Number.isInteger(maxResults) || maxResults < 1) {
      throw invalid(`maxResults must be a positive integer: ${maxResultsText}`);
    }
    const nextToken = params.get('nextToken');
    const cursor = nextToken === null ? undefined : decodeNextToken(nextToken);

    // Inclusive bounds, as moto does.
    const matching = [...this.jobs.values()]
      .filter(
        job =>
          job.virtualClusterId === virtualClusterId &&
          (!createdAfter || job.createdAt >= createdAfter) &&
          (!createdBefore || job.createdAt <= createdBefore) &&
          (name === undefined || job.name === name) &&
          (states.length === 0 || states.includes(job.current.state)),
      )
      .sort(newestFirst);
    // Resume strictly after the cursor, so jobs created between pages don't shift it.
    const remaining = cursor
      ? matching.filter(
          job =>
            job.createdAt.getTime() < cursor.t ||
            (job.createdAt.getTime() === cursor.t && job.sequence < cursor.s),
        )
      : matching;
    const page = remaining.slice(0, Math.min(maxResults, this.pageSize));
    const more = remaining.length > page.length;
    return {
      jobRuns: page.map(jobRunJson),
      nextToken: more ? encodeNextToken(page[page.length - 1]) : undefined,
    };
  }

  private cancelJobRun(virtualClusterId: string, jobId: string) {
    const job = this.existingJob(virtualClusterId, jobId);
    if (TERMINAL_STATES.has(job.current.state)) {
      throw invalid(
        `Job run ${jobId} is in terminal state ${job.current.state} and can't be cancelled.`,
      );
    }
    // Cancelling twice is harmless, as in EMR.
    if (job.current.state !== 'CANCEL_PENDING') {
      this.enter(job, { state: 'CANCEL_PENDING' });
    }
    return { id: job.id, virtualClusterId };
  }

  private describeVirtualCluster(id: string) {
    const virtualCluster = this.existingVirtualCluster(id);
    return {
      virtualCluster: {
        id,
        name: virtualCluster.namespace,
        arn: virtualClusterArn(id),
        state: 'RUNNING',
        containerProvider: {
          type: 'EKS',
          id: 'shared-data',
          info: { eksInfo: { namespace: virtualCluster.namespace } },
        },
        createdAt: timestamp(virtualCluster.createdAt),
        tags: {},
      },
    };
  }

  private handle(call: ScriptedEmrCall, url: URL): unknown {
    const virtualClusterId = call.virtualClusterId ?? '';
    const jobId = call.jobId ?? '';
    switch (call.operation) {
      case 'StartJobRun':
        return this.startJobRun(call);
      case 'DescribeJobRun':
        return {
          jobRun: jobRunJson(this.existingJob(virtualClusterId, jobId)),
        };
      case 'ListJobRuns':
        return this.listJobRuns(virtualClusterId, url.searchParams);
      case 'CancelJobRun':
        return this.cancelJobRun(virtualClusterId, jobId);
      case 'DescribeVirtualCluster':
        return this.describeVirtualCluster(virtualClusterId);
      default:
        throw new EmrError(
          404,
          'UnknownOperationException',
          `No operation for ${url.pathname}`,
        );
    }
  }

  // ---- HTTP ----

  private takeFailure(operation: string): ScriptedEmrError | undefined {
    const failure = this.failures.find(
      candidate =>
        candidate.operation === undefined || candidate.operation === operation,
    );
    if (!failure) {
      return undefined;
    }
    failure.remaining -= 1;
    if (failure.remaining === 0) {
      this.failures.splice(this.failures.indexOf(failure), 1);
    }
    return failure.error;
  }

  private receive(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      const send = (status: number, payload: unknown, errorCode?: string) => {
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          'x-amzn-requestid': `scripted-${++this.requestSequence}`,
        };
        // The SDK's de_CommandError takes the error code from this header.
        if (errorCode) {
          headers['x-amzn-errortype'] = errorCode;
        }
        res.writeHead(status, headers);
        // JSON.stringify drops undefined members, so optional fields stay absent.
        res.end(JSON.stringify(payload));
      };

      const url = new URL(req.url ?? '/', this.endpoint);
      const segments = url.pathname
        .split('/')
        .filter(Boolean)
        .map(segment => decodeURIComponent(segment));
      const text = Buffer.concat(chunks).toString('utf8');
      const call: ScriptedEmrCall = {
        ...route(req.method ?? 'GET', segments),
        query: queryRecord(url),
      };
      this.calls.push(call);

      try {
        call.body = text ? JSON.parse(text) : undefined;
      } catch {
        send(
          400,
          { message: 'Request body is not JSON.' },
          'SerializationException',
        );
        return;
      }

      // Injected failures come first, so a failed request changes nothing.
      const injected = this.takeFailure(call.operation);
      if (injected) {
        send(
          injected.status,
          { message: injected.message ?? `Injected ${injected.code}` },
          injected.code,
        );
        return;
      }

      try {
        send(200, this.handle(call, url));
      } catch (error) {
        if (error instanceof EmrError) {
          send(error.status, { message: error.message }, error.code);
        } else {
          send(500, { message: String(error) }, 'InternalServerException');
        }
      }
    });
  }
}

/**
 * Starts a local stand-in for the EMR on EKS API (emr-containers) on a free
 * loopback port. It speaks the REST-JSON wire protocol of
 * `@aws-sdk/client-emr-containers` for StartJobRun, DescribeJobRun,
 * ListJobRuns, CancelJobRun and DescribeVirtualCluster, and does what moto
 * cannot: jobs walk through scripted states on `advance()`, `clientToken`
 * makes StartJobRun idempotent, and `failNext` injects errors such as
 * throttling.
 */
export async function startScriptedEmr(): Promise<ScriptedEmrServer> {
  const server = new ScriptedEmr(await freePort());
  await server.listen();
  return server;
}
