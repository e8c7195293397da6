import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { spec } from '../__testUtils__/fixtures';
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
  const store = new TenantStore(await migrated(knex));
  return { knex, store };
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
      await knex.migrate.latest({ directory: migrationsDir });
      expect(await knex.schema.hasColumn('emr_tenants', 'status')).toBe(false);
      const tenant = await new TenantStore(knex).getTenant('team-a');
      expect(tenant.status).toMatchObject({ phase: 'Ready', ...outputs });
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
      expect((await store.listTenants()).map(t => t.name)).toEqual(['team-a']);
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
        'namespace team-a of cluster shared already belongs to tenant team-a',
      );
      expect(await store.listTenants()).toHaveLength(1);
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
    'lists names, and the specs of one cluster, without reading steps on %p',
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
      expect(await store.listSpecs('shared')).toEqual([
        spec(),
        spec({ name: 'team-b' }),
      ]);
      expect(await store.listSpecs('nowhere')).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'hands the reconcile lease to one holder at a time on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.insertTenant({ spec: spec(), createdBy: 'x' });
      expect(await store.tryAcquireLease('team-a', 'a', 60_000)).toBe(true);
      expect(await store.tryAcquireLease('team-a', 'b', 60_000)).toBe(false);
      await store.releaseLease('team-a', 'a');
      expect(await store.tryAcquireLease('team-a', 'b', 60_000)).toBe(true);
      // Not even its holder takes a held lease twice: each reconcile has
      // its own token, so two in one process exclude each other.
      expect(await store.tryAcquireLease('team-a', 'b', 60_000)).toBe(false);
      // Renewal works for the holder only.
      expect(await store.renewLease('team-a', 'b', -1)).toBe(true);
      expect(await store.renewLease('team-a', 'c', 60_000)).toBe(false);
      // An expired lease (a crashed holder) can be taken over, and its old
      // holder can no longer renew it.
      expect(await store.tryAcquireLease('team-a', 'c', 60_000)).toBe(true);
      expect(await store.renewLease('team-a', 'b', 60_000)).toBe(false);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the audit trail after the tenant is deleted on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.insertTenant({ spec: spec(), createdBy: 'x' });
      await store.recordStep('team-a', {
        name: 'iam-role',
        state: 'Succeeded',
        message: 'ok',
        generation: 1,
      });
      await store.appendAudit({
        tenant: 'team-a',
        actor: 'user:default/jane',
        action: 'tenant.create',
        result: 'accepted',
        generation: 1,
      });
      await store.appendAudit({
        tenant: 'team-a',
        actor: 'system:reconciler',
        action: 'tenant.offboard',
        result: 'succeeded',
        message: 'gone',
      });
      await store.deleteTenant('team-a');
      await expect(store.getTenant('team-a')).rejects.toThrow(NotFoundError);
      const audit = await store.listAudit('team-a');
      expect(audit.map(a => [a.action, a.result, a.actor])).toEqual([
        ['tenant.offboard', 'succeeded', 'system:reconciler'],
        ['tenant.create', 'accepted', 'user:default/jane'],
      ]);
      expect(audit[0].message).toBe('gone');
      expect(Date.parse(audit[0].createdAt)).not.toBeNaN();
    },
  );
});
