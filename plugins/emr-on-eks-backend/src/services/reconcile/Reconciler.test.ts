import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import type { ReconcileStepName } from '@spot-spark/plugin-emr-on-eks-common';
import {
  spec,
  testSettings,
  TEST_ACCOUNT_ID,
} from '../../__testUtils__/fixtures';
import { migrated } from '../../__testUtils__/database';
import type { ClusterGateways } from '../../gateways/ClusterGateways';
import { NotManagedError } from '../../gateways/errors';
import { TenantAuditStore } from '../../stores/TenantAuditStore';
import { TenantLeaseStore } from '../../stores/TenantLeaseStore';
import { TenantStore } from '../../stores/TenantStore';
import { createTenantServices } from '../createTenantServices';
import { RECONCILE_STEP_LIST, type ReconcileStep } from './steps';

/*
 * The reconcile engine with a real store (SQLite) and steps that record what
 * they are asked to do, for the orderings a live system rarely shows on cue:
 * a crash in the middle of a pass, two reconcilers at once, a spec changed
 * during a pass, a failing teardown.
 */

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

type Call = `${'apply' | 'remove'}:${ReconcileStepName}`;

/** Calls that fail as a gateway does on a resource this tenant does not own. */
const NOT_OURS = new Set<string>();
/** Something to do in the middle of a call (block it, steal the lease...). */
const DURING = new Map<string, () => Promise<void>>();

function recordingSteps(calls: Call[], failing = new Set<string>()) {
  return RECONCILE_STEP_LIST.map(
    (real): ReconcileStep => ({
      name: real.name,
      async apply() {
        calls.push(`apply:${real.name}`);
        await DURING.get(`apply:${real.name}`)?.();
        if (NOT_OURS.has(`apply:${real.name}`)) {
          throw new NotManagedError(`${real.name} is someone else's`);
        }
        if (failing.has(`apply:${real.name}`)) {
          throw new Error(`${real.name} is down`);
        }
        return {
          changes: [`did ${real.name}`],
          outputs:
            real.name === 'virtual-cluster' ? { virtualClusterId: 'vc-1' } : {},
        };
      },
      async remove() {
        calls.push(`remove:${real.name}`);
        await DURING.get(`remove:${real.name}`)?.();
        if (NOT_OURS.has(`remove:${real.name}`)) {
          throw new NotManagedError(`${real.name} is someone else's`);
        }
        if (failing.has(`remove:${real.name}`)) {
          throw new Error(`cannot remove ${real.name}`);
        }
        return [`removed ${real.name}`];
      },
    }),
  );
}

async function setup(
  options: { account?: string; failing?: Set<string> } = {},
) {
  const knex = await databases.init('SQLITE_3');
  const db = await migrated(knex);
  const store = new TenantStore(db);
  const leases = new TenantLeaseStore(db);
  const audit = new TenantAuditStore(db);
  const calls: Call[] = [];
  const failing = options.failing ?? new Set<string>();
  const gateways = {
    accountId: async () => options.account ?? TEST_ACCOUNT_ID,
    dispose: () => undefined,
  } as unknown as ClusterGateways;
  const logger = mockServices.logger.mock();
  const services = createTenantServices({
    settings: testSettings(),
    store,
    audit,
    leases,
    logger,
    gatewaysFor: () => gateways,
    steps: recordingSteps(calls, failing),
  });
  return { knex, store, audit, leases, ...services, calls, failing, logger };
}

