import type { CacheService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import {
  isTerminalJobRunState,
  JobRun,
  JobRunLogPage,
  JobRunLogStream,
  JobRunLogStreams,
  SpotInterruptions,
} from '@spot-spark/plugin-emr-on-eks-common';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ClusterSettings, EmrOnEksSettings } from '../../config';
import {
  ExecutorLossParser,
  LineSplitter,
  LOG_STREAM_ID,
  LogPager,
  publicLogStream,
  runLogLocation,
  runLogStreams,
  type RunLogLocation,
  type RunLogStream,
} from '../../domain/jobRun/logs';
import { errorName } from '../../gateways/aws/errorName';
import type { RunLogGateway } from '../../gateways/aws/RunLogGateway';
import type { ExecutorLossStore } from '../../stores/ExecutorLossStore';
import type { TenantService } from '../tenants/TenantService';

/** Why a run has no streams (JobRunLogStreams.emptyReason). */
const NO_EMR_ID =
  'The run has no EMR job id yet: its logs appear once EMR has started it.';
const NOT_WRITTEN =
  'EMR has not written logs for this run yet (they appear a little after each container starts, and on S3 when it ends).';
const NO_CLUSTER =
  'The cluster this run ran on is no longer configured: its logs cannot be read here.';

/** How long the tail of a finished log is kept: a week of looking back at a run. */
const TAIL_CACHE_TTL_MS = 7 * 24 * 3600 * 1000;

/**
 * Where the tail of a finished run's S3 log is kept. EMR uploads a
 * container's S3 log when the container ends, so for a terminal run the
 * object's key, size and time name its text; a newer upload has another
 * size or time and misses the cache. CloudWatch streams need no cache (they
 * are read from the end).
 */
function tailCacheKey(
  run: JobRun,
  stream: RunLogStream,
  limit: number,
): string | undefined {
  if (
    stream.source !== 's3' ||
    !isTerminalJobRunState(run.state) ||
    stream.sizeBytes === undefined ||
    !stream.lastModified
  ) {
    return undefined;
  }
  const object = createHash('sha256')
    .update(`${stream.name}\n${stream.sizeBytes}\n${stream.lastModified}`)
    .digest('hex');
  return `log-tail:v1:${object}:${limit}`;
}

/**
 * A run's logs and what its driver log tells of lost executors. Every name
 * read comes from listing the run's own locations (the tenant's log prefix
 * and log group, the ids the plugin stored); a stream id is resolved by
 * listing again and finding the stream that has it, so nothing the caller
 * sends becomes part of a key or a stream name.
 */
export class JobLogService {
  static create(options: {
    settings: EmrOnEksSettings;
    tenants: Pick<TenantService, 'findTenant' | 'findOffboarded'>;
    runLogsFor: (cluster: ClusterSettings) => RunLogGateway;
    losses: ExecutorLossStore;
    /** Keeps the tails of finished S3 logs (gzip cannot be read from its end). */
    cache?: CacheService;
  }): JobLogService {
    return new JobLogService(
      options.settings,
      options.tenants,
      options.runLogsFor,
      options.losses,
      options.cache,
    );
  }

  private constructor(
    private readonly settings: EmrOnEksSettings,
    private readonly tenants: Pick<
      TenantService,
      'findTenant' | 'findOffboarded'
    >,
    private readonly runLogsFor: (cluster: ClusterSettings) => RunLogGateway,
    private readonly losses: ExecutorLossStore,
    private readonly cache?: CacheService,
  ) {}

  /** Most characters one page holds: the default and largest `?limit=`. */
  get maxPageCharacters(): number {
    return this.settings.jobs.logs.maxPageCharacters;
  }

  /** The run's streams, job submitter first, then the driver, then executors. */
  async listStreams(run: JobRun): Promise<JobRunLogStreams> {
    const found = await this.streamsOf(run);
    if ('emptyReason' in found) {
      return { items: [], emptyReason: found.emptyReason };
    }
    return found.streams.length > 0
      ? { items: found.streams.map(publicLogStream) }
      : { items: [], emptyReason: NOT_WRITTEN };
  }

