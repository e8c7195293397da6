/*
 * The actions' world: the real EMR on EKS backend plugin started in-process
 * (its own test backend: real permission backend and policy, moto behind a
 * recording proxy, the recording Kubernetes API server), and action contexts
 * that act as a given user.
 */
/* eslint-disable @backstage/no-relative-monorepo-imports */
import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { JsonObject, JsonValue } from '@backstage/types';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { DefaultEmrOnEksClientService } from '@spot-spark/plugin-emr-on-eks-node';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
// The backend plugin's own test world, so the actions meet the real plugin.
import {
  IntegrationHarness,
  useIntegrationHarness,
} from '../../../emr-on-eks-backend/src/__testUtils__/harness';
import {
  startEmrOnEksBackendWith,
  USERS,
} from '../../../emr-on-eks-backend/src/__testUtils__/testBackend';
import type { BackendClientDeps } from '../actions/backendClient';
import type { ActionSettings } from '../actions/settings';
import type { AppLinks } from '../actions/tenantOutputs';

export { USERS };
export const BASE = '/api/emr-on-eks';
export const LINKS: AppLinks = {
  baseUrl: 'http://localhost:3000',
  catalogNamespace: 'default',
};
/** Fast polling, so tests wait for the backend and not for the clock. */
export const FAST: ActionSettings = {
  waitTimeoutMinutes: 1,
  pollIntervalSeconds: 0.02,
};

export interface ActionsWorld {
  harness: IntegrationHarness;
  server: any;
  deps: BackendClientDeps;
  /** Requests the actions made to the backend: `METHOD /path`. */
  backendCalls: string[];
  /** Starts the backend with other `emrOnEks` config (for one test). */
  restart(config: JsonObject): Promise<void>;
  /** The requests that changed something (not GET), as `METHOD /path`. */
  writes(): string[];
}

/** Starts a fresh backend before each test, on a reset moto. */
export function useActionsWorld(): ActionsWorld {
  const harness = useIntegrationHarness();
  const world = { harness, backendCalls: [] as string[] } as ActionsWorld;
  let stop: (() => Promise<void>) | undefined;
  let proxy: http.Server | undefined;

  world.restart = async (config: JsonObject) => {
    await stop?.();
    const backend = await startEmrOnEksBackendWith(config);
    stop = () => backend.stop();
    world.server = backend.server;
    const { port } = backend.server.address() as AddressInfo;
    proxy?.close();
    proxy = await startRecordingProxy(port, world.backendCalls);
    const proxyPort = (proxy.address() as AddressInfo).port;
    const discovery: DiscoveryService = {
      async getBaseUrl(pluginId) {
        return `http://127.0.0.1:${proxyPort}/api/${pluginId}`;
      },
      async getExternalBaseUrl(pluginId) {
        return `http://127.0.0.1:${proxyPort}/api/${pluginId}`;
      },
    };
    // Backstage's auth service issues a token on behalf of the user that
    // names the scaffolder as its actor; the mock leaves the actor out,
    // which the permission framework refuses for conditional decisions.
    const base = mockServices.auth({ pluginId: 'scaffolder' });
    const auth: AuthService = Object.assign(Object.create(base), {
      async getPluginRequestToken(options: {
        onBehalfOf: BackstageCredentials;
        targetPluginId: string;
      }) {
        const principal = options.onBehalfOf.principal as {
          userEntityRef: string;
        };
        return {
          token: mockCredentials.user.token(principal.userEntityRef, {
            actor: { subject: 'plugin:scaffolder' },
          }),
        };
      },
    });
    world.deps = {
      emrOnEks: DefaultEmrOnEksClientService.create({ auth, discovery }),
    };
    world.backendCalls.length = 0;
  };

  world.writes = () =>
    world.backendCalls.filter(call => !call.startsWith('GET '));

  beforeEach(async () => {
    await world.restart(harness.directConfig());
  });
  afterEach(async () => {
    await stop?.();
    stop = undefined;
    proxy?.close();
    proxy = undefined;
  });
  return world;
}

/**
 * An HTTP proxy in front of the backend that records each request's method
 * and path, so a test sees what the actions sent (or that they sent nothing).
 */
async function startRecordingProxy(
  backendPort: number,
  calls: string[],
): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    calls.push(`${req.method} ${req.url}`);
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: backendPort,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** A store of checkpoints, kept across runs of a task like the task's state. */
export type CheckpointStore = Map<string, JsonValue | undefined>;

/**
 * An action context acting as `user`: checkpoints kept in `checkpoints` (a
 * retried task passes the same store) and outputs collected in `outputs`.
 */
export function actionContext<TInput extends JsonObject>(options: {
  input: TInput;
  user: string;
  checkpoints?: CheckpointStore;
  isDryRun?: boolean;
  taskId?: string;
  workspacePath?: string;
}) {
  const outputs: Record<string, unknown> = {};
  const checkpoints = options.checkpoints ?? new Map();
  const logs: string[] = [];
  const warnings: string[] = [];
  const base = createMockActionContext<TInput>({
    input: options.input,
    task: { id: options.taskId ?? 'task-1' },
    ...(options.workspacePath ? { workspacePath: options.workspacePath } : {}),
  });
  const logger = mockServices.logger.mock();
  logger.info.mockImplementation((message: string) => {
    logs.push(message);
  });
  logger.warn.mockImplementation((message: string) => {
    warnings.push(message);
  });
  const ctx = {
    ...base,
    logger: logger as any,
    isDryRun: options.isDryRun,
    getInitiatorCredentials: async () =>
      mockCredentials.user(options.user) as BackstageCredentials,
    output: (name: string, value: unknown) => {
      outputs[name] = value;
    },
    async checkpoint<T extends JsonValue | void>(opts: {
      key: string;
      fn: () => Promise<T> | T;
    }): Promise<T> {
      if (checkpoints.has(opts.key)) {
        return checkpoints.get(opts.key) as T;
      }
      const value = await opts.fn();
      checkpoints.set(opts.key, value as JsonValue);
      return value;
    },
  };
  return { ctx: ctx as typeof base, outputs, logs, warnings, checkpoints };
}
