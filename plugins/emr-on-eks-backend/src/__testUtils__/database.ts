import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { migrateDatabase } from '../stores/database';

/** A test database's client, migrated as the plugin does at start-up. */
export function migrated(knex: Knex): Promise<Knex> {
  return migrateDatabase(
    mockServices.database({ knex, migrations: { skip: false } }),
  );
}
