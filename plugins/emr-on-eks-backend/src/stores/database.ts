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
    await underMigrationLock(client, () =>
      client.migrate.latest({ directory: migrationsDir }),
    );
  }
  return client;
}

/** Keys of the advisory lock that serialises the plugin's migrations ("EMRE", "MIGR"). */
const MIGRATION_LOCK = [0x454d5245, 0x4d494752];

/**
 * Replicas starting together migrate one after another. knex's own lock
 * (the knex_migrations_lock row) cannot do it: the first run creates its
 * tables without a lock, so two at once fail ("relation knex_migrations
 * already exists") or leave two lock rows, after which every run fails as
 * "already locked". On PostgreSQL a session advisory lock, taken on a pooled
 * connection of its own (so the pool needs two), serialises them; SQLite is
 * one process's anyway.
 */
async function underMigrationLock<T>(
  knex: Knex,
  fn: () => Promise<T>,
): Promise<T> {
  if (!isPostgres(knex)) {
    return fn();
  }
  const connection = await knex.client.acquireConnection();
  try {
    await connection.query('select pg_advisory_lock($1, $2)', MIGRATION_LOCK);
    try {
      return await fn();
    } finally {
      await connection.query(
        'select pg_advisory_unlock($1, $2)',
        MIGRATION_LOCK,
      );
    }
  } finally {
    await knex.client.releaseConnection(connection);
  }
}

/** A timestamp column's value as a Date (SQLite gives numbers, PostgreSQL Dates). */
export function toDate(value: Date | string | number): Date {
  return value instanceof Date ? value : new Date(value);
}

export function toIso(value: Date | string | number): string {
  return toDate(value).toISOString();
}

/** Items in parts of at most `size`, so no statement binds more values than a database takes. */
export function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    result.push(items.slice(i, i + size));
  }
  return result;
}

/** Whether the client speaks to PostgreSQL (advisory locks exist there only). */
export function isPostgres(db: Knex): boolean {
  const client = String(db.client.config?.client ?? '');
  return client === 'pg' || client.startsWith('postgres');
}
