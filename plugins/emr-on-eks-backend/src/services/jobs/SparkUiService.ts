import { ConflictError, ServiceUnavailableError } from '@backstage/errors';
import type {
  JobRun,
  SparkUiLink,
  Tenant,
} from '@spot-spark/plugin-emr-on-eks-common';
import { clusterOfTenant } from '../../config';
import type { ClusterSettings, EmrOnEksSettings } from '../../config';
import { partitionOf } from '../../domain/names';
import {
  PERSISTENT_APP_UI_READY,
  SparkUiRefusedError,
  type SparkUiGateway,
} from '../../gateways/aws/SparkUiGateway';
import type { SparkUiStore } from '../../stores/SparkUiStore';

/** Timings of {@link SparkUiService}, in milliseconds. */
export interface SparkUiTimings {
  /**
   * How long one request may take to create a run's UI before another may
   * (a holder that died). Default 60 s: CreatePersistentAppUI answers in
   * seconds, with the SDK's retries well within a minute.
   */
  claimMs: number;
  /**
   * How long a request waits for a UI another request is creating, or for
   * EMR to make a new UI ready, before it answers 503 "try again". Default
   * 10 s: long enough for a fresh UI (EMR's own console waits about as
   * long), short enough for a browser request.
   */
  waitMs: number;
  /** First pause between two looks; it doubles up to 1 s. Default 250 ms. */
  firstPollMs: number;
}

const DEFAULT_TIMINGS: SparkUiTimings = {
  claimMs: 60_000,
  waitMs: 10_000,
  firstPollMs: 250,
};

/** `arn:<partition>:emr-containers:<region>:<account>:/virtualclusters/<id>/jobruns/<id>` */
const JOB_RUN_ARN =
  /^arn:[a-z-]+:emr-containers:([a-z0-9-]+):(\d{12}):\/virtualclusters\/[^/]+\/jobruns\/[^/]+$/;

/**
 * A run's Spark UI: EMR's persistent application UI, created once per run
 * (the id kept on the run, under a claim so that concurrent requests on any
 * replica create one), opened through a short-lived presigned URL.
 */
export class SparkUiService {
  static create(options: {
    settings: Pick<EmrOnEksSettings, 'clusters'>;
    store: SparkUiStore;
    tenants: { findTenant(name: string): Promise<Tenant | undefined> };
    sparkUiFor: (cluster: ClusterSettings) => SparkUiGateway;
    timings?: Partial<SparkUiTimings>;
  }): SparkUiService {
    return new SparkUiService(
      options.settings,
      options.store,
      options.tenants,
      options.sparkUiFor,
      { ...DEFAULT_TIMINGS, ...options.timings },
    );
  }

  private constructor(
    private readonly settings: Pick<EmrOnEksSettings, 'clusters'>,
    private readonly store: SparkUiStore,
    private readonly tenants: {
      findTenant(name: string): Promise<Tenant | undefined>;
    },
    private readonly sparkUiFor: (cluster: ClusterSettings) => SparkUiGateway,
    private readonly timings: SparkUiTimings,
  ) {}

  /**
   * A link to the run's Spark UI (the caller may read the run). A run EMR
   * has not accepted yet is a ConflictError; a UI that is not ready within
   * the wait is a ServiceUnavailableError saying to try again.
   */
  async open(run: JobRun): Promise<SparkUiLink> {
    if (!run.emrJobRunId) {
      throw new ConflictError(
        `job run ${run.id} has no EMR job run yet (it is ${run.state}): its Spark UI can be opened once EMR has accepted it`,
      );
    }
    const cluster = await this.clusterOf(run);
    const gateway = this.sparkUiFor(cluster);
    const deadline = Date.now() + this.timings.waitMs;
    // A second round only when EMR forgot a UI we kept.
    for (let round = 0; ; round++) {
      const id = await this.sparkUiId(run, cluster, gateway, deadline);
      const status = await this.readyStatus(gateway, id, deadline);
      if (status === undefined && round === 0) {
        await this.store.forget(run.id, id);
        continue;
      }
      if (status !== PERSISTENT_APP_UI_READY) {
        throw this.notReady(run, status || 'unknown status');
      }
      const presigned = await gateway.presignedUrl(id);
      if (!presigned.ready || !presigned.url) {
        throw this.notReady(run, 'its URL is not ready');
      }
      return { url: presigned.url };
    }
  }

