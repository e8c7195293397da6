import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type {
  ClusterBootstrap,
  ClusterCheck,
  ClusterPreflight,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { ClusterSettings, EmrOnEksSettings } from '../../config';
import { renderBootstrapBundle } from '../../domain/clusters/bootstrap';
import {
  preflightChecks,
  preflightReady,
  type ClusterKubernetesState,
  type Fact,
} from '../../domain/clusters/preflight';
import type { ClusterGateways } from '../../gateways/ClusterGateways';
import { ClusterBundleNotWritableError } from '../../gateways/kubernetes/KubernetesGateway';

/** How long onboarding waits for a preflight that is not cached. */
const ONBOARDING_PREFLIGHT_WAIT_MS = 15_000;

/**
 * The platform's clusters as admins see them: each configured cluster's
 * preflight (run for every cluster in parallel, each on its own, results
 * reused for `clusterPreflight.cacheSeconds`), and its bootstrap bundle,
 * rendered, or written where the GitOps tool reads it.
 */
export class ClusterService {
  static create(options: {
    settings: EmrOnEksSettings;
    gatewaysFor: (cluster: ClusterSettings) => ClusterGateways;
    logger: LoggerService;
    /** The clock of the cache (tests move it). */
    now?: () => number;
  }): ClusterService {
    return new ClusterService(
      options.settings,
      options.gatewaysFor,
      options.logger,
      options.now ?? Date.now,
    );
  }

  private readonly cache = new Map<
    string,
    { at: number; result: Promise<PreflightRun> }
  >();

  private constructor(
    private readonly settings: EmrOnEksSettings,
    private readonly gatewaysFor: (cluster: ClusterSettings) => ClusterGateways,
    private readonly logger: LoggerService,
    private readonly now: () => number,
  ) {}

  /** Every configured cluster with its preflight; `refresh` runs them again. */
  async listClusters(
    options: { refresh?: boolean } = {},
  ): Promise<ClusterPreflight[]> {
    return Promise.all(
      this.settings.clusters.map(
        async cluster =>
          (await this.preflightOf(cluster, options.refresh ?? false)).preflight,
      ),
    );
  }

  /**
   * The failed checks of a cluster's (cached) preflight, for onboarding;
   * undefined when the preflight could not run or took too long (onboarding
   * is then not held up by it).
   */
  async failedChecks(clusterName: string): Promise<ClusterCheck[] | undefined> {
    const cluster = this.settings.clusters.find(c => c.name === clusterName);
    if (!cluster) {
      return undefined;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>(resolve => {
      timer = setTimeout(
        () => resolve(undefined),
        ONBOARDING_PREFLIGHT_WAIT_MS,
      );
      timer.unref?.();
    });
    try {
      const run = await Promise.race([
        this.preflightOf(cluster, false),
        timeout,
      ]);
      if (!run) {
        this.logger.warn(
          `The preflight of cluster ${clusterName} took longer than ${ONBOARDING_PREFLIGHT_WAIT_MS} ms; onboarding goes on without it`,
        );
        return undefined;
      }
      if (!run.ran) {
        this.logger.warn(
          `The preflight of cluster ${clusterName} could not run; onboarding goes on without it`,
        );
        return undefined;
      }
      return run.preflight.checks.filter(check => check.status === 'fail');
    } catch (error) {
      this.logger.warn(
        `The preflight of cluster ${clusterName} could not run; onboarding goes on without it: ${
          (error as Error).message
        }`,
      );
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The cluster's bootstrap bundle; an unknown cluster is a NotFoundError. */
  renderBootstrap(name: string): ClusterBootstrap {
    const cluster = this.clusterNamed(name);
    return {
      cluster: cluster.name,
      files: renderBootstrapBundle(cluster, this.settings.jobs),
    };
  }

  /**
   * Writes the bundle into the cluster's GitOps output (committed and pushed
   * in repository mode); in direct mode a ConflictError that says to apply
   * the downloaded bundle.
   */
  async writeBootstrap(
    name: string,
    actor: string,
  ): Promise<ClusterBootstrap & { changes: string[] }> {
    const bundle = this.renderBootstrap(name);
    const cluster = this.clusterNamed(name);
    try {
      const { writtenTo, changes } = await this.gatewaysFor(
        cluster,
      ).kubernetes.writeClusterBundle(bundle.files, { actor });
      // What the Kubernetes checks read has changed.
      this.cache.delete(cluster.name);
      this.logger.info(
        `${actor} wrote the bootstrap bundle of cluster ${
          cluster.name
        } to ${writtenTo}: ${
          changes.length ? changes.join(', ') : 'no change'
        }`,
      );
      return { ...bundle, writtenTo, changes };
    } catch (error) {
      if (error instanceof ClusterBundleNotWritableError) {
        throw new ConflictError(error.message);
      }
      throw error;
    }
  }

  private clusterNamed(name: string): ClusterSettings {
    const cluster = this.settings.clusters.find(c => c.name === name);
    if (!cluster) {
      throw new NotFoundError(`cluster ${name} not found`);
    }
    return cluster;
  }

  private preflightOf(
    cluster: ClusterSettings,
    refresh: boolean,
  ): Promise<PreflightRun> {
    const cached = this.cache.get(cluster.name);
    const ttlMs = this.settings.clusterPreflight.cacheSeconds * 1000;
    if (!refresh && cached && this.now() - cached.at < ttlMs) {
      return cached.result;
    }
    const result = this.runPreflight(cluster);
    const entry = { at: this.now(), result };
    this.cache.set(cluster.name, entry);
    // A preflight that threw is not kept (it never should: facts carry errors).
    result.catch(() => {
      if (this.cache.get(cluster.name) === entry) {
        this.cache.delete(cluster.name);
      }
    });
    return result;
  }

  private async runPreflight(cluster: ClusterSettings): Promise<PreflightRun> {
    const checkedAt = new Date(this.now()).toISOString();
    let facts;
    let ran = true;
    try {
      const gateways = this.gatewaysFor(cluster);
      const [aws, kubernetes] = await Promise.all([
        gateways.inspection.inspect(cluster, () => gateways.identity()),
        fact(() => gateways.kubernetes.readClusterState()),
      ]);
      facts = { ...aws, kubernetes };
    } catch (error) {
      // The gateways could not be built, or the inspection broke: nothing
      // could be checked, which onboarding does not hold against the cluster.
      this.logger.warn(
        `The preflight of cluster ${cluster.name} could not run: ${
          (error as Error).message
        }`,
      );
      ran = false;
      facts = {
        identity: {
          error: `The preflight could not run: ${(error as Error).message}`,
        },
      };
    }
    const checks = preflightChecks(
      { cluster, storageClass: this.settings.jobs.storageClass },
      facts,
    );
    const preflight: ClusterPreflight = {
      name: cluster.name,
      accountId: cluster.accountId,
      region: cluster.region,
      eksClusterName: cluster.eksClusterName,
      identity: cluster.identity,
      kubernetesMode: cluster.kubernetes.mode,
      ...(cluster.aws.roleArn ? { roleArn: cluster.aws.roleArn } : {}),
      ready: preflightReady(checks),
      checks,
      checkedAt,
    };
    return { preflight, ran };
  }
}

/** A preflight, and whether it could run at all. */
interface PreflightRun {
  preflight: ClusterPreflight;
  ran: boolean;
}

async function fact(
  read: () => Promise<ClusterKubernetesState>,
): Promise<Fact<ClusterKubernetesState>> {
  try {
    return { value: await read() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}
