import type { JsonObject } from '@backstage/types';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import type { ClusterGateways } from '../gateways/ClusterGateways';
import { createEmrOnEksPlugin } from '../plugin';
import { MemoryCluster } from './memoryGateways';
import { startEmrOnEksBackendWith } from './testBackend';

/** One gateway call as the shared cloud saw it. */
export interface CloudCall {
  /** Which replica made it (`A`, `B`, ...). */
  replica: string;
  /** `gateway.method`. */
  call: string;
  /** The tenant it was about (by name; by its virtual cluster for job runs). */
  tenant?: string;
  /**
   * What the call is part of: `reconcile` (tenant resources) or `sync` (job
   * run lists). Two calls of one lane and tenant in flight at once overlap.
   */
  lane?: 'reconcile' | 'sync';
  startedAt: number;
  endedAt?: number;
  /** What the call reported changing ("created ...", "deleted ..."). */
  changes: string[];
  clientToken?: string;
}

/**
 * One in-memory cloud (`MemoryCluster`) that several replicas call through
 * gateways of their own, each call recorded with its replica and tenant and
 * given a little latency, so that two replicas working on one tenant at the
 * same time show up as overlapping calls instead of racing past each other
 * within one tick.
 */
export class SharedCloud {
  readonly cluster = new MemoryCluster();
  readonly log: CloudCall[] = [];
  /**
   * Tenants two calls of which were in flight at once, with the calls: two
   * reconciles (or two syncs) of one tenant overlapped.
   */
  readonly overlaps: string[] = [];
  private readonly inFlight = new Map<string, CloudCall[]>();
  private readonly held = new Map<string, Promise<void>>();

  constructor(private readonly latencyMs = 2) {}

  /** The gateways one replica uses. */
  gatewaysFor(replica: string): ClusterGateways {
    const c = this.cluster;
    const tenantOfCluster = (id: string | undefined) =>
      id ? c.virtualClusterNamespaces.get(id) ?? `vc:${id}` : undefined;
    const k8s = c.kubernetes;
    type K8s = ClusterGateways['kubernetes'];
    type Runs = ClusterGateways['jobRuns'];
    const trace = <T>(
      call: string,
      tenant: string | undefined,
      fn: () => Promise<T>,
      changesOf?: (result: T) => string[],
      clientToken?: string,
    ) => this.traced(replica, call, tenant, fn, changesOf, clientToken);
    return {
      kubernetes: {
        applyClusterObjects: (
          ...args: Parameters<K8s['applyClusterObjects']>
        ) =>
          trace('kubernetes.applyClusterObjects', undefined, () =>
            k8s.applyClusterObjects(...args),
          ),
        applyTenantObjects: (...args: Parameters<K8s['applyTenantObjects']>) =>
          trace('kubernetes.applyTenantObjects', args[0], () =>
            k8s.applyTenantObjects(...args),
          ),
        deleteTenantObjects: (
          ...args: Parameters<K8s['deleteTenantObjects']>
        ) =>
          trace('kubernetes.deleteTenantObjects', args[0], () =>
            k8s.deleteTenantObjects(...args),
          ),
        readClusterState: () => k8s.readClusterState(),
        writeClusterBundle: (...args: Parameters<K8s['writeClusterBundle']>) =>
          k8s.writeClusterBundle(...args),
      },
      iamRoles: {
        ensureRole: plan =>
          trace('iamRoles.ensureRole', plan.tenant, () =>
            c.iamRoles.ensureRole(plan),
          ),
        deleteRole: plan =>
          trace('iamRoles.deleteRole', plan.tenant, () =>
            c.iamRoles.deleteRole(plan),
          ),
      },
      podIdentity: {
        ensureAssociations: plan =>
          trace('podIdentity.ensureAssociations', plan.tenant, () =>
            c.podIdentity.ensureAssociations(plan),
          ),
        deleteAssociations: plan =>
          trace('podIdentity.deleteAssociations', plan.tenant, () =>
            c.podIdentity.deleteAssociations(plan),
          ),
        deleteFormerAssociations: plan =>
          c.podIdentity.deleteFormerAssociations(plan),
      },
      podTemplates: {
        ensureFiles: plan =>
          trace('podTemplates.ensureFiles', plan.tenant, () =>
            c.podTemplates.ensureFiles(plan),
          ),
        deleteFiles: plan =>
          trace('podTemplates.deleteFiles', plan.tenant, () =>
            c.podTemplates.deleteFiles(plan),
          ),
      },
      logGroups: {
        ensureLogGroup: plan =>
          trace('logGroups.ensureLogGroup', plan.tenant, () =>
            c.logGroups.ensureLogGroup(plan),
          ),
        deleteLogGroup: plan =>
          trace('logGroups.deleteLogGroup', plan.tenant, () =>
            c.logGroups.deleteLogGroup(plan),
          ),
      },
      virtualClusters: {
        ensureVirtualCluster: (plan, ...rest) =>
          trace(
            'virtualClusters.ensureVirtualCluster',
            plan.tenant,
            () => c.virtualClusters.ensureVirtualCluster(plan, ...rest),
            result => result.changes,
          ),
        deleteVirtualCluster: (plan, ...rest) =>
          trace('virtualClusters.deleteVirtualCluster', plan.tenant, () =>
            c.virtualClusters.deleteVirtualCluster(plan, ...rest),
          ),
      },
      jobRuns: {
        start: (...args: Parameters<Runs['start']>) =>
          trace(
            'jobRuns.start',
            tenantOfCluster(args[0].virtualClusterId),
            () => c.jobRuns.start(...args),
            result => [`started ${result.id}`],
            args[0].clientToken,
          ),
        describe: (...args: Parameters<Runs['describe']>) =>
          trace('jobRuns.describe', undefined, () =>
            c.jobRuns.describe(...args),
          ),
        list: (...args: Parameters<Runs['list']>) =>
          this.tracedList(
            replica,
            tenantOfCluster(args[0])!,
            () => c.jobRuns.list(...args),
            (args as unknown[])[2] as { signal?: AbortSignal } | undefined,
          ),
        cancel: (...args: Parameters<Runs['cancel']>) =>
          trace('jobRuns.cancel', undefined, () => c.jobRuns.cancel(...args)),
      },
      sparkUi: {
        createForJobRun: target =>
          trace(
            'sparkUi.createForJobRun',
            tenantOfCluster(
              /\/virtualclusters\/([^/]+)$/.exec(target.virtualClusterArn)?.[1],
            ),
            () => c.sparkUi.createForJobRun(target),
            id => [`created ${id}`],
          ),
        status: id =>
          trace('sparkUi.status', undefined, () => c.sparkUi.status(id)),
        presignedUrl: id =>
          trace('sparkUi.presignedUrl', undefined, () =>
            c.sparkUi.presignedUrl(id),
          ),
      },
      // Reads only: shared as they are, not traced.
      runLogs: c.runLogs,
      inspection: c.inspection,
      accountId: () => c.accountId(),
      identity: () => c.identity(),
      dispose: () => {},
    };
  }

