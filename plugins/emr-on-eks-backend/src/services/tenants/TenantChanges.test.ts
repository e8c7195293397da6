import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { EventParams, EventsService } from '@backstage/plugin-events-node';
import {
  EMR_ON_EKS_TENANT_EVENTS_TOPIC,
  EmrOnEksTenantEventPayload,
} from '@spot-spark/plugin-emr-on-eks-common';
import {
  spec,
  testSettings,
  TEST_ACCOUNT_ID,
} from '../../__testUtils__/fixtures';
import { migrated } from '../../__testUtils__/database';
import type { ClusterGateways } from '../../gateways/ClusterGateways';
import { TenantAuditStore } from '../../stores/TenantAuditStore';
import { TenantLeaseStore } from '../../stores/TenantLeaseStore';
import { TenantStore } from '../../stores/TenantStore';
import { createTenantServices } from '../createTenantServices';
import { RECONCILE_STEP_LIST, ReconcileStep } from '../reconcile/steps';
import { EventsTenantChanges } from './TenantChanges';

/*
 * Tenant change events: what a subscriber (the catalog's tenant provider)
 * sees when it reads the tenant again on each event, and how events of one
 * tenant are coalesced while one is being delivered.
 */

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const change = (
  tenant: string,
  uid: string,
  kind: EmrOnEksTenantEventPayload['change'] = 'changed',
): EmrOnEksTenantEventPayload => ({ tenant, uid, change: kind });

/** An events service whose deliveries wait until the test releases them. */
class GatedEvents implements EventsService {
  readonly published: EmrOnEksTenantEventPayload[] = [];
  readonly failing = new Set<string>();
  private gates: Array<() => void> = [];

  async publish(params: EventParams): Promise<void> {
    const payload = params.eventPayload as EmrOnEksTenantEventPayload;
    this.published.push(payload);
    await new Promise<void>(resolve => this.gates.push(resolve));
    if (this.failing.has(payload.uid)) {
      throw new Error(`the bus refused ${payload.uid}`);
    }
  }

  async subscribe(): Promise<void> {}

  /** Lets every delivery waiting now finish; how many there were. */
  release(): number {
    const gates = this.gates;
    this.gates = [];
    gates.forEach(open => open());
    return gates.length;
  }

  /** Releases deliveries until none are left waiting. */
  async drain(changes: EventsTenantChanges) {
    let settled = false;
    const done = changes.settled().then(() => {
      settled = true;
    });
    while (!settled) {
      this.release();
      await new Promise(resolve => setImmediate(resolve));
    }
    await done;
  }
}

describe('EventsTenantChanges', () => {
  it('publishes the first change at once and the changes made meanwhile as one event, with the latest', async () => {
    const events = new GatedEvents();
    const changes = EventsTenantChanges.create({
      events,
      logger: mockServices.logger.mock(),
    });
    changes.notify(change('team-a', 'uid-1'));
    changes.notify(change('team-a', 'uid-2'));
    changes.notify(change('team-a', 'uid-3', 'removed'));
    // Another tenant is not held up by team-a's delivery.
    changes.notify(change('team-b', 'uid-b'));
    expect(events.published).toEqual([
      change('team-a', 'uid-1'),
      change('team-b', 'uid-b'),
    ]);

    await events.drain(changes);
    expect(events.published).toEqual([
      change('team-a', 'uid-1'),
      change('team-b', 'uid-b'),
      change('team-a', 'uid-3', 'removed'),
    ]);

    // Idle again: the next change is published at once.
    changes.notify(change('team-a', 'uid-4'));
    expect(events.published.at(-1)).toEqual(change('team-a', 'uid-4'));
    await events.drain(changes);
  });

  it('logs a delivery that fails and goes on with the next change', async () => {
    const events = new GatedEvents();
    const logger = mockServices.logger.mock();
    const changes = EventsTenantChanges.create({ events, logger });
    events.failing.add('uid-1');
    changes.notify(change('team-a', 'uid-1'));
    changes.notify(change('team-a', 'uid-2'));
    await events.drain(changes);
    expect(events.published.map(p => p.uid)).toEqual(['uid-1', 'uid-2']);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        `Could not publish the changed event of tenant team-a on ${EMR_ON_EKS_TENANT_EVENTS_TOPIC}: Error: the bus refused uid-1`,
      ),
    );
  });
});