  /**
   * A bounded page of one stream: the tail unless `from` is given. Reading
   * stops as soon as the page is full; the tail keeps only the last `limit`
   * characters while the stream goes by.
   */
  async page(
    run: JobRun,
    streamId: string,
    request: { from?: number; limit?: number },
  ): Promise<JobRunLogPage> {
    const { stream, gateway, location } = await this.resolve(run, streamId);
    const limit = Math.min(
      request.limit ?? this.maxPageCharacters,
      this.maxPageCharacters,
    );
    const cacheKey =
      request.from === undefined ? tailCacheKey(run, stream, limit) : undefined;
    const cached = cacheKey
      ? ((await this.cache?.get(cacheKey)) as JobRunLogPage | undefined)
      : undefined;
    if (cached) {
      return cached;
    }
    const pager = new LogPager({ from: request.from, limit });
    const text = await this.open(gateway, location, stream);
    let ended = false;
    try {
      text.setEncoding('utf8');
      for await (const chunk of text) {
        pager.push(chunk as string);
        if (pager.done) {
          break;
        }
      }
      ended = !pager.done;
    } finally {
      // Stops the download when the page was full before the end.
      text.destroy();
    }
    const page = { stream: publicLogStream(stream), ...pager.finish(ended) };
    if (cacheKey && ended) {
      await this.cache?.set(cacheKey, page as unknown as JsonObject, {
        ttl: TAIL_CACHE_TTL_MS,
      });
    }
    return page;
  }

  /**
   * The whole stream's decompressed text, for the caller to pipe to the
   * response as it comes (never held whole).
   */
  async download(
    run: JobRun,
    streamId: string,
  ): Promise<{ stream: JobRunLogStream; text: Readable }> {
    const { stream, gateway, location } = await this.resolve(run, streamId);
    return {
      stream: publicLogStream(stream),
      text: await this.open(gateway, location, stream),
    };
  }

  /**
   * The executors the run lost, from its driver's stderr (where Spark
   * logs), read line by line; kept once the run is terminal.
   */
  async spotInterruptions(run: JobRun): Promise<SpotInterruptions> {
    const terminal = isTerminalJobRunState(run.state);
    if (terminal) {
      const kept = await this.losses.find(run.id);
      if (kept) {
        return kept;
      }
    }
    const found = await this.streamsOf(run);
    const none: SpotInterruptions = {
      spotLosses: 0,
      otherLosses: 0,
      losses: [],
      source: 'none',
    };
    if ('emptyReason' in found) {
      return none;
    }
    const driverLog = found.streams.find(
      s => s.role === 'driver' && s.stream === 'stderr',
    );
    if (!driverLog) {
      return none;
    }
    const parser = new ExecutorLossParser({
      spotExecutors: run.spot !== false,
    });
    const splitter = new LineSplitter(line => parser.line(line));
    const text = await this.open(
      this.gatewayOf(found.cluster),
      found.location,
      driverLog,
    );
    try {
      text.setEncoding('utf8');
      for await (const chunk of text) {
        splitter.push(chunk as string);
      }
      splitter.end();
    } finally {
      text.destroy();
    }
    const result = parser.result();
    if (terminal && driverLog.source === 's3') {
      // EMR uploads a container's S3 log when it ends: final for a terminal run.
      await this.losses.save(run.id, result);
    }
    return result;
  }

  private async resolve(
    run: JobRun,
    streamId: string,
  ): Promise<{
    stream: RunLogStream;
    gateway: RunLogGateway;
    location: RunLogLocation;
  }> {
    // Word for word the answer for a stream that does not exist.
    const notFound = new NotFoundError(
      `log stream ${streamId} of job run ${run.id} not found`,
    );
    if (!LOG_STREAM_ID.test(streamId)) {
      throw notFound;
    }
    const found = await this.streamsOf(run);
    const stream =
      'streams' in found
        ? found.streams.find(s => s.id === streamId)
        : undefined;
    if (!stream || !('cluster' in found)) {
      throw notFound;
    }
    return {
      stream,
      gateway: this.gatewayOf(found.cluster),
      location: found.location,
    };
  }