  /**
   * Holds the job-run lists of a tenant (a slow or stuck EMR call) until the
   * returned function is called. A list given an abort signal (a third
   * argument `{ signal }`) gives up when it is aborted.
   */
  hold(tenant: string): () => void {
    let release!: () => void;
    this.held.set(
      tenant,
      new Promise<void>(resolve => {
        release = resolve;
      }),
    );
    return () => {
      this.held.delete(tenant);
      release();
    };
  }

  /** Calls of one tenant and lane in flight now. */
  inFlightOf(lane: 'reconcile' | 'sync', tenant: string): CloudCall[] {
    return this.inFlight.get(`${lane} of ${tenant}`) ?? [];
  }

  /** The overlaps of one lane: two reconciles, or two syncs, of one tenant. */
  overlapsIn(lane: 'reconcile' | 'sync'): string[] {
    return this.overlaps.filter(overlap => overlap.startsWith(`${lane} of `));
  }

  /** Calls of a kind (`gateway.method`), optionally only those of one tenant. */
  calls(call: string, tenant?: string): CloudCall[] {
    return this.log.filter(
      entry =>
        entry.call === call &&
        (tenant === undefined || entry.tenant === tenant),
    );
  }

  /** How many times each tenant's virtual cluster was created. */
  virtualClustersCreated(): Map<string, number> {
    return this.countCreations('virtualClusters.ensureVirtualCluster');
  }

  /** How many times each tenant's IAM role was created. */
  rolesCreated(): Map<string, number> {
    return this.countCreations('iamRoles.ensureRole');
  }

  private countCreations(call: string): Map<string, number> {
    const counts = new Map<string, number>();
    for (const entry of this.calls(call)) {
      const created = entry.changes.filter(c => c.startsWith('created'));
      counts.set(
        entry.tenant!,
        (counts.get(entry.tenant!) ?? 0) + created.length,
      );
    }
    return counts;
  }

  private begin(entry: CloudCall) {
    this.log.push(entry);
    const key = laneKey(entry);
    if (key === undefined) {
      return;
    }
    const others = this.inFlight.get(key) ?? [];
    if (others.length > 0) {
      this.overlaps.push(
        `${key}: ${entry.replica} ${entry.call} while ${others
          .map(o => `${o.replica} ${o.call}`)
          .join(', ')} in flight`,
      );
    }
    this.inFlight.set(key, [...others, entry]);
  }

