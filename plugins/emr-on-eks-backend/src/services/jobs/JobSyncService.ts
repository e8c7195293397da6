import type { LoggerService } from '@backstage/backend-plugin-api';
import { JobRun, Tenant } from '@spot-spark/plugin-emr-on-eks-common';
import { clusterOfTenant } from '../../config';
import type { ClusterSettings, EmrOnEksSettings } from '../../config';
import { JOB_TAGS } from '../../domain/jobRun';
import type {
  EmrJobRun,
  JobRunGateway,
} from '../../gateways/aws/JobRunGateway';
import { VirtualClusterGoneError } from '../../gateways/errors';
import type { JobRunStore } from '../../stores/JobRunStore';
import type { JobSyncStore } from '../../stores/JobSyncStore';
import type { TenantStore } from '../../stores/TenantStore';
import {
  IGNORED_JOB_RUN_CHANGES,
  type JobRunChanges,
} from '../events/JobRunChanges';

/** A SUBMITTING run this old that EMR never heard of was not submitted. */
const SUBMISSION_GRACE_MS = 15 * 60 * 1000;
/**
 * A run EMR accepted but no longer knows (DescribeJobRun: not found) is
 * closed once it has not changed for this long: EMR forgets old runs, and
 * a run nobody can describe would otherwise stay "running" for ever.
 */
const UNKNOWN_RUN_GRACE_MS = 60 * 60 * 1000;

export interface SyncResult {
  tenant: string;
  listed: number;
  described: number;
  written: number;
  error?: string;
}

/**
 * Keeps every tenant's job runs in the database as EMR has them: the
 * scheduled sync lists each tenant's new runs since a watermark and
 * describes the unfinished older ones, so pages read the database, never
 * AWS on each view.
 */
export class JobSyncService {
  static create(options: {
    settings: EmrOnEksSettings;
    jobs: JobRunStore;
    syncStates: JobSyncStore;
    tenants: TenantStore;
    jobRunsFor: (cluster: ClusterSettings) => JobRunGateway;
    logger: LoggerService;
    /** Told of every change of a run (signals, notifications). */
    changes?: JobRunChanges;
  }): JobSyncService {
    return new JobSyncService(
      options.settings,
      options.jobs,
      options.syncStates,
      options.tenants,
      options.jobRunsFor,
      options.logger,
      options.changes ?? IGNORED_JOB_RUN_CHANGES,
    );
  }

  private constructor(
    private readonly settings: EmrOnEksSettings,
    private readonly jobs: JobRunStore,
    private readonly syncStates: JobSyncStore,
    private readonly tenants: TenantStore,
    private readonly jobRunsFor: (cluster: ClusterSettings) => JobRunGateway,
    private readonly logger: LoggerService,
    private readonly changes: JobRunChanges,
  ) {}

  /** Writes a page of EMR's runs and announces what changed. */
  private async store(tenant: Tenant, runs: EmrJobRun[]): Promise<number> {
    const { written, changes } = await this.jobs.syncFromEmr(
      tenant,
      runs,
      JOB_TAGS,
    );
    this.changes.announce(changes);
    return written;
  }

  /** Closes or moves one run on what the sync learned, announcing it. */
  private async setState(
    id: string,
    update: Parameters<JobRunStore['setState']>[1],
  ): Promise<number> {
    const applied = await this.jobs.setState(id, update);
    this.changes.announce([applied]);
    return applied?.changed ? 1 : 0;
  }

