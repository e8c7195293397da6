import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import { addCostDays } from '@spot-spark/plugin-emr-on-eks-common';
import type { Knex } from 'knex';
import request from 'supertest';
import { DAILY_SALES, TEAM_A, testConfig } from '../../__testUtils__/fixtures';
import { MemoryCluster } from '../../__testUtils__/memoryGateways';
import { computeRow, UPLIFT_RATE } from '../../__testUtils__/scriptedCosts';
import {
  startEmrOnEksBackendWith,
  USERS,
  waitForTenant,
} from '../../__testUtils__/testBackend';
import type { ComputeRow } from '../../domain/costs/types';
import { createEmrOnEksPlugin } from '../../plugin';

/*
 * The actions' world, fast tier: the real plugin, actions registry,
 * permission backend and test policy on the given database (an in-memory
 * SQLite one by default), in-memory cluster gateways
 * and a scripted compute source; team-a (alice) and team-b (bob) onboarded,
 * one run of team-a with a driver log and a day of compute, rolled up. The
 * actions are called through the registry's own HTTP endpoints, as the MCP
 * backend calls them.
 */

export const BASE = '/api/emr-on-eks';
export const ACTIONS = `${BASE}/.backstage/actions/v1/actions`;
export const ALICE = mockCredentials.user.header(USERS.alice);
export const BOB = mockCredentials.user.header(USERS.bob);
export const ADMIN = mockCredentials.user.header(USERS.admin);
export const SALES = {
  ...DAILY_SALES,
  executor: { ...DAILY_SALES.executor, maxExecutors: 10 },
};
export const TODAY = new Date().toISOString().slice(0, 10);
const BUCKET = 'shared-data-emr-assets';

/** An audit event as the capturing auditor keeps it. */
export interface AuditRecord {
  eventId: string;
  severityLevel?: string;
  meta?: JsonObject;
  outcome?: 'success' | 'fail';
  error?: string;
}

/**
 * Starts the world on `knex` (from `TestDatabases`; every plugin of the
 * backend shares it); `invoke` calls an action as a user.
 */
export async function startActionsWorld(database: { knex?: Knex } = {}) {
  const cluster = new MemoryCluster();
  const compute: ComputeRow[] = [];
  const audits: AuditRecord[] = [];
  const auditor = createServiceFactory({
    service: coreServices.auditor,
    deps: {},
    factory: () => ({
      async createEvent(options) {
        const record: AuditRecord = {
          eventId: options.eventId,
          severityLevel: options.severityLevel,
          meta: options.meta,
        };
        audits.push(record);
        return {
          async success() {
            record.outcome = 'success';
          },
          async fail({ error }) {
            record.outcome = 'fail';
            record.error = error.message;
          },
        };
      },
    }),
  });
  const config = testConfig();
  (config.emrOnEks as JsonObject).costs = {
    duckdb: { curPath: 'unused/*.csv', kubecostPath: 'unused/*.csv' },
    rates: { 'us-east-1': UPLIFT_RATE },
  };
  const backend = await startEmrOnEksBackendWith(config, {
    extraFeatures: [auditor],
    knex: database.knex,
    plugin: createEmrOnEksPlugin({
      createGateways: () => cluster,
      createCostSources: async () => ({
        uplift: { uplift: async () => ({ rows: [], completeThrough: null }) },
        compute: { source: 'kubecost', compute: async () => compute },
        close: async () => {},
      }),
    }),
  });
  const api = () => request(backend.server);
  for (const [body, user] of [
    [TEAM_A, ALICE],
    [
      {
        ...TEAM_A,
        name: 'team-b',
        owner: 'group:default/team-b',
        dataAccess: [],
      },
      BOB,
    ],
  ] as const) {
    await api()
      .post(`${BASE}/tenants`)
      .set('Authorization', user)
      .send(body)
      .expect(202);
  }
  const teamA = await waitForTenant(backend.server, 'team-a', ['Ready'], ADMIN);
  await waitForTenant(backend.server, 'team-b', ['Ready'], ADMIN);
  const run = (
    await api()
      .post(`${BASE}/tenants/team-a/job-runs`)
      .set('Authorization', ALICE)
      .send(SALES)
      .expect(201)
  ).body;
  // The run's driver log, where EMR writes it for the tenant.
  const containers = `tenants/team-a/${teamA.uid}/logs/${run.virtualClusterId}/jobs/${run.emrJobRunId}/containers/`;
  cluster.runLogs.objects.set(
    `${BUCKET}/${containers}spark-app/spark-${run.emrJobRunId}-driver/stderr.gz`,
    ['starting', 'working', 'ERROR boom: java.lang.OutOfMemoryError', ''].join(
      '\n',
    ),
  );
  // Yesterday's compute of the run, rolled up.
  compute.push(
    computeRow(TODAY, {
      namespace: teamA.status.namespace,
      virtualClusterId: run.virtualClusterId,
      emrJobRunId: run.emrJobRunId,
      amount: 2.5,
    }),
  );
  await api()
    .post(`${BASE}/costs/refresh?from=${addCostDays(TODAY, -1)}&to=${TODAY}`)
    .set('Authorization', ADMIN)
    .expect(200);

  /** Calls an action as the user; the registry's HTTP answer. */
  const invoke = (name: string, user: string, input: JsonObject) =>
    api()
      .post(`${ACTIONS}/${encodeURIComponent(`emr-on-eks:${name}`)}/invoke`)
      .set('Authorization', user)
      .send(input);
  return { backend, api, cluster, run, teamA, audits, invoke };
}

/** The world of a test file. */
export type ActionsWorld = Awaited<ReturnType<typeof startActionsWorld>>;
