import { TestDatabases } from '@backstage/backend-test-utils';
import { migrated } from '../__testUtils__/database';
import { spec } from '../__testUtils__/fixtures';
import { TenantLeaseStore } from './TenantLeaseStore';
import { TenantStore } from './TenantStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe('TenantLeaseStore', () => {
  it.each(databases.eachSupportedId())(
    'hands the reconcile lease to one holder at a time on %p',
    async databaseId => {
      const db = await migrated(await databases.init(databaseId));
      await new TenantStore(db).insertTenant({ spec: spec(), createdBy: 'x' });
      const leases = new TenantLeaseStore(db);
      expect(await leases.tryAcquire('team-a', 'a', 60_000)).toBe(true);
      expect(await leases.tryAcquire('team-a', 'b', 60_000)).toBe(false);
      await leases.release('team-a', 'a');
      expect(await leases.tryAcquire('team-a', 'b', 60_000)).toBe(true);
      // Not even its holder takes a held lease twice: each reconcile has
      // its own token, so two in one process exclude each other.
      expect(await leases.tryAcquire('team-a', 'b', 60_000)).toBe(false);
      // Renewal works for the holder only.
      expect(await leases.renew('team-a', 'b', -1)).toBe(true);
      expect(await leases.renew('team-a', 'c', 60_000)).toBe(false);
      // An expired lease (a crashed holder) can be taken over, and its old
      // holder can no longer renew it.
      expect(await leases.tryAcquire('team-a', 'c', 60_000)).toBe(true);
      expect(await leases.renew('team-a', 'b', 60_000)).toBe(false);
    },
  );
});
