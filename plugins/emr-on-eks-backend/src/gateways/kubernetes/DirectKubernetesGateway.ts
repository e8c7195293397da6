import {
  ApiException,
  KubeConfig,
  KubernetesObjectApi,
  loadYaml,
  Observable,
  type ObservableMiddleware,
  PatchStrategy,
} from '@kubernetes/client-node';
import type { ClusterBootstrapFile } from '@spot-spark/plugin-emr-on-eks-common';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { DEFAULTS, type KubernetesSettings } from '../../config';
import { containsDesired } from './containsDesired';
import type { ClusterKubernetesState } from '../../domain/clusters/preflight';
import { readLiveClusterState } from './liveClusterState';
import { isNotFound, toWireFormat } from './liveObjects';
import type { KubernetesObject } from '../../domain/kubernetes';
import { EKS_TOKEN_LIFETIME_MS } from './eksToken';
import { NotManagedError, notManagedReason } from '../errors';
import {
  ClusterBundleNotWritableError,
  describeObject,
  handOverHint,
  KubernetesGateway,
} from './KubernetesGateway';

/** Field manager of every server-side apply the plugin makes. */
export const FIELD_MANAGER = 'emr-on-eks';

/**
 * How long one request to the Kubernetes API may take, from sending it to the
 * end of the response body (discovery requests included).
 */
export const KUBERNETES_REQUEST_TIMEOUT_MS =
  DEFAULTS.kubernetesRequestTimeoutSeconds * 1000;

type DirectSettings = Extract<KubernetesSettings, { mode: 'direct' }>;

/**
 * The client with an abort signal on every request it sends, discovery
 * included, so that an API server that accepts the connection and never
 * answers fails the call instead of holding it forever. The signal also
 * covers reading the response body.
 */
class TimedObjectApi extends KubernetesObjectApi {
  static create(kc: KubeConfig, timeoutMs: number): KubernetesObjectApi {
    // As KubernetesObjectApi.makeApiClient, plus the middleware.
    const api = kc.makeApiClient(TimedObjectApi);
    api.setDefaultNamespace(kc);
    const abortAfterTimeout: ObservableMiddleware = {
      pre: context => {
        context.setSignal(AbortSignal.timeout(timeoutMs));
        return new Observable(Promise.resolve(context));
      },
      post: response => new Observable(Promise.resolve(response)),
    };
    api.configuration.middleware.push(abortAfterTimeout);
    return api;
  }
}

/**
 * Applies objects to a live cluster with server-side apply. Reads each object
 * first and applies only those that differ, so a reconcile with nothing to
 * change sends no write.
 *
 * A tenant's namespace is only written to, or deleted, when it is absent or
 * carries this plugin's managed-by label and the tenant label of that very
 * tenant: a namespace made by someone else (`monitoring`) or for another
 * tenant is never taken over or deleted ({@link NotManagedError}, after GETs
 * only).
 */
export class DirectKubernetesGateway implements KubernetesGateway {
  static create(options: {
    settings: DirectSettings;
    clusterName: string;
    logger: LoggerService;
    /** Source of short-lived bearer tokens (EKS tokens), renewed before they lapse. */
    tokenProvider?: () => Promise<string>;
    /** How long a provided token is used; default 10 minutes. */
    tokenLifetimeMs?: number;
    /** Per request; default {@link KUBERNETES_REQUEST_TIMEOUT_MS}. */
    requestTimeoutMs?: number;
  }): DirectKubernetesGateway {
    return new DirectKubernetesGateway(options);
  }

  private api?: KubernetesObjectApi;
  private apiIssuedAt = 0;

  private constructor(
    private readonly options: {
      settings: DirectSettings;
      clusterName: string;
      logger: LoggerService;
      tokenProvider?: () => Promise<string>;
      tokenLifetimeMs?: number;
      requestTimeoutMs?: number;
    },
  ) {}

  private get logger() {
    return this.options.logger;
  }

