import type { BackendFeature } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import request from 'supertest';
import { createEmrOnEksPlugin } from '../plugin';
import { testConfig } from './fixtures';
import { MemoryCluster } from './memoryGateways';
import { startEmrOnEksBackend } from './testBackend';

/** Where the plugin's REST API is mounted. */
export const BASE = '/api/emr-on-eks';

/** The Authorization header of a user of the test organisation (see USERS). */
export const as = (user: string) => mockCredentials.user.header(user);

/**
 * The API suites' world, fast tier: the real plugin, router, services,
 * stores and permission framework on SQLite, with in-memory cluster
 * gateways (`cluster` records their calls). `api()` is supertest on it.
 */
export async function startApiWorld(
  options: {
    config?: JsonObject;
    /** Other features of the backend, such as a capturing logger. */
    extraFeatures?: BackendFeature[];
  } = {},
) {
  const cluster = new MemoryCluster();
  const backend = await startEmrOnEksBackend(
    options.config ?? testConfig(),
    options.extraFeatures ?? [],
    createEmrOnEksPlugin({ createGateways: () => cluster }),
  );
  // Object.assign keeps the backend's methods (stop), which a spread loses.
  return Object.assign(backend, {
    cluster,
    api: () => request(backend.server),
  });
}
