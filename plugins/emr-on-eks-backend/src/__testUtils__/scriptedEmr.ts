import {
  createEmrRequestHandler,
  DEFAULT_REGION,
  DEFAULT_SCRIPT as EMULATOR_DEFAULT_SCRIPT,
  JobRuns,
  listen,
  noSuchVirtualCluster,
  PersistentAppUis,
  ScriptedLifecycle,
  virtualClusterArn,
} from './emrEmulator/index.mjs';
import type {
  EmrCall,
  EmrFault,
  JobRunStateName as EmulatorJobRunStateName,
  JobRunStatus,
  Listening,
  PersistentAppUi,
} from './emrEmulator/index.mjs';

/** A job run state as EMR on EKS reports it. */
export type JobRunStateName = EmulatorJobRunStateName;

/** One step of a job's script: the state (and details) DescribeJobRun reports. */
export type ScriptedState = JobRunStatus;

/** The script a job follows unless told otherwise. */
export const DEFAULT_SCRIPT: ScriptedState[] = EMULATOR_DEFAULT_SCRIPT;

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

/**
 * One HTTP request the server received: its operation (StartJobRun,
 * DescribeJobRun, ListJobRuns, CancelJobRun, DescribeVirtualCluster or
 * Unknown), path ids, query (`states` always an array) and parsed body.
 */
export type ScriptedEmrCall = EmrCall;

/** An error the server answers with instead of handling a request. */
export type ScriptedEmrError = EmrFault;

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
  /** Persistent app UIs made by CreatePersistentAppUI (the EMR API). */
  persistentAppUis(): PersistentAppUi[];
  /** Describes a new persistent app UI answers CREATING before ATTACHED; default 0. */
  appUiPendingDescribes: number;
  stop(): Promise<void>;
}

const DEFAULT_EXECUTION_ROLE =
  'arn:aws:iam::123456789012:role/emr-job-execution';
const DEFAULT_RELEASE_LABEL = 'emr-7.5.0-latest';

interface VirtualClusterRecord {
  id: string;
  namespace: string;
  createdAt: Date;
}

/**
 * The control API over the shared emulator (./emrEmulator): its job runs
 * follow scripts, one step per `advance()`; virtual clusters live here;
 * every call is recorded and `failNext` injects faults.
 */
class ScriptedEmr implements ScriptedEmrServer {
  endpoint = '';
  readonly calls: ScriptedEmrCall[] = [];

  private readonly lifecycle = new ScriptedLifecycle();
  private readonly jobRuns = new JobRuns({ lifecycle: this.lifecycle });
  private readonly virtualClusters = new Map<string, VirtualClusterRecord>();
  private readonly appUis = new PersistentAppUis({
    jobRunExists: (virtualClusterId, jobRunId) =>
      this.jobRuns.get(jobRunId)?.virtualClusterId === virtualClusterId,
  });
  private readonly failures: Array<{
    remaining: number;
    error: ScriptedEmrError;
    operation?: string;
  }> = [];
  private server?: Listening;

  async start(): Promise<void> {
    const handler = createEmrRequestHandler({
      jobRuns: this.jobRuns,
      virtualClusters: {
        find: id =>
          this.virtualClusters.has(id) ? { state: 'RUNNING' } : undefined,
      },
      requestIdPrefix: 'scripted',
      persistentAppUis: this.appUis,
      operations: {
        DescribeVirtualCluster: call =>
          this.describeVirtualCluster(call.virtualClusterId ?? ''),
      },
      observe: call => this.calls.push(call),
      intercept: call => this.takeFailure(call.operation),
    });
    this.server = await listen(handler);
    this.endpoint = this.server.endpoint;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }

  get defaultScript(): ScriptedState[] {
    return this.lifecycle.defaultScript;
  }

  set defaultScript(script: ScriptedState[]) {
    this.lifecycle.defaultScript = script;
  }

  get appUiPendingDescribes(): number {
    return this.appUis.pendingDescribes;
  }

  set appUiPendingDescribes(count: number) {
    this.appUis.pendingDescribes = count;
  }

  persistentAppUis(): PersistentAppUi[] {
    return this.appUis.all();
  }

  get pageSize(): number {
    return this.jobRuns.pageSize;
  }

  set pageSize(size: number) {
    this.jobRuns.pageSize = size;
  }

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
    const run = this.jobRuns.add(
      {
        virtualClusterId,
        region: DEFAULT_REGION,
        name: spec.name ?? 'job',
        executionRoleArn: DEFAULT_EXECUTION_ROLE,
        releaseLabel: spec.releaseLabel ?? DEFAULT_RELEASE_LABEL,
        jobDriver: {
          sparkSubmitJobDriver: { entryPoint: 'local:///opt/job.py' },
        },
        tags: { ...spec.tags },
        createdAt: spec.createdAt.getTime(),
      },
      fields =>
        this.lifecycle.begin(fields, Date.now(), spec.script ?? DEFAULT_SCRIPT),
    );
    return run.id;
  }

  setScript(jobId: string, script: ScriptedState[]) {
    this.lifecycle.setScript(this.knownJob(jobId), script, Date.now());
  }

  advance(jobId?: string) {
    const runs =
      jobId === undefined ? this.jobRuns.all() : [this.knownJob(jobId)];
    runs.forEach(run => this.lifecycle.advance(run, Date.now()));
  }

  state(jobId: string): string {
    return this.jobRuns.status(this.knownJob(jobId)).state;
  }

  jobCount(virtualClusterId?: string): number {
    return this.jobRuns.count(virtualClusterId);
  }

  forgetJob(jobId: string) {
    this.jobRuns.forget(this.knownJob(jobId).id);
  }

  clearCalls() {
    this.calls.length = 0;
  }

  failNext(count: number, error: ScriptedEmrError, operation?: string) {
    if (count > 0) {
      this.failures.push({ remaining: count, error: { ...error }, operation });
    }
  }

  private knownJob(jobId: string) {
    const run = this.jobRuns.get(jobId);
    if (!run) {
      throw new Error(`scripted EMR has no job ${jobId}`);
    }
    return run;
  }

  private describeVirtualCluster(id: string) {
    const virtualCluster = this.virtualClusters.get(id);
    if (!virtualCluster) {
      throw noSuchVirtualCluster(id);
    }
    return {
      virtualCluster: {
        id,
        name: virtualCluster.namespace,
        arn: virtualClusterArn(DEFAULT_REGION, id),
        state: 'RUNNING',
        containerProvider: {
          type: 'EKS',
          id: 'shared-data',
          info: { eksInfo: { namespace: virtualCluster.namespace } },
        },
        createdAt: virtualCluster.createdAt.toISOString(),
        tags: {},
      },
    };
  }

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
}

/**
 * Starts a local stand-in for the EMR on EKS API (emr-containers) on a free
 * loopback port. It speaks the REST-JSON wire protocol of
 * `@aws-sdk/client-emr-containers` for StartJobRun, DescribeJobRun,
 * ListJobRuns, CancelJobRun and DescribeVirtualCluster, and the EMR API's
 * JSON 1.1 for CreatePersistentAppUI, DescribePersistentAppUI and
 * GetPersistentAppUIPresignedURL; it does what moto cannot: jobs walk through scripted states on `advance()`, `clientToken`
 * makes StartJobRun idempotent, and `failNext` injects errors such as
 * throttling.
 */
export async function startScriptedEmr(): Promise<ScriptedEmrServer> {
  const server = new ScriptedEmr();
  await server.start();
  return server;
}
