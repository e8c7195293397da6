import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@spot-spark/plugin-emr-on-eks-backend',
  'migrations',
);

/**
 * The plugin's database client, migrated to the latest schema unless the
 * adopter set `database.migrations.skip`. Run once at start-up; every store is
 * then given the client.
 */
export async function migrateDatabase(
  database: DatabaseService,
): Promise<Knex> {
  const client = await database.getClient();
  if (!database.migrations?.skip) {
    await client.migrate.latest({ directory: migrationsDir });
  }
  return client;
}

/** A timestamp column's value as a Date (SQLite gives numbers, PostgreSQL Dates). */
export function toDate(value: Date | string | number): Date {
  return value instanceof Date ? value : new Date(value);
}

export function toIso(value: Date | string | number): string {
  return toDate(value).toISOString();
}
