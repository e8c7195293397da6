import {
  coreServices,
  createServiceFactory,
  type LoggerService,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import request from 'supertest';
import { BASE } from './__testUtils__/apiWorld';
import { DAILY_SALES, TEAM_A, testConfig } from './__testUtils__/fixtures';
import { MemoryCluster } from './__testUtils__/memoryGateways';
import {
  startEmrOnEksBackendWith,
  USERS,
  waitForTenant,
} from './__testUtils__/testBackend';
import { createEmrOnEksPlugin } from './plugin';

/*
 * Issue 19, section 4, fast tier: notifications that are switched off are
 * not sent, and a backend without the signals and notifications plugins
 * works as before (saying once that notifications cannot be sent).
 */

const ALICE = mockCredentials.user.header(USERS.alice);
const ADMIN = mockCredentials.user.header(USERS.admin);
const SALES = {
  ...DAILY_SALES,
  executor: { ...DAILY_SALES.executor, maxExecutors: 10 },
};

async function start(
  options: {
    notifications?: JsonObject;
    signalsAndNotifications?: 'capture' | 'default';
  } = {},
) {
  const warnings: string[] = [];
  const logger = (): LoggerService => ({
    error: () => {},
    warn: message => {
      warnings.push(message);
    },
    info: () => {},
    debug: () => {},
    child: () => logger(),
  });
  const cluster = new MemoryCluster();
  const config = testConfig() as { emrOnEks: JsonObject };
  const backend = await startEmrOnEksBackendWith(
    options.notifications
      ? {
          ...config,
          emrOnEks: {
            ...config.emrOnEks,
            notifications: options.notifications,
          },
        }
      : config,
    {
      plugin: createEmrOnEksPlugin({ createGateways: () => cluster }),
      signalsAndNotifications: options.signalsAndNotifications,
      extraFeatures: [
        createServiceFactory({
          service: coreServices.logger,
          deps: {},
          factory: logger,
        }),
      ],
    },
  );
  await request(backend.server)
    .post(`${BASE}/tenants`)
    .set('Authorization', ALICE)
    .send(TEAM_A)
    .expect(202);
  await waitForTenant(backend.server, 'team-a', ['Ready'], ADMIN);

  /** Submits a run, fails it in EMR and runs the sync. */
  const failARun = async (name: string) => {
    const submitted = await request(backend.server)
      .post(`${BASE}/tenants/team-a/job-runs`)
      .set('Authorization', ALICE)
      .send({ ...SALES, name, idempotencyKey: name })
      .expect(201);
    const emrRun = cluster.runs.get(submitted.body.emrJobRunId)!;
    cluster.runs.set(emrRun.id, {
      ...emrRun,
      state: 'FAILED',
      failureReason: 'USER_ERROR',
      finishedAt: new Date(),
    });
    const sync = backend.scheduledTasks.find(
      t => t.id === 'emr-on-eks-sync-job-runs',
    )!;
    await sync.fn(new AbortController().signal);
    const read = await request(backend.server)
      .get(`${BASE}/job-runs/${submitted.body.id}`)
      .set('Authorization', ALICE)
      .expect(200);
    return read.body;
  };
  return { backend, cluster, warnings, failARun };
}

describe('job-run notifications', () => {
  it('sends none of the kinds switched off in config', async () => {
    const { backend, failARun } = await start({
      notifications: { jobRunFailed: false, tenantReady: false },
    });
    try {
      expect((await failARun('first')).state).toBe('FAILED');
      expect(backend.notifications).toEqual([]);
      // Signals are not notifications: the pages still hear of the change.
      expect(backend.signals.length).toBeGreaterThan(0);
    } finally {
      await backend.stop();
    }
  });

  it('tells the person who asked for a tenant that its reconcile failed, once', async () => {
    const { backend, cluster } = await start();
    try {
      cluster.failing.add('podTemplates.ensureFiles');
      await request(backend.server)
        .post(`${BASE}/tenants`)
        .set('Authorization', mockCredentials.user.header(USERS.bob))
        .send({
          ...TEAM_A,
          name: 'team-f',
          owner: 'group:default/team-b',
          dataAccess: [],
        })
        .expect(202);
      await waitForTenant(backend.server, 'team-f', ['Failed'], ADMIN);
      // A scheduled pass that fails again says nothing more.
      const reconcile = backend.scheduledTasks.find(
        t => t.id === 'emr-on-eks-reconcile-tenants',
      )!;
      await reconcile.fn(new AbortController().signal);
      const aboutTeamF = backend.notifications.filter(n =>
        n.payload.title.includes('team-f'),
      );
      expect(
        aboutTeamF.map(n => [
          n.payload.title,
          n.recipients,
          n.payload.severity,
        ]),
      ).toEqual([
        [
          'Tenant team-f failed to reconcile',
          { type: 'entity', entityRef: USERS.bob },
          'high',
        ],
      ]);
    } finally {
      await backend.stop();
    }
  });

  it('works without the signals and notifications backends, saying so once', async () => {
    const { backend, warnings, failARun } = await start({
      signalsAndNotifications: 'default',
    });
    try {
      expect((await failARun('first')).state).toBe('FAILED');
      expect((await failARun('second')).state).toBe('FAILED');
      expect(
        warnings.filter(w => w.startsWith('Could not send a notification')),
      ).toHaveLength(1);
    } finally {
      await backend.stop();
    }
  });
});