describe('Reconciler', () => {
  it('runs every step in order and records the outputs', async () => {
    const { store, reconciler, calls } = await setup();
    await store.insertTenant({ spec: spec(), createdBy: 'user:default/alice' });
    const tenant = await reconciler.reconcile('team-a', 'user:default/alice');
    expect(calls).toEqual([
      'apply:kubernetes-objects',
      'apply:iam-role',
      'apply:pod-identity',
      'apply:pod-templates',
      'apply:log-group',
      'apply:virtual-cluster',
    ]);
    expect(tenant?.status).toMatchObject({
      phase: 'Ready',
      observedGeneration: 1,
      virtualClusterId: 'vc-1',
    });
  });

  it('resumes after a crash at the first step that had not finished', async () => {
    const { store, leases, reconciler, calls } = await setup();
    await store.insertTenant({ spec: spec(), createdBy: 'x' });
    // What a process that died during the pod-templates step leaves behind.
    await store.setPhase('team-a', 'Reconciling');
    await store.recordStep('team-a', {
      name: 'kubernetes-objects',
      state: 'Succeeded',
      message: 'ok',
      generation: 1,
    });
    await store.recordStep('team-a', {
      name: 'iam-role',
      state: 'Succeeded',
      message: 'ok',
      generation: 1,
    });
    await store.recordStep('team-a', {
      name: 'pod-identity',
      state: 'Succeeded',
      message: 'ok',
      generation: 1,
    });
    await store.recordStep('team-a', {
      name: 'pod-templates',
      state: 'Running',
      message: 'running',
      generation: 1,
    });
    // ...and its lease, which expires.
    await leases.tryAcquire('team-a', 'dead-process', -1);

    await reconciler.reconcileAll();
    expect(calls).toEqual([
      'apply:pod-templates',
      'apply:log-group',
      'apply:virtual-cluster',
    ]);
    expect((await store.getTenant('team-a')).status.phase).toBe('Ready');
  });

  it('does not resume steps done for an older generation', async () => {
    const { store, reconciler, calls, failing } = await setup();
    await store.insertTenant({ spec: spec(), createdBy: 'x' });
    failing.add('apply:log-group');
    await reconciler.reconcile('team-a', 'x');
    expect((await store.getTenant('team-a')).status.phase).toBe('Failed');
    await store.updateSpec(spec({ logRetentionDays: 90 }));
    failing.clear();
    calls.length = 0;
    await reconciler.reconcile('team-a', 'x');
    expect(calls).toHaveLength(RECONCILE_STEP_LIST.length);
  });

  it('re-checks every step after a complete pass (drift detection)', async () => {
    const { store, reconciler, calls } = await setup();
    await store.insertTenant({ spec: spec(), createdBy: 'x' });
    await reconciler.reconcile('team-a', 'x');
    calls.length = 0;
    await reconciler.reconcile('team-a', 'x');
    expect(calls).toHaveLength(RECONCILE_STEP_LIST.length);
  });

  it('refuses a second reconcile of the same tenant while one holds the lease', async () => {
    const { store, leases, reconciler, calls } = await setup();
    await store.insertTenant({ spec: spec(), createdBy: 'x' });
    await leases.tryAcquire('team-a', 'another-replica', 60_000);
    await expect(reconciler.reconcile('team-a', 'x')).rejects.toThrow(
      ConflictError,
    );
    expect(calls).toEqual([]);
    // The scheduled pass skips it quietly and carries on with the others.
    await store.insertTenant({
      spec: spec({ name: 'team-b' }),
      createdBy: 'x',
    });
    await reconciler.reconcileAll();
    expect(calls.filter(c => c === 'apply:virtual-cluster')).toHaveLength(1);
    expect((await store.getTenant('team-b')).status.phase).toBe('Ready');
    expect((await store.getTenant('team-a')).status.phase).toBe('Pending');
  });

  describe('one reconcile per tenant at a time', () => {
    afterEach(() => DURING.clear());

    it('refuses a second reconcile in the same process while the first runs', async () => {
      const { store, reconciler } = await setup();
      await store.insertTenant({ spec: spec(), createdBy: 'x' });
      let reached!: () => void;
      const atIam = new Promise<void>(resolve => {
        reached = resolve;
      });
      let release!: () => void;
      DURING.set(
        'apply:iam-role',
        () =>
          new Promise<void>(resolve => {
            release = resolve;
            reached();
          }),
      );
      const first = reconciler.reconcile('team-a', 'x');
      await atIam;
      await expect(reconciler.reconcile('team-a', 'y')).rejects.toThrow(
        ConflictError,
      );
      release();
      expect((await first)?.status.phase).toBe('Ready');
    });

    it('stops before its next write once another reconcile took its lease', async () => {
      const { knex, store, reconciler, calls } = await setup();
      await store.insertTenant({ spec: spec(), createdBy: 'x' });
      // Mid-step, the lease expires and another replica takes it.
      DURING.set('apply:iam-role', async () => {
        await knex('emr_tenants')
          .where('name', 'team-a')
          .update({
            lease_owner: 'another-replica',
            lease_expires_at: new Date(Date.now() + 60_000),
          });
      });
      await expect(reconciler.reconcile('team-a', 'x')).rejects.toThrow(
        'lost its lease',
      );
      expect(calls).toEqual(['apply:kubernetes-objects', 'apply:iam-role']);
      const tenant = await store.getTenant('team-a');
      // Nothing written after the loss: the step stays as it was marked.
      expect(tenant.status.phase).toBe('Reconciling');
      expect(tenant.status.steps.find(s => s.name === 'iam-role')?.state).toBe(
        'Running',
      );
      expect(tenant.status.executionRoleArn).toBeUndefined();
      const [row] = await knex('emr_tenants').where('name', 'team-a');
      expect(row.lease_owner).toBe('another-replica');
    });

    it('runs this process’s background reconciles of one tenant one after another', async () => {
      const { store, queue, tenants, calls } = await setup();
      // The offboarding is asked for while onboarding is half-way.
      let deleted!: () => void;
      const deleteAsked = new Promise<void>(resolve => {
        deleted = resolve;
      });
      let reached!: () => void;
      const halfWay = new Promise<void>(resolve => {
        reached = resolve;
      });
      DURING.set('apply:pod-templates', async () => {
        reached();
        await deleteAsked;
      });
      await tenants.createTenant(spec(), 'user:default/alice');
      await halfWay;
      await tenants.deleteTenant('team-a', 'user:default/alice');
      deleted();
      await queue.waitForIdle();
      expect(calls).toEqual([
        'apply:kubernetes-objects',
        'apply:iam-role',
        'apply:pod-identity',
        'apply:pod-templates',
        'apply:log-group',
        'apply:virtual-cluster',
        'remove:virtual-cluster',
        'remove:log-group',
        'remove:pod-templates',
        'remove:pod-identity',
        'remove:iam-role',
        'remove:kubernetes-objects',
      ]);
      expect(await store.exists('team-a')).toBe(false);
    });
  });

  it('changes nothing when the credentials are for another account, telling the tenant without account ids and the log with them', async () => {
    const { store, reconciler, calls, logger } = await setup({
      account: '999999999999',
    });
    await store.insertTenant({ spec: spec(), createdBy: 'x' });
    const tenant = await reconciler.reconcile('team-a', 'x');
    expect(calls).toEqual([]);
    expect(tenant?.status.phase).toBe('Failed');
    expect(tenant?.status.message).toBe(
      'the AWS credentials belong to account <account-id>, but cluster shared is configured with account <account-id>',
    );
    expect(logger.warn).toHaveBeenCalledWith(
      `Reconcile of tenant team-a: the AWS credentials belong to account 999999999999, but cluster shared is configured with account ${TEST_ACCOUNT_ID}`,
      expect.objectContaining({ tenantUid: tenant!.uid }),
    );
  });

  it('offboards in reverse order, and retries a failed teardown on the next pass', async () => {
    const { store, audit, reconciler, queue, tenants, calls, failing } =
      await setup();
    await store.insertTenant({ spec: spec(), createdBy: 'x' });
    await reconciler.reconcile('team-a', 'x');
    calls.length = 0;

    failing.add('remove:iam-role');
    await tenants.deleteTenant('team-a', 'user:default/alice');
    await queue.waitForIdle();
    expect(calls).toEqual([
      'remove:virtual-cluster',
      'remove:log-group',
      'remove:pod-templates',
      'remove:pod-identity',
      'remove:iam-role',
    ]);
    const stuck = await store.getTenant('team-a');
    expect(stuck.status).toMatchObject({
      phase: 'Deleting',
      message: 'step iam-role failed: cannot remove iam-role',
    });

    failing.clear();
    calls.length = 0;
    await reconciler.reconcileAll();
    expect(calls.at(-1)).toBe('remove:kubernetes-objects');
    expect(await store.exists('team-a')).toBe(false);
    const trail = (await audit.listAudit(stuck.uid, { limit: 10 })).items;
    expect(trail.map(e => `${e.action}:${e.result}`)).toEqual([
      'tenant.offboard:succeeded',
      'tenant.offboard:failed',
      'tenant.delete:accepted',
      'tenant.reconcile:succeeded',
    ]);
  });

  describe('resources the tenant does not own', () => {
    afterEach(() => NOT_OURS.clear());

    it('leaves in place what onboarding was refused, and offboards the rest', async () => {
      const { store, reconciler, queue, tenants, calls } = await setup();
      await store.insertTenant({ spec: spec(), createdBy: 'x' });
      NOT_OURS.add('apply:kubernetes-objects');
      const refused = await reconciler.reconcile('team-a', 'x');
      expect(refused?.status.phase).toBe('Failed');
      // Offboarding meets the same foreign namespace: not a reason to stay stuck.
      NOT_OURS.add('remove:kubernetes-objects');
      calls.length = 0;
      await tenants.deleteTenant('team-a', 'x');
      await queue.waitForIdle();
      expect(calls.at(-1)).toBe('remove:kubernetes-objects');
      expect(await store.exists('team-a')).toBe(false);
    });

    it('stops offboarding, pass after pass, at a resource it made that was relabelled since', async () => {
      const { store, reconciler, queue, tenants } = await setup();
      await store.insertTenant({ spec: spec(), createdBy: 'x' });
      await reconciler.reconcile('team-a', 'x');
      NOT_OURS.add('remove:log-group');
      await tenants.deleteTenant('team-a', 'x');
      await queue.waitForIdle();
      await reconciler.reconcileAll();
      const stuck = await store.getTenant('team-a');
      expect(stuck.status).toMatchObject({
        phase: 'Deleting',
        message: "step log-group failed: log-group is someone else's",
      });
      expect(stuck.status.steps.find(s => s.name === 'log-group')?.state).toBe(
        'Succeeded',
      );
      // Once a person removed it (or gave it back), offboarding completes.
      NOT_OURS.clear();
      await reconciler.reconcileAll();
      expect(await store.exists('team-a')).toBe(false);
    });
  });

  it('reconciles again when the spec changed during a pass', async () => {
    const { knex, store, calls } = await setup();
    await store.insertTenant({ spec: spec(), createdBy: 'x' });
    // A step that, while running, sees the spec change under it.
    let changed = false;
    const steps = recordingSteps(calls).map(step =>
      step.name === 'log-group'
        ? {
            ...step,
            async apply(context: any) {
              if (!changed) {
                changed = true;
                await store.updateSpec(spec({ logRetentionDays: 90 }));
              }
              return step.apply(context);
            },
          }
        : step,
    );
    const { reconciler } = createTenantServices({
      settings: testSettings(),
      store,
      audit: new TenantAuditStore(knex),
      leases: new TenantLeaseStore(knex),
      logger: mockServices.logger.mock(),
      gatewaysFor: () =>
        ({ accountId: async () => TEST_ACCOUNT_ID, dispose() {} } as any),
      steps,
    });
    const tenant = await reconciler.reconcile('team-a', 'x');
    expect(tenant?.generation).toBe(2);
    expect(tenant?.status).toMatchObject({
      phase: 'Ready',
      observedGeneration: 2,
    });
    expect(calls.filter(c => c === 'apply:virtual-cluster')).toHaveLength(2);
  });
});