  private end(entry: CloudCall) {
    entry.endedAt = Date.now();
    const key = laneKey(entry);
    if (key === undefined) {
      return;
    }
    const left = (this.inFlight.get(key) ?? []).filter(o => o !== entry);
    if (left.length > 0) {
      this.inFlight.set(key, left);
    } else {
      this.inFlight.delete(key);
    }
  }

  private async traced<T>(
    replica: string,
    call: string,
    tenant: string | undefined,
    fn: () => Promise<T>,
    changesOf: (result: T) => string[] = result =>
      Array.isArray(result) ? (result as string[]) : [],
    clientToken?: string,
  ): Promise<T> {
    const entry: CloudCall = {
      replica,
      call,
      tenant,
      lane:
        call.startsWith('jobRuns.') || call.startsWith('sparkUi.')
          ? undefined
          : 'reconcile',
      startedAt: Date.now(),
      changes: [],
      clientToken,
    };
    this.begin(entry);
    try {
      await this.latency();
      const result = await fn();
      entry.changes = changesOf(result);
      return result;
    } finally {
      this.end(entry);
    }
  }

  private async *tracedList<T>(
    replica: string,
    tenant: string,
    pages: () => AsyncGenerator<T>,
    options?: { signal?: AbortSignal },
  ): AsyncGenerator<T> {
    const entry: CloudCall = {
      replica,
      call: 'jobRuns.list',
      tenant,
      lane: 'sync',
      startedAt: Date.now(),
      changes: [],
    };
    this.begin(entry);
    try {
      await this.latency();
      await this.heldFor(tenant, options?.signal);
      yield* pages();
    } finally {
      this.end(entry);
    }
  }

  private async heldFor(tenant: string, signal?: AbortSignal) {
    const held = this.held.get(tenant);
    if (!held) {
      return;
    }
    await new Promise<void>((resolve, reject) => {
      held.then(resolve);
      signal?.throwIfAborted();
      signal?.addEventListener('abort', () => reject(signal.reason), {
        once: true,
      });
    });
  }

  private latency() {
    return new Promise(resolve => setTimeout(resolve, this.latencyMs));
  }
}

function laneKey(entry: CloudCall): string | undefined {
  return entry.lane && entry.tenant
    ? `${entry.lane} of ${entry.tenant}`
    : undefined;
}

export type Replica = Awaited<ReturnType<typeof startEmrOnEksBackendWith>> & {
  name: string;
  api: () => ReturnType<typeof request>;
};

/**
 * Starts replicas of the backend, each with its own connection pool to the
 * one database `knex` points at, and gateways of its own into the one shared
 * cloud: all at once as a deployment would, or (`staggered`) the first alone
 * and then the others at once. `stop` stops them and closes the pools this
 * function opened (the given `knex` stays open).
 */
export async function startReplicas(options: {
  knex: Knex;
  config: JsonObject;
  cloud: SharedCloud;
  names?: string[];
  scheduler?: 'capture' | 'real';
  staggered?: boolean;
  /** The cost sources every replica reads (one bill, as in production). */
  createCostSources?: NonNullable<
    Parameters<typeof createEmrOnEksPlugin>[0]
  >['createCostSources'];
}) {
  const names = options.names ?? ['A', 'B'];
  const clients = names.map((_, index) =>
    index === 0 ? options.knex : knexFactory(options.knex.client.config),
  );
  const replicas: Replica[] = [];
  const stop = async () => {
    await Promise.allSettled(replicas.map(replica => replica.stop()));
    await Promise.allSettled(clients.slice(1).map(client => client.destroy()));
  };
  const start = async (name: string, index: number) => {
    const backend = await startEmrOnEksBackendWith(options.config, {
      knex: clients[index],
      scheduler: options.scheduler,
      plugin: createEmrOnEksPlugin({
        createGateways: () => options.cloud.gatewaysFor(name),
        createCostSources: options.createCostSources,
      }),
    });
    replicas[index] = Object.assign(backend, {
      name,
      api: () => request(backend.server),
    });
  };
  // Every start settles before a failure is reported, so that no replica is
  // left starting on a pool that is being closed.
  const startAll = async (which: string[], offset: number) => {
    const outcomes = await Promise.allSettled(
      which.map((name, index) => start(name, index + offset)),
    );
    const failed = outcomes.find(
      (outcome): outcome is PromiseRejectedResult =>
        outcome.status === 'rejected',
    );
    if (failed) {
      await stop();
      throw failed.reason;
    }
  };
  if (options.staggered) {
    await startAll(names.slice(0, 1), 0);
    await startAll(names.slice(1), 1);
  } else {
    await startAll(names, 0);
  }
  return { replicas, stop };
}