  private async open(
    gateway: RunLogGateway,
    location: RunLogLocation,
    stream: RunLogStream,
  ): Promise<Readable> {
    if (stream.source === 'cloudwatch') {
      return gateway.readStream({
        logGroupName: location.cloudWatch!.logGroupName,
        streamName: stream.name,
      });
    }
    try {
      return await gateway.readObject({
        bucket: location.s3!.bucket,
        key: stream.name,
      });
    } catch (error) {
      // Listed a moment ago, gone now (a lifecycle rule): the same 404.
      if (errorName(error) === 'NoSuchKey') {
        throw new NotFoundError(`log stream ${stream.id} not found`);
      }
      throw error;
    }
  }

  private async streamsOf(run: JobRun): Promise<
    | {
        streams: RunLogStream[];
        cluster: ClusterSettings;
        location: RunLogLocation;
      }
    | { emptyReason: string }
  > {
    const place = await this.placeOf(run);
    if ('emptyReason' in place) {
      return place;
    }
    const { cluster, location } = place;
    const gateway = this.gatewayOf(cluster);
    const max = this.settings.jobs.logs.maxStreams;
    const [objects, cloudWatch] = await Promise.all([
      location.s3 ? gateway.listObjects({ ...location.s3, max: max * 2 }) : [],
      location.cloudWatch
        ? gateway.listStreams({ ...location.cloudWatch, max: max * 2 })
        : [],
    ]);
    const streams = runLogStreams([...objects, ...cloudWatch]).slice(0, max);
    return { streams, cluster, location };
  }

  /** The run's cluster and log locations, from what the plugin stored. */
  private async placeOf(
    run: JobRun,
  ): Promise<
    | { cluster: ClusterSettings; location: RunLogLocation }
    | { emptyReason: string }
  > {
    if (!run.emrJobRunId) {
      return { emptyReason: NO_EMR_ID };
    }
    const current = await this.tenants.findTenant(run.tenant);
    let clusterName: string | undefined;
    let logGroupName: string | undefined;
    if (current?.uid === run.tenantUid) {
      clusterName = current.spec.cluster;
      logGroupName = current.status.logGroupName;
    } else {
      // An offboarded tenant: its log group went with it; S3 logs may remain.
      const offboarded = await this.tenants.findOffboarded(run.tenantUid);
      clusterName = offboarded?.cluster ?? offboarded?.spec?.cluster;
    }
    const cluster = this.settings.clusters.find(c => c.name === clusterName);
    if (!cluster) {
      return { emptyReason: NO_CLUSTER };
    }
    const location = runLogLocation({
      bucket: cluster.assetsBucket,
      tenant: { name: run.tenant, uid: run.tenantUid },
      virtualClusterId: run.virtualClusterId,
      emrJobId: run.emrJobRunId,
      logGroupName,
      // Only a prefix the plugin gave the run itself (runs submitted here).
      streamNamePrefix:
        run.source === 'backstage' ? storedStreamPrefix(run) : undefined,
    });
    return location ? { cluster, location } : { emptyReason: NO_EMR_ID };
  }

  private gatewayOf(cluster: ClusterSettings): RunLogGateway {
    return this.runLogsFor(cluster);
  }
}

/** The CloudWatch stream prefix in the StartJobRun the plugin sent. */
function storedStreamPrefix(run: JobRun): string | undefined {
  const prefix = (run.startJobRun as any)?.configurationOverrides
    ?.monitoringConfiguration?.cloudWatchMonitoringConfiguration
    ?.logStreamNamePrefix;
  return typeof prefix === 'string' && prefix !== '' ? prefix : undefined;
}