  private get requestTimeoutMs() {
    return this.options.requestTimeoutMs ?? KUBERNETES_REQUEST_TIMEOUT_MS;
  }

  /** The API client, rebuilt with a fresh token when the last one is near expiry. */
  private async client(): Promise<KubernetesObjectApi> {
    const { tokenProvider } = this.options;
    const lifetime = this.options.tokenLifetimeMs ?? EKS_TOKEN_LIFETIME_MS;
    const stale = Date.now() - this.apiIssuedAt >= lifetime;
    if (!this.api || (tokenProvider && stale)) {
      const token = tokenProvider ? await tokenProvider() : undefined;
      this.api = TimedObjectApi.create(
        kubeConfigFrom({ ...this.options, token }),
        this.requestTimeoutMs,
      );
      this.apiIssuedAt = Date.now();
    }
    return this.api;
  }

  applyClusterObjects(objects: KubernetesObject[]) {
    return this.applyAll(objects);
  }

  async applyTenantObjects(
    tenant: string,
    objects: KubernetesObject[],
  ): Promise<string[]> {
    const namespace = objects.find(o => o.kind === 'Namespace');
    if (!namespace) {
      return this.applyAll(objects);
    }
    // The namespace is read and judged before anything is written.
    const live = await this.readOrUndefined(namespace);
    if (live) {
      const reason = notManagedReason(live.metadata.labels, tenant, 'label');
      if (reason) {
        throw new NotManagedError(
          `Namespace ${
            namespace.metadata.name
          } exists but is not managed by this plugin for tenant ${tenant} (${reason}); nothing was applied. ${handOverHint(
            namespace.metadata.name,
            tenant,
          )}`,
        );
      }
    }
    return this.applyAll(objects, new Map([[namespace, live]]));
  }

  async deleteTenantObjects(
    tenant: string,
    objects: KubernetesObject[],
  ): Promise<string[]> {
    const namespace = objects.find(o => o.kind === 'Namespace');
    if (!namespace) {
      return [];
    }
    const live = await this.readOrUndefined(namespace);
    if (!live) {
      return [];
    }
    const reason = notManagedReason(live.metadata.labels, tenant, 'label');
    if (reason) {
      throw new NotManagedError(
        `Namespace ${namespace.metadata.name} was not deleted: it is not managed by this plugin for tenant ${tenant} (${reason}); delete it by hand if it should go`,
      );
    }
    // Preconditions: if the namespace was replaced or relabelled since it was
    // read, the API server refuses the delete (409) instead of deleting what
    // was not checked.
    const { uid, resourceVersion } = live.metadata as {
      uid?: string;
      resourceVersion?: string;
    };
    try {
      await (
        await this.client()
      ).delete(
        header(namespace),
        undefined,
        undefined,
        undefined,
        undefined,
        'Foreground',
        uid || resourceVersion
          ? { preconditions: { uid, resourceVersion } }
          : undefined,
      );
      return [`deleted ${describeObject(namespace)}`];
    } catch (error) {
      if (isNotFound(error)) {
        return [];
      }
      throw this.failure(error, `delete ${describeObject(namespace)}`);
    }
  }

  /**
   * Reads what the preflight needs from the live cluster (see
   * {@link readLiveClusterState}).
   */
  readClusterState(): Promise<ClusterKubernetesState> {
    return readLiveClusterState({
      client: () => this.client(),
      failure: (error, action) => this.failure(error, action),
    });
  }

  /** Direct mode writes no bundle: the admin applies the downloaded one. */
  async writeClusterBundle(_files: ClusterBootstrapFile[]): Promise<never> {
    throw new ClusterBundleNotWritableError(
      `Cluster ${this.options.clusterName} is in direct Kubernetes mode, where the plugin does not write the bootstrap bundle: download it (GET /clusters/${this.options.clusterName}/bootstrap, or the Clusters tab) and apply it with kubectl apply -k <the bundle's directory>`,
    );
  }

