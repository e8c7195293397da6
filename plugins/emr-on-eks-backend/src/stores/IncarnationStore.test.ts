import { TestDatabases } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { spec } from '../__testUtils__/fixtures';
import { migrated } from '../__testUtils__/database';
import { asOf } from '../__testUtils__/timeTravel';
import { IncarnationStore } from './IncarnationStore';
import { TenantStore } from './TenantStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const migrationsDir = resolvePackagePath(
  '@spot-spark/plugin-emr-on-eks-backend',
  'migrations',
);
const day = (d: string, time = '12:00:00') => new Date(`${d}T${time}Z`);

describe.each(databases.eachSupportedId())(
  'IncarnationStore on %p',
  databaseId => {
    it('keeps every incarnation with when it lived, its namespace and all its virtual clusters', async () => {
      const db = await migrated(await databases.init(databaseId));
      const tenants = new TenantStore(db);
      const incarnations = new IncarnationStore(db);
      const b = await asOf(day('2026-11-01'), async () => {
        const created = await tenants.insertTenant({
          spec: spec({ name: 'team-b', owner: 'group:default/team-b' }),
          createdBy: 'user:default/bob',
        });
        await tenants.mergeOutputs('team-b', { virtualClusterId: 'vcb1' });
        // A drift repair made it a new virtual cluster; the same again is no new one.
        await tenants.mergeOutputs('team-b', { virtualClusterId: 'vcb2' });
        await tenants.mergeOutputs('team-b', { virtualClusterId: 'vcb2' });
        return created;
      });
      await asOf(day('2026-11-10', '06:00:00'), () =>
        tenants.deleteTenant('team-b'),
      );
      const n = await asOf(day('2026-11-12'), async () => {
        const created = await tenants.insertTenant({
          spec: spec({ name: 'analytics-a', namespace: 'team-b' }),
          createdBy: 'user:default/alice',
        });
        await tenants.mergeOutputs('analytics-a', { virtualClusterId: 'vcn' });
        return created;
      });

      await expect(
        incarnations.livedBetween(day('2026-11-01'), day('2026-11-20')),
      ).resolves.toEqual(
        [
          {
            uid: b.uid,
            name: 'team-b',
            cluster: 'shared',
            namespace: 'team-b',
            virtualClusterIds: ['vcb1', 'vcb2'],
            createdAt: day('2026-11-01'),
            offboardedAt: day('2026-11-10', '06:00:00'),
          },
          {
            uid: n.uid,
            name: 'analytics-a',
            cluster: 'shared',
            namespace: 'team-b',
            virtualClusterIds: ['vcn'],
            createdAt: day('2026-11-12'),
            offboardedAt: null,
          },
        ].sort((x, y) => x.uid.localeCompare(y.uid)),
      );
      // Before analytics-a existed: team-b only. After team-b left: analytics-a only.
      expect(
        (
          await incarnations.livedBetween(
            day('2026-11-02', '00:00:00'),
            day('2026-11-03', '00:00:00'),
          )
        ).map(i => i.name),
      ).toEqual(['team-b']);
      expect(
        (
          await incarnations.livedBetween(
            day('2026-11-15', '00:00:00'),
            day('2026-11-16', '00:00:00'),
          )
        ).map(i => i.name),
      ).toEqual(['analytics-a']);
      await expect(
        incarnations.offboardedAmong([b.uid, n.uid, 'not-a-uid']),
      ).resolves.toEqual(new Set([b.uid]));
    });

    it('migrates the virtual clusters it knows of: current outputs and every run’s, down and up again', async () => {
      const knex = await databases.init(databaseId);
      // Up to (not including) this migration, whatever came after it.
      const nameOf = (m: { file?: string; name?: string } | string) =>
        typeof m === 'string' ? m : m.file ?? m.name ?? '';
      const THIS = '20261206000000_tenant_virtual_clusters';
      for (;;) {
        const [, pending] = await knex.migrate.list({
          directory: migrationsDir,
        });
        if (nameOf(pending[0]).startsWith(THIS)) {
          break;
        }
        await knex.migrate.up({ directory: migrationsDir });
      }
      const now = new Date();
      await knex('emr_tenants').insert({
        uid: '00000000-0000-4000-8000-00000000000a',
        name: 'team-a',
        cluster: 'shared',
        namespace: 'team-a',
        owner: 'group:default/team-a',
        spec: JSON.stringify(spec()),
        phase: 'Ready',
        outputs: JSON.stringify({ virtualClusterId: 'vca2' }),
        created_by: 'x',
        created_at: now,
        updated_at: now,
      });
      await knex('emr_tenant_history').insert({
        uid: '00000000-0000-4000-8000-00000000000b',
        name: 'team-b',
        offboarded_at: now,
      });
      const run = (id: string, uid: string, vc: string) => ({
        id,
        tenant: 'any',
        tenant_uid: uid,
        virtual_cluster_id: vc,
        name: 'job',
        state: 'COMPLETED',
        release_label: 'emr-7.5.0-latest',
        source: 'backstage',
        created_at: now,
        updated_at: now,
      });
      await knex('emr_job_runs').insert([
        run(
          '00000000-0000-4000-8000-000000000001',
          '00000000-0000-4000-8000-00000000000a',
          'vca1',
        ),
        run(
          '00000000-0000-4000-8000-000000000002',
          '00000000-0000-4000-8000-00000000000a',
          'vca2',
        ),
        run(
          '00000000-0000-4000-8000-000000000003',
          '00000000-0000-4000-8000-00000000000b',
          'vcb',
        ),
      ]);
      await knex.migrate.latest({ directory: migrationsDir });
      const incarnations = await new IncarnationStore(knex).livedBetween(
        new Date(0),
        new Date(now.getTime() + 1000),
      );
      expect(
        incarnations.map(i => [i.name, [...i.virtualClusterIds].sort()]),
      ).toEqual([
        ['team-a', ['vca1', 'vca2']],
        ['team-b', ['vcb']],
      ]);
      // Down to (and including) this migration.
      for (;;) {
        const [done] = await knex.migrate.list({ directory: migrationsDir });
        if (!done.some((m: any) => nameOf(m).startsWith(THIS))) {
          break;
        }
        await knex.migrate.down({ directory: migrationsDir });
      }
      expect(await knex.schema.hasTable('emr_tenant_virtual_clusters')).toBe(
        false,
      );
      await knex.migrate.latest({ directory: migrationsDir });
      expect(await knex('emr_tenant_virtual_clusters')).toHaveLength(3);
    });
  },
);