describe('tenant services with change events', () => {
  /** What a subscriber saw when it read the tenant on each event. */
  async function setup(steps: ReconcileStep[] = quietSteps()) {
    const knex = await databases.init('SQLITE_3');
    const db = await migrated(knex);
    const store = new TenantStore(db);
    const events = mockServices.events();
    const logger = mockServices.logger.mock();
    const { tenants: service, queue } = createTenantServices({
      settings: testSettings({ region: 'eu-central-1' }),
      store,
      audit: new TenantAuditStore(db),
      leases: new TenantLeaseStore(db),
      logger,
      gatewaysFor: () =>
        ({
          accountId: async () => TEST_ACCOUNT_ID,
          dispose: () => undefined,
        } as unknown as ClusterGateways),
      steps,
      changes: EventsTenantChanges.create({ events, logger }),
    });
    const seen: Array<{ change: string; state?: string }> = [];
    await events.subscribe({
      id: 'reader',
      topics: [EMR_ON_EKS_TENANT_EVENTS_TOPIC],
      async onEvent(params) {
        const payload = params.eventPayload as EmrOnEksTenantEventPayload;
        const tenant = await service.findTenant(payload.tenant);
        seen.push({
          change: payload.change,
          state: tenant
            ? `${tenant.status.phase} g${tenant.generation} ${
                tenant.spec.description ?? ''
              }`.trim()
            : undefined,
        });
      },
    });
    return { service, queue, seen };
  }

  /** The real steps' names, doing nothing. */
  function quietSteps(): ReconcileStep[] {
    return RECONCILE_STEP_LIST.map(real => ({
      name: real.name,
      apply: async () => ({ changes: [], outputs: {} }),
      remove: async () => [],
    }));
  }

  it('announces onboarding, an update and offboarding, the last event of each read after its last change', async () => {
    const { service, queue, seen } = await setup();

    await service.createTenant(spec(), 'user:default/alice');
    await queue.waitForIdle();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toEqual({ change: 'changed', state: 'Ready g1' });

    seen.length = 0;
    await service.updateTenant(
      spec({ description: 'Sales analytics' }),
      'user:default/alice',
    );
    await queue.waitForIdle();
    expect(seen.at(-1)).toEqual({
      change: 'changed',
      state: 'Ready g2 Sales analytics',
    });

    seen.length = 0;
    await service.deleteTenant('team-a', 'user:default/admin');
    await queue.waitForIdle();
    expect(seen[0]).toEqual({
      change: 'changed',
      state: 'Deleting g2 Sales analytics',
    });
    expect(seen.at(-1)).toEqual({ change: 'removed', state: undefined });
  });

  it('announces nothing for an update that changes nothing', async () => {
    const { service, queue, seen } = await setup();
    await service.createTenant(spec(), 'user:default/alice');
    await queue.waitForIdle();
    seen.length = 0;
    await service.updateTenant(spec(), 'user:default/alice');
    await queue.waitForIdle();
    expect(seen).toEqual([]);
  });

  it("shows the region of the tenant's cluster on every read", async () => {
    const { service, queue } = await setup();
    const created = await service.createTenant(spec(), 'user:default/alice');
    await queue.waitForIdle();
    expect(created.status.region).toBe('eu-central-1');
    expect((await service.findTenant('team-a'))?.status.region).toBe(
      'eu-central-1',
    );
    expect(
      (await service.findTenants(['team-a', 'nobody'])).map(
        t => t?.status.region,
      ),
    ).toEqual(['eu-central-1', undefined]);
    const page = await service.listTenants({ limit: 10 });
    expect(page.items.map(t => t.status.region)).toEqual(['eu-central-1']);
  });
});