  /**
   * Brings one tenant's runs up to date: lists the runs created since the
   * stored watermark (minus a safety margin), then describes the unfinished
   * runs older than that window. With nothing new, that is one List call.
   */
  async syncTenant(
    tenant: Tenant,
    options: { signal?: AbortSignal } = {},
  ): Promise<SyncResult> {
    const result: SyncResult = {
      tenant: tenant.name,
      listed: 0,
      described: 0,
      written: 0,
    };
    const virtualClusterId = tenant.status.virtualClusterId;
    if (!virtualClusterId) {
      return result;
    }
    const { sync } = this.settings.jobs;
    const state = await this.syncStates.getSyncState(tenant.name);
    const now = new Date();
    const known =
      state?.virtualClusterId === virtualClusterId
        ? state.watermark
        : undefined;
    const since = known
      ? new Date(known.getTime() - sync.safetyMarginSeconds * 1000)
      : new Date(now.getTime() - sync.initialLookbackDays * 86_400_000);
    const gateway = this.jobRunsFor(this.clusterOf(tenant));
    let watermark = known;
    try {
      const seen = new Set<string>();
      for await (const page of gateway.list(virtualClusterId, since, {
        signal: options.signal,
      })) {
        result.listed += page.length;
        result.written += await this.store(tenant, page);
        for (const run of page) {
          seen.add(run.id);
          if (!watermark || run.createdAt > watermark) {
            watermark = run.createdAt;
          }
        }
      }
      const unfinished = await this.jobs.unfinishedRuns(tenant.uid);
      // Unfinished runs the list no longer covers (created before the window).
      // Runs of an earlier virtual cluster (replaced by a reconcile) are
      // never listed: they are described with their own cluster's id.
      for (const run of unfinished) {
        const listed =
          run.virtualClusterId === virtualClusterId &&
          Date.parse(run.createdAt) >= since.getTime();
        if (!run.emrJobRunId || seen.has(run.emrJobRunId) || listed) {
          continue;
        }
        let described;
        try {
          described = await gateway.describe(
            run.virtualClusterId,
            run.emrJobRunId,
          );
        } catch (error) {
          if (
            error instanceof VirtualClusterGoneError &&
            run.virtualClusterId !== virtualClusterId
          ) {
            // EMR can say nothing more about it: close it, saying why.
            result.written += await this.setState(run.id, {
              state: 'FAILED',
              failureReason: 'VIRTUAL_CLUSTER_GONE',
              stateDetails: `its virtual cluster ${run.virtualClusterId} no longer exists, so its outcome is unknown`,
              finishedAt: now,
            });
            continue;
          }
          throw error;
        }
        result.described++;
        if (described) {
          result.written += await this.store(tenant, [described]);
        } else if (
          now.getTime() - Date.parse(run.updatedAt) >
          UNKNOWN_RUN_GRACE_MS
        ) {
          result.written += await this.setState(run.id, {
            state: 'FAILED',
            failureReason: 'UNKNOWN_TO_EMR',
            stateDetails: `EMR no longer knows job run ${run.emrJobRunId} (it keeps runs for a limited time), so its outcome is unknown; it last reported ${run.state}`,
            finishedAt: now,
          });
        }
      }
      result.written += await this.expireLostSubmissions(unfinished, now);
      await this.syncStates.saveSyncState(tenant.name, {
        virtualClusterId,
        watermark,
        lastSyncedAt: now,
      });
    } catch (error) {
      if (options.signal?.aborted) {
        // Stopped, not failed: the next run picks up from the watermark.
        throw error;
      }
      result.error =
        error instanceof VirtualClusterGoneError
          ? `virtual cluster ${virtualClusterId} no longer exists; reconcile tenant ${tenant.name}`
          : (error as Error).message;
      await this.syncStates.saveSyncState(tenant.name, {
        virtualClusterId,
        watermark: known,
        lastSyncedAt: state?.lastSyncedAt,
        lastError: result.error,
      });
    }
    return result;
  }

  /** The scheduled pass: every tenant, each independent of the others. */
  async syncAll(options: { signal?: AbortSignal } = {}): Promise<SyncResult[]> {
    const results: SyncResult[] = [];
    let cursor: string | undefined;
    do {
      options.signal?.throwIfAborted();
      const page = await this.tenants.listTenantPage({ limit: 200, cursor });
      for (const tenant of page.items) {
        if (
          tenant.status.phase === 'Deleting' ||
          !tenant.status.virtualClusterId
        ) {
          continue;
        }
        // A run that outlived its timeout stops: another may be under way.
        options.signal?.throwIfAborted();
        const result = await this.syncTenant(tenant, options);
        if (result.error) {
          this.logger.warn(
            `Job-run sync of tenant ${tenant.name} failed: ${result.error}`,
          );
        }
        results.push(result);
      }
      cursor = page.nextCursor;
    } while (cursor);
    // The pass ends once its changes are announced (signals, notifications).
    await this.changes.settled();
    return results;
  }

  /**
   * Runs recorded as SUBMITTING long ago that no sync could attach to an EMR
   * run (by the submission tag) never reached EMR: the process died between
   * recording and calling, and nobody retried.
   */
  private async expireLostSubmissions(
    unfinished: JobRun[],
    now: Date,
  ): Promise<number> {
    const stale = unfinished.filter(
      run =>
        run.state === 'SUBMITTING' &&
        !run.emrJobRunId &&
        now.getTime() - Date.parse(run.createdAt) > SUBMISSION_GRACE_MS,
    );
    for (const run of stale) {
      this.changes.announce([
        await this.jobs.markFailed(run.id, {
          reason: 'INTERNAL_ERROR',
          details:
            'the submission never reached EMR (recorded, but no StartJobRun was accepted)',
        }),
      ]);
    }
    return stale.length;
  }

  /**
   * Syncs the current tenant whose virtual cluster this is (an event named
   * a run the database does not have yet: one started outside Backstage).
   * False when no tenant has the virtual cluster.
   */
  async syncVirtualCluster(virtualClusterId: string): Promise<boolean> {
    let cursor: string | undefined;
    do {
      const page = await this.tenants.listTenantPage({ limit: 200, cursor });
      const tenant = page.items.find(
        t =>
          t.status.virtualClusterId === virtualClusterId &&
          t.status.phase !== 'Deleting',
      );
      if (tenant) {
        const result = await this.syncTenant(tenant);
        if (result.error) {
          this.logger.warn(
            `Job-run sync of tenant ${tenant.name} failed: ${result.error}`,
          );
        }
        return true;
      }
      cursor = page.nextCursor;
    } while (cursor);
    return false;
  }

  private clusterOf(tenant: Tenant): ClusterSettings {
    return clusterOfTenant(this.settings, tenant);
  }
}