  /** `alreadyRead`: objects read just before (by the caller), not read again. */
  private async applyAll(
    objects: KubernetesObject[],
    alreadyRead = new Map<KubernetesObject, KubernetesObject | undefined>(),
  ): Promise<string[]> {
    const changes: string[] = [];
    for (const object of objects) {
      const live = alreadyRead.has(object)
        ? alreadyRead.get(object)
        : await this.readOrUndefined(object);
      if (live && containsDesired(object, live)) {
        continue;
      }
      try {
        await (
          await this.client()
        ).patch(
          toClientModel(object),
          undefined,
          undefined,
          FIELD_MANAGER,
          true,
          PatchStrategy.ServerSideApply,
        );
      } catch (error) {
        throw this.failure(error, `apply ${describeObject(object)}`);
      }
      const change = `${live ? 'updated' : 'created'} ${describeObject(
        object,
      )}`;
      this.logger.info(change);
      changes.push(change);
    }
    return changes;
  }

  /** The error to throw when `action` failed, naming the action and object. */
  private failure(error: unknown, action: string): Error {
    if (isTimeout(error)) {
      return new Error(
        `Timed out after ${this.requestTimeoutMs} ms trying to ${action} (Kubernetes API of cluster ${this.options.clusterName})`,
        { cause: error },
      );
    }
    return kubernetesError(error, action);
  }

  private async readOrUndefined(
    object: KubernetesObject,
  ): Promise<KubernetesObject | undefined> {
    try {
      return toWireFormat(await (await this.client()).read(header(object)));
    } catch (error) {
      if (isNotFound(error)) {
        return undefined;
      }
      throw this.failure(error, `read ${describeObject(object)}`);
    }
  }
}

/** An abort by `AbortSignal.timeout`, possibly wrapped by the client. */
function isTimeout(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    if ((current as { name?: unknown }).name === 'TimeoutError') {
      return true;
    }
    current = current instanceof Error ? current.cause : undefined;
  }
  return false;
}

/*
 * The client (de)serialises known kinds through its generated models, whose
 * field names differ from the wire format (LimitRange `default` is `_default`),
 * and drops fields it does not recognise. Our objects are in wire format, so
 * they go in through the client's own YAML loader and come back out through
 * its dumper.
 */
function toClientModel(object: KubernetesObject): KubernetesObject {
  return loadYaml<KubernetesObject>(JSON.stringify(object));
}

function header(object: KubernetesObject) {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: {
      name: object.metadata.name,
      ...(object.metadata.namespace
        ? { namespace: object.metadata.namespace }
        : {}),
    },
  };
}

function kubernetesError(error: unknown, action: string): Error {
  if (error instanceof ApiException) {
    const body =
      typeof error.body === 'string' ? safeJson(error.body) : error.body;
    const message =
      (body as { message?: string } | undefined)?.message ?? error.message;
    return new Error(
      `Kubernetes refused to ${action} (HTTP ${error.code}): ${message}`,
    );
  }
  return new Error(`Could not ${action}: ${withCauses(error)}`);
}

/** `fetch failed` alone says little; the causes say why (TLS, DNS, refused). */
function withCauses(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    parts.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(': ');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

function kubeConfigFrom(options: {
  settings: DirectSettings;
  clusterName: string;
  /** Overrides settings.token (a freshly made EKS token). */
  token?: string;
}): KubeConfig {
  const { settings, clusterName } = options;
  const kc = new KubeConfig();
  if (settings.kubeconfig) {
    kc.loadFromFile(settings.kubeconfig);
    if (settings.context) {
      kc.setCurrentContext(settings.context);
    }
    return kc;
  }
  kc.loadFromOptions({
    clusters: [
      {
        name: clusterName,
        server: settings.url!,
        caData: settings.caData,
        skipTLSVerify: settings.skipTLSVerify ?? false,
      },
    ],
    users: [{ name: 'emr-on-eks', token: options.token ?? settings.token }],
    contexts: [{ name: clusterName, cluster: clusterName, user: 'emr-on-eks' }],
    currentContext: clusterName,
  });
  return kc;
}
