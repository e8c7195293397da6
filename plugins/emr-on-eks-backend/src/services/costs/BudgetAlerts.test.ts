import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { TestDatabaseId } from '@backstage/backend-test-utils';
import type {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import { costDays } from '@spot-spark/plugin-emr-on-eks-common';
import knexFactory, { Knex } from 'knex';
import type { EmrOnEksSettings } from '../../config';
import { notificationsSchema } from '../../config/notifications';
import type { StoredCostRow } from '../../domain/costs/types';
import { migrated } from '../../__testUtils__/database';
import { storedCostRow } from '../../__testUtils__/costRows';
import { spec } from '../../__testUtils__/fixtures';
import { BudgetStore } from '../../stores/costs/BudgetStore';
import { CostStore } from '../../stores/costs/CostStore';
import { TenantStore } from '../../stores/TenantStore';
import { QuietNotifier } from '../events/JobRunChanges';
import { BudgetAlerts } from './BudgetAlerts';
import { BudgetService } from './BudgetService';

/*
 * The budget check on real stores (SQLite and PostgreSQL): each threshold
 * alerts once per incarnation and month, whatever crossed it, however many
 * checks run; and on two replicas sharing PostgreSQL, exactly once.
 */

jest.setTimeout(90_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const DIGEST = 'group:default/platform';

/** One replica's check, with its own clock, stores and captured notifications. */
function replica(
  db: Knex,
  clock: { now: Date },
  settings: Partial<{ budgetThreshold: boolean; budgetDigest: string[] }> = {},
) {
  const sent: NotificationSendOptions[] = [];
  const notifications: NotificationService = {
    async send(options) {
      sent.push(options);
    },
  };
  const store = new BudgetStore(db);
  const now = () => clock.now;
  const budgets = BudgetService.create({
    settings: {} as EmrOnEksSettings,
    store,
    now,
  });
  const alerts = BudgetAlerts.create({
    budgets,
    store,
    notifier: new QuietNotifier(notifications, mockServices.logger.mock()),
    settings: notificationsSchema.parse({
      budgetDigest: [DIGEST],
      ...settings,
    }),
    logger: mockServices.logger.mock(),
    now,
  });
  const owners = () =>
    sent.filter(n => n.recipients.type === 'entity' && !isDigest(n));
  const digests = () => sent.filter(isDigest);
  return { store, budgets, alerts, sent, owners, digests };
}

function isDigest(n: NotificationSendOptions): boolean {
  return (
    n.recipients.type === 'entity' &&
    [n.recipients.entityRef].flat().includes(DIGEST)
  );
}

function row(uid: string, date: string, amount: number): StoredCostRow {
  return storedCostRow({
    tenantUid: uid,
    date,
    amount,
    virtualClusterId: 'vca',
    emrJobRunId: 'job1',
  });
}

/** A tenant onboarded on `day`, with a budget, and its daily costs. */
async function budgeted(
  db: Knex,
  name: string,
  options: { day: string; amount: number; daily: Array<[string, number]> },
) {
  const tenant = await new TenantStore(db).insertTenant({
    spec: spec({ name, namespace: name, owner: `group:default/${name}` }),
    createdBy: 'user:default/admin',
  });
  await db('emr_tenants')
    .where('uid', tenant.uid)
    .update({ created_at: new Date(`${options.day}T09:00:00Z`) });
  await new BudgetStore(db).upsertBudget({
    tenant: name,
    tenantUid: tenant.uid,
    amount: options.amount,
    currency: 'USD',
    thresholds: [50, 80, 100],
    updatedBy: 'user:default/admin',
    updatedAt: new Date().toISOString(),
  });
  await addCosts(db, tenant.uid, options.daily);
  return tenant;
}

/** Replaces the costs of some days (every tenant's rows of those days). */
async function addCosts(db: Knex, uid: string, daily: Array<[string, number]>) {
  const costs = new CostStore(db);
  const days = daily.map(([date]) => date);
  const existing = await db('emr_cost_daily').whereIn('date', days);
  await costs.replaceDays({
    days,
    billedDays: new Set(days),
    now: new Date(),
    rows: [
      ...existing.map(r => ({ ...row(r.tenant_uid, r.date, r.amount) })),
      ...daily.map(([date, amount]) => row(uid, date, amount)),
    ],
  });
}

const at = (day: string) => new Date(`${day}T12:00:00Z`);
const thresholdsOf = (n: NotificationSendOptions) =>
  [...n.payload.description!.matchAll(/(\d+) % \((actual|forecast)\)/g)].map(
    m => `${m[1]} ${m[2]}`,
  );

describe.each(databases.eachSupportedId())('BudgetAlerts on %p', databaseId => {
  async function start(databaseId_: TestDatabaseId) {
    return migrated(await databases.init(databaseId_));
  }

  it('alerts once per threshold and month, a new month and a new incarnation again', async () => {
    const db = await start(databaseId);
    const clock = { now: at('2026-11-10') };
    const a = replica(db, clock);
    // 10 a day through November, with 100 on the 25th; budget 400.
    const november = costDays('2026-11-01', '2026-11-30').map(
      (d): [string, number] => [d, d === '2026-11-25' ? 100 : 10],
    );
    const first = await budgeted(db, 'team-a', {
      day: '2026-10-01',
      amount: 400,
      daily: november,
    });

    // The 10th: 100 to date (25 %), forecast 100 + 20 × 10 = 300 (75 %).
    const tenth = await a.alerts.checkAll();
    expect(tenth.claimed).toEqual([
      {
        tenant: 'team-a',
        tenantUid: first.uid,
        month: '2026-11',
        threshold: 50,
        basis: 'forecast',
      },
    ]);
    expect(a.owners()).toHaveLength(1);
    expect(a.owners()[0]).toMatchObject({
      recipients: { type: 'entity', entityRef: 'group:default/team-a' },
      payload: {
        title: 'Tenant team-a is forecast to reach 50 % of its 2026-11 budget',
        link: '/catalog/default/resource/team-a',
        severity: 'normal',
        topic: 'emr-on-eks:budgets',
      },
    });
    expect(a.owners()[0].payload.description).toBe(
      'Month to date 100.00 USD (25.0 %), forecast 300.00 USD (75.0 %), budget 400.00 USD. Thresholds crossed: 50 % (forecast).',
    );
    expect(a.digests()).toHaveLength(1);

    // Again the same day: nothing new.
    await expect(a.alerts.checkAll()).resolves.toMatchObject({ claimed: [] });
    expect(a.sent).toHaveLength(2);

    // The 25th: 340 to date (85 %): 80 by the actual costs; 50 was sent.
    clock.now = at('2026-11-25');
    await a.alerts.checkAll();
    expect(a.owners().map(thresholdsOf)).toEqual([
      ['50 forecast'],
      ['80 actual'],
    ]);
    expect(a.owners()[1].payload.title).toBe(
      'Tenant team-a has reached 80 % of its 2026-11 budget',
    );

    // December: a new month alerts again, from its own figures.
    await addCosts(db, first.uid, [
      ['2026-12-01', 10],
      ['2026-12-02', 10],
    ]);
    clock.now = at('2026-12-02');
    await a.alerts.checkAll();
    // The rate: the 14 days before the 2nd, the 100 of the 25th among them.
    expect(a.owners().map(thresholdsOf)[2]).toEqual([
      '50 forecast',
      '80 forecast',
      '100 forecast',
    ]);
    expect(a.owners()[2].payload.severity).toBe('high');
    await a.alerts.checkAll();
    expect(a.owners()).toHaveLength(3);

    // A new incarnation of the name: its own budget, its own alerts.
    await new TenantStore(db).deleteTenant('team-a');
    const second = await budgeted(db, 'team-a', {
      day: '2026-11-15',
      amount: 10,
      daily: [['2026-12-02', 30]],
    });
    await a.alerts.checkAll();
    expect(a.owners()).toHaveLength(4);
    expect(thresholdsOf(a.owners()[3])).toEqual([
      '50 actual',
      '80 actual',
      '100 actual',
    ]);
    const alerted = await a.store.alertedThresholds(
      [first.uid, second.uid],
      '2026-12',
    );
    expect(alerted.get(first.uid)).toEqual(new Set([50, 80, 100]));
    expect(alerted.get(second.uid)).toEqual(new Set([50, 80, 100]));
    // One digest per check that claimed something.
    expect(a.digests()).toHaveLength(4);
    // The overview's figures: the last check's forecast of the month.
    const ofMonth = await a.budgets.budgetsOfMonth('all', '2026-12');
    expect(ofMonth.get(second.uid)).toMatchObject({
      budget: 10,
      status: { state: 'over' },
    });
  });

  it('alerts last month once when a late bill takes it over, while the rollup still refreshes its days', async () => {
    const db = await start(databaseId);
    const clock = { now: at('2026-12-03') };
    const a = replica(db, clock);
    // November: 9 a day, 270 of a 300 budget (90 %): 50 and 80 crossed.
    const november = costDays('2026-11-01', '2026-11-30').map(
      (d): [string, number] => [d, 9],
    );
    const tenant = await budgeted(db, 'team-a', {
      day: '2026-10-01',
      amount: 300,
      daily: november,
    });
    await a.alerts.checkAll();
    const november50and80 = await a.store.alertedThresholds(
      [tenant.uid],
      '2026-11',
    );
    expect(november50and80.get(tenant.uid)).toEqual(new Set([50, 80]));

    // The bill of the 30th lands late on the 3rd: November reaches 100 %.
    await addCosts(db, tenant.uid, [['2026-11-30', 39]]);
    const late = await a.alerts.checkAll();
    // (December's forecast rises with it too, from the same history.)
    expect(late.claimed.filter(c => c.month === '2026-11')).toEqual([
      {
        tenant: 'team-a',
        tenantUid: tenant.uid,
        month: '2026-11',
        threshold: 100,
        basis: 'actual',
      },
    ]);
    expect(a.owners().map(n => n.payload.title)).toContain(
      'Tenant team-a has reached 100 % of its 2026-11 budget',
    );
    await expect(a.alerts.checkAll()).resolves.toMatchObject({ claimed: [] });

    // Both months are checked (one tenant each) while the 7 days the
    // rollup refreshes reach November (the 6th: Nov 30 to Dec 6); from the
    // 7th, December alone.
    expect(late.checked).toBe(2);
    clock.now = at('2026-12-06');
    await expect(a.alerts.checkAll()).resolves.toMatchObject({ checked: 2 });
    clock.now = at('2026-12-07');
    await expect(a.alerts.checkAll()).resolves.toMatchObject({ checked: 1 });
  });

  it('claims but does not notify owners when budgetThreshold is off', async () => {
    const db = await start(databaseId);
    const clock = { now: at('2026-11-10') };
    const a = replica(db, clock, { budgetThreshold: false });
    await budgeted(db, 'team-a', {
      day: '2026-10-01',
      amount: 10,
      daily: [['2026-11-10', 50]],
    });
    const result = await a.alerts.checkAll();
    expect(result.claimed).toHaveLength(3);
    expect(a.owners()).toEqual([]);
    expect(a.digests()).toHaveLength(1);
    expect(a.digests()[0].payload.description).toContain(
      'team-a: 50 % (actual), 80 % (actual), 100 % (actual).',
    );
  });
});

const postgres = databases.eachSupportedId().flat().includes('POSTGRES_15');

(postgres ? describe : describe.skip)(
  'BudgetAlerts on two replicas sharing PostgreSQL',
  () => {
    it('sends exactly one notification per threshold when both check at once', async () => {
      const db = await migrated(await databases.init('POSTGRES_15'));
      const other = knexFactory(db.client.config);
      try {
        const clock = { now: at('2026-11-20') };
        const tenants = [];
        // Ten tenants, each crossing every threshold by the 20th.
        for (let i = 0; i < 10; i++) {
          tenants.push(
            await budgeted(db, `team-${i}`, {
              day: '2026-10-01',
              amount: 100 + i,
              daily: costDays('2026-11-01', '2026-11-20').map(
                (d): [string, number] => [d, 10],
              ),
            }),
          );
        }
        const replicas = [replica(db, clock), replica(other, clock)];
        // Both at once, three times over.
        for (let round = 0; round < 3; round++) {
          await Promise.all(replicas.map(r => r.alerts.checkAll()));
        }
        const owners = replicas.flatMap(r => r.owners());
        const announced = owners.flatMap(n =>
          thresholdsOf(n).map(
            t =>
              `${
                n.recipients.type === 'entity' && n.recipients.entityRef
              } ${t}`,
          ),
        );
        const expected = tenants.flatMap(t =>
          [50, 80, 100].map(th => `group:default/${t.name} ${th} actual`),
        );
        expect(announced.sort()).toEqual(expected.sort());
        // Each claimed alert is in exactly one digest.
        const digested = replicas
          .flatMap(r => r.digests())
          .flatMap(n => n.payload.description!.split('\n'))
          .flatMap(line =>
            [...line.matchAll(/(\d+) % \((\w+)\)/g)].map(
              m => `group:default/${line.split(':')[0]} ${m[1]} ${m[2]}`,
            ),
          );
        expect(digested.sort()).toEqual(expected.sort());
      } finally {
        await other.destroy();
      }
    });
  },
);
