import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { spec } from '../__testUtils__/fixtures';
import { TenantAuditStore } from './TenantAuditStore';
import { TenantStore } from './TenantStore';
import { migrated } from '../__testUtils__/database';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const migrationsDir = resolvePackagePath(
  '@spot-spark/plugin-emr-on-eks-backend',
  'migrations',
);

async function createStore(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const db = await migrated(knex);
  const store = new TenantStore(db);
  const audit = new TenantAuditStore(db);
  return { knex, store, audit };
}

describe('TenantStore', () => {
  if (process.env.EMR_ON_EKS_REQUIRE_POSTGRES) {
    it('runs against PostgreSQL in CI', () => {
      expect(databases.eachSupportedId()).toContainEqual(['POSTGRES_15']);
    });
  }

  it.each(databases.eachSupportedId())(
    'migrates up and down on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      expect(await knex.schema.hasTable('emr_tenants')).toBe(true);
      expect(await knex.schema.hasTable('emr_tenant_steps')).toBe(true);
      expect(await knex.schema.hasTable('emr_audit_events')).toBe(true);
      await knex.migrate.rollback({ directory: migrationsDir }, true);
      expect(await knex.schema.hasTable('emr_tenants')).toBe(false);
      expect(await knex.schema.hasTable('emr_audit_events')).toBe(false);
      await knex.migrate.latest({ directory: migrationsDir });
      expect(await knex.schema.hasTable('emr_tenants')).toBe(true);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the step outputs of existing tenants when their column is renamed, both ways, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      // The schema as the first two migrations left it, with one tenant.
      await knex.migrate.up({ directory: migrationsDir });
      await knex.migrate.up({ directory: migrationsDir });
      const now = new Date();
      const outputs = { virtualClusterId: 'vc-1', logGroupName: '/emr/a' };
      await knex('emr_tenants').insert({
        name: 'team-a',
        cluster: 'shared',
        namespace: 'team-a',
        owner: 'group:default/team-a',
        spec: JSON.stringify(spec()),
        phase: 'Ready',
        status: JSON.stringify(outputs),
        created_by: 'user:default/jane',
        created_at: now,
        updated_at: now,
      });
      await knex.migrate.up({ directory: migrationsDir });
      expect(await knex.schema.hasColumn('emr_tenants', 'status')).toBe(false);
      const [renamed] = await knex('emr_tenants').select('outputs');
      expect(JSON.parse(renamed.outputs)).toEqual(outputs);
      await knex.migrate.down({ directory: migrationsDir });
      const [row] = await knex('emr_tenants').select('status');
      expect(JSON.parse(row.status)).toEqual(outputs);
    },
  );

  it.each(databases.eachSupportedId())(
    'stores, reads and versions tenants on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const created = await store.insertTenant({
        spec: spec(),
        createdBy: 'user:default/jane',
      });
      expect(created).toMatchObject({
        name: 'team-a',
        generation: 1,
        createdBy: 'user:default/jane',
        spec: spec(),
        status: {
          phase: 'Pending',
          observedGeneration: 0,
          namespace: 'team-a',
        },
      });
      expect(created.status.steps.map(s => [s.name, s.state])).toEqual([
        ['kubernetes-objects', 'Pending'],
        ['iam-role', 'Pending'],
        ['pod-identity', 'Pending'],
        ['pod-templates', 'Pending'],
        ['log-group', 'Pending'],
        ['virtual-cluster', 'Pending'],
      ]);

      const same = await store.updateSpec(spec());
      expect(same.changed).toBe(false);
      expect(same.tenant.generation).toBe(1);
      const changed = await store.updateSpec(spec({ quota: { pods: '10' } }));
      expect(changed.changed).toBe(true);
      expect(changed.tenant.generation).toBe(2);
      expect(changed.tenant.spec.quota.pods).toBe('10');

      await store.recordStep('team-a', {
        name: 'iam-role',
        state: 'Succeeded',
        message: 'ok',
        generation: 2,
      });
      await store.recordStep('team-a', {
        name: 'iam-role',
        state: 'Failed',
        message: 'boom',
        generation: 2,
      });
      await store.mergeOutputs('team-a', {
        executionRoleArn: 'arn:aws:iam::1:role/x',
      });
      await store.mergeOutputs('team-a', { virtualClusterId: 'vc1' });
      const tenant = await store.getTenant('team-a');
      expect(
        tenant.status.steps.find(s => s.name === 'iam-role'),
      ).toMatchObject({
        state: 'Failed',
        message: 'boom',
        generation: 2,
      });
      expect(tenant.status).toMatchObject({
        executionRoleArn: 'arn:aws:iam::1:role/x',
        virtualClusterId: 'vc1',
      });
      expect(
        (await store.listTenantPage({ limit: 10 })).items.map(t => t.name),
      ).toEqual(['team-a']);
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses duplicate names and namespaces on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.insertTenant({
        spec: spec(),
        createdBy: 'user:default/jane',
      });
      await expect(
        store.insertTenant({ spec: spec(), createdBy: 'x' }),
      ).rejects.toThrow(ConflictError);
      await expect(
        store.insertTenant({
          spec: spec({ name: 'team-b', namespace: 'team-a' }),
          createdBy: 'x',
        }),
      ).rejects.toThrow(
        'namespace: "team-a" of cluster shared is taken; choose another namespace',
      );
      expect((await store.listTenantPage({ limit: 10 })).items).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'never lets a phase update undo Deleting or a newer spec on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.insertTenant({ spec: spec(), createdBy: 'x' });
      await store.setPhase('team-a', 'Deleting');
      await store.setPhase('team-a', 'Ready', { generation: 1 });
      expect((await store.getTenant('team-a')).status.phase).toBe('Deleting');

      await store.insertTenant({
        spec: spec({ name: 'team-b' }),
        createdBy: 'x',
      });
      await store.updateSpec(spec({ name: 'team-b', quota: { pods: '1' } }));
      await store.setPhase('team-b', 'Ready', {
        generation: 1,
        observedGeneration: 1,
      });
      expect((await store.getTenant('team-b')).status).toMatchObject({
        phase: 'Pending',
        observedGeneration: 0,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'lists names, and gives a check the specs of the cluster’s other tenants, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.insertTenant({
        spec: spec({ name: 'team-b' }),
        createdBy: 'x',
      });
      await store.insertTenant({ spec: spec(), createdBy: 'x' });
      await store.insertTenant({
        spec: spec({ name: 'team-c', cluster: 'other' }),
        createdBy: 'x',
      });
      expect(await store.listNames()).toEqual(['team-a', 'team-b', 'team-c']);
      const seen: unknown[] = [];
      await store.insertTenant({
        spec: spec({ name: 'team-d', namespace: 'team-d' }),
        createdBy: 'x',
        check: others => seen.push(...others),
      });
      expect(seen).toEqual([spec(), spec({ name: 'team-b' })]);
      const seenOnUpdate: unknown[] = [];
      await store.updateSpec(spec({ description: 'new' }), undefined, others =>
        seenOnUpdate.push(...others),
      );
      expect(seenOnUpdate).toEqual([
        spec({ name: 'team-b' }),
        spec({ name: 'team-d', namespace: 'team-d' }),
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the audit trail after the tenant is deleted, under its uid, on %p',
    async databaseId => {
      const { store, audit } = await createStore(databaseId);
      const { uid } = await store.insertTenant({
        spec: spec(),
        createdBy: 'x',
      });
      await store.recordStep('team-a', {
        name: 'iam-role',
        state: 'Succeeded',
        message: 'ok',
        generation: 1,
      });
      await audit.appendAudit({
        tenant: 'team-a',
        tenantUid: uid,
        actor: 'user:default/jane',
        action: 'tenant.create',
        result: 'accepted',
        generation: 1,
      });
      await audit.appendAudit({
        tenant: 'team-a',
        tenantUid: uid,
        actor: 'system:reconciler',
        action: 'tenant.offboard',
        result: 'succeeded',
        message: 'gone',
      });
      await store.deleteTenant('team-a');
      await expect(store.getTenant('team-a')).rejects.toThrow(NotFoundError);
      const trail = (await audit.listAudit(uid, { limit: 10 })).items;
      expect(trail.map(a => [a.action, a.result, a.actor])).toEqual([
        ['tenant.offboard', 'succeeded', 'system:reconciler'],
        ['tenant.create', 'accepted', 'user:default/jane'],
      ]);
      expect(trail[0].message).toBe('gone');
      expect(Date.parse(trail[0].createdAt)).not.toBeNaN();
      expect(await store.listHistory('team-a')).toEqual([
        expect.objectContaining({
          uid,
          name: 'team-a',
          owner: 'group:default/team-a',
          createdBy: 'x',
          spec: spec(),
        }),
      ]);

      // A new tenant of the same name starts with an empty history.
      const again = await store.insertTenant({ spec: spec(), createdBy: 'y' });
      expect(again.uid).not.toBe(uid);
      expect((await audit.listAudit(again.uid, { limit: 10 })).items).toEqual(
        [],
      );
      expect((await store.findHistory(uid))?.name).toBe('team-a');
    },
  );

  it.each(databases.eachSupportedId())(
    'runs the cluster check of concurrent onboardings one after the other, so one of two clashing tenants is refused, on %p',
    async databaseId => {
      const { store, knex } = await createStore(databaseId);
      if (databaseId.startsWith('POSTGRES')) {
        // Open the pool's five connections first, so that the onboardings
        // below really run side by side instead of one per new connection.
        let open = 0;
        let allOpen!: () => void;
        const opened = new Promise<void>(resolve => (allOpen = resolve));
        await Promise.all(
          Array.from({ length: 5 }, () =>
            knex.transaction(async tx => {
              await tx.raw('select 1');
              if (++open === 5) {
                allOpen();
              }
              await opened;
            }),
          ),
        );
      }
      // Each tenant refuses to share the cluster with any other: of many
      // concurrent onboardings exactly one may pass.
      const alone = (others: unknown[]) => {
        if (others.length > 0) {
          throw new InputError('not alone');
        }
      };
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) =>
          store.insertTenant({
            spec: spec({ name: `team-${i}`, namespace: `team-${i}` }),
            createdBy: 'x',
            check: alone,
          }),
        ),
      );
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
      expect(
        results
          .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
          .map(r => r.reason.message),
      ).toEqual(Array(5).fill('not alone'));
      expect((await store.listTenantPage({ limit: 10 })).items).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'pages tenants by name and audit records by id, filtered in SQL, on %p',
    async databaseId => {
      const { store, audit } = await createStore(databaseId);
      const names = Array.from({ length: 7 }, (_, i) => `team-${i}`);
      const uids: string[] = [];
      for (const [i, name] of names.entries()) {
        const tenant = await store.insertTenant({
          spec: spec({
            name,
            namespace: name,
            owner: i % 2 ? 'group:default/odd' : 'group:default/even',
          }),
          createdBy: 'x',
        });
        uids.push(tenant.uid);
      }
      const walk = async (filter?: any) => {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.listTenantPage({ limit: 3, cursor, filter });
          expect(page.items.length).toBeLessThanOrEqual(3);
          seen.push(...page.items.map(t => t.name));
          cursor = page.nextCursor;
        } while (cursor);
        return seen;
      };
      expect(await walk()).toEqual(names);
      expect(
        await walk({ property: 'owner', values: ['Group:Default/Odd'] }),
      ).toEqual(['team-1', 'team-3', 'team-5']);
      expect(
        await walk({
          anyOf: [
            { property: 'name', values: ['team-0'] },
            { not: { property: 'owner', values: ['group:default/even'] } },
          ],
        }),
      ).toEqual(['team-0', 'team-1', 'team-3', 'team-5']);
      expect(
        await walk({
          allOf: [
            { property: 'owner', values: ['group:default/even'] },
            { property: 'name', values: ['team-2', 'team-3'] },
          ],
        }),
      ).toEqual(['team-2']);
      expect(await walk({ property: 'owner', values: [] })).toEqual([]);

      for (let i = 0; i < 5; i++) {
        await audit.appendAudit({
          tenant: 'team-0',
          tenantUid: uids[0],
          actor: 'x',
          action: `step-${i}`,
          result: 'succeeded',
        });
      }
      const first = await audit.listAudit(uids[0], { limit: 2 });
      const second = await audit.listAudit(uids[0], {
        limit: 2,
        cursor: first.nextCursor,
      });
      const third = await audit.listAudit(uids[0], {
        limit: 2,
        cursor: second.nextCursor,
      });
      expect(
        [...first.items, ...second.items, ...third.items].map(a => a.action),
      ).toEqual(['step-4', 'step-3', 'step-2', 'step-1', 'step-0']);
      expect(third.nextCursor).toBeUndefined();
      // A tenants cursor is not an audit cursor, and garbage is not a cursor.
      const tenantsCursor = (await store.listTenantPage({ limit: 1 }))
        .nextCursor!;
      await expect(
        audit.listAudit(uids[0], { limit: 2, cursor: tenantsCursor }),
      ).rejects.toThrow(InputError);
      await expect(
        store.listTenantPage({ limit: 2, cursor: 'garbage' }),
      ).rejects.toThrow(InputError);
    },
  );

  it.each(databases.eachSupportedId())(
    'gives existing tenants uids and earlier tenants a history when migrating, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      for (let i = 0; i < 3; i++) {
        await knex.migrate.up({ directory: migrationsDir });
      }
      const now = new Date();
      await knex('emr_tenants').insert({
        name: 'team-a',
        cluster: 'shared',
        namespace: 'team-a',
        owner: 'group:default/team-a',
        spec: JSON.stringify(spec()),
        phase: 'Ready',
        outputs: '{}',
        created_by: 'x',
        created_at: now,
        updated_at: now,
      });
      const event = (tenant: string, action: string) => ({
        tenant,
        actor: 'x',
        action,
        result: 'succeeded',
        created_at: now,
      });
      await knex('emr_audit_events').insert([
        event('team-a', 'tenant.create'),
        event('team-old', 'tenant.create'),
        event('team-old', 'tenant.offboard'),
      ]);
      const run = (id: string, tenant: string) => ({
        id,
        tenant,
        virtual_cluster_id: `vc-${tenant}`,
        name: 'job',
        state: 'COMPLETED',
        release_label: 'emr-7.5.0-latest',
        source: 'backstage',
        idempotency_key: 'k',
        created_at: now,
        updated_at: now,
      });
      await knex('emr_job_runs').insert([
        run('00000000-0000-4000-8000-000000000001', 'team-a'),
        run('00000000-0000-4000-8000-000000000002', 'team-old'),
      ]);

      await knex.migrate.latest({ directory: migrationsDir });
      const store = new TenantStore(knex);
      const audit = new TenantAuditStore(knex);
      const tenant = await store.getTenant('team-a');
      expect(tenant.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(
        (await audit.listAudit(tenant.uid, { limit: 10 })).items.map(
          e => e.action,
        ),
      ).toEqual(['tenant.create']);
      const [old] = await store.listHistory('team-old');
      expect(old.uid).not.toBe(tenant.uid);
      expect(
        (await audit.listAudit(old.uid, { limit: 10 })).items.map(
          e => e.action,
        ),
      ).toEqual(['tenant.offboard', 'tenant.create']);
      const runs = await knex('emr_job_runs').orderBy('id');
      expect(runs.map(r => r.tenant_uid)).toEqual([tenant.uid, old.uid]);

      // Down through the later migrations, then the uid one.
      const [, pending] = await knex.migrate.list({ directory: migrationsDir });
      expect(pending).toEqual([]);
      const [done] = await knex.migrate.list({ directory: migrationsDir });
      const uidIndex = done.findIndex((m: { name: string }) =>
        m.name.startsWith('20261124000000_tenant_uid'),
      );
      for (let i = done.length - 1; i >= uidIndex; i--) {
        await knex.migrate.down({ directory: migrationsDir });
      }
      expect(await knex.schema.hasColumn('emr_tenants', 'uid')).toBe(false);
      expect(await knex.schema.hasTable('emr_tenant_history')).toBe(false);
      expect(await knex('emr_job_runs')).toHaveLength(2);
    },
  );
});