  /** The run's UI: the one kept, else one this request creates, else another's. */
  private async sparkUiId(
    run: JobRun,
    cluster: ClusterSettings,
    gateway: SparkUiGateway,
    deadline: number,
  ): Promise<string> {
    const kept = await this.store.sparkUiOf(run.id);
    if (kept) {
      return kept;
    }
    if (await this.store.claim(run.id, this.timings.claimMs)) {
      let created: string;
      try {
        created = await gateway.createForJobRun({
          virtualClusterArn: virtualClusterArn(cluster, run.virtualClusterId),
          jobRunId: run.emrJobRunId!,
        });
      } catch (error) {
        await this.store.release(run.id);
        if (error instanceof SparkUiRefusedError) {
          throw new ConflictError(
            `EMR cannot open the Spark UI of job run ${run.id}: ${error.message}`,
          );
        }
        throw error;
      }
      await this.store.save(run.id, created);
      return created;
    }
    // Another request (here or on another replica) is creating it.
    const other = await this.poll(deadline, () => this.store.sparkUiOf(run.id));
    if (!other) {
      throw this.notReady(run, 'another request is creating it');
    }
    return other;
  }

  /** The UI's status once ready or at the deadline; undefined when EMR does not know it. */
  private async readyStatus(
    gateway: SparkUiGateway,
    id: string,
    deadline: number,
  ): Promise<string | undefined> {
    let last: string | undefined;
    await this.poll(deadline, async () => {
      last = await gateway.status(id);
      return last === undefined || last === PERSISTENT_APP_UI_READY
        ? true
        : undefined;
    });
    return last;
  }

  /** Asks `look` until it answers or the deadline passes, pausing longer each time. */
  private async poll<T>(
    deadline: number,
    look: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    let pause = this.timings.firstPollMs;
    for (;;) {
      const found = await look();
      if (found !== undefined || Date.now() + pause > deadline) {
        return found;
      }
      const wait = pause;
      await new Promise(resolve => setTimeout(resolve, wait));
      pause = Math.min(pause * 2, 1000);
    }
  }

  private notReady(run: JobRun, why: string) {
    return new ServiceUnavailableError(
      `The Spark UI of job run ${run.id} is not ready yet (${why}); EMR prepares it in a few seconds: try again shortly`,
    );
  }

  /**
   * The configured cluster of the run: the one of the account and region of
   * its ARN, else its tenant's (while the tenant is the run's incarnation).
   */
  private async clusterOf(run: JobRun): Promise<ClusterSettings> {
    const match = run.arn ? JOB_RUN_ARN.exec(run.arn) : null;
    if (match) {
      const [, region, accountId] = match;
      const cluster = this.settings.clusters.find(
        c => c.region === region && c.accountId === accountId,
      );
      if (cluster) {
        return cluster;
      }
    }
    const tenant = await this.tenants.findTenant(run.tenant);
    if (tenant && tenant.uid === run.tenantUid) {
      try {
        return clusterOfTenant(this.settings, tenant);
      } catch {
        // Removed from config: answered below.
      }
    }
    throw new ConflictError(
      `job run ${run.id} ran on a cluster that is no longer configured: its Spark UI cannot be opened from here`,
    );
  }
}

/** The ARN of a virtual cluster of the cluster's account and region. */
function virtualClusterArn(
  cluster: ClusterSettings,
  virtualClusterId: string,
): string {
  return `arn:${partitionOf(cluster.region)}:emr-containers:${cluster.region}:${
    cluster.accountId
  }:/virtualclusters/${virtualClusterId}`;
}
