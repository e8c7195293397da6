import type { Knex } from 'knex';
import type { CostIncarnation } from '../domain/costs/incarnations';
import type { NameUse } from '../domain/nameReservation';
import { chunks, toDate } from './database';

/** An incarnation as stored: everything but the region, which config knows. */
export type StoredIncarnation = Omit<CostIncarnation, 'region'>;

/**
 * Records that an incarnation had a virtual cluster, inside the caller's
 * transaction (the reconcile records it with the tenant's outputs). Kept
 * after offboarding: the bill of its days is still that incarnation's.
 */
export async function recordVirtualCluster(
  db: Knex | Knex.Transaction,
  tenantUid: string,
  virtualClusterId: string,
): Promise<void> {
  await db('emr_tenant_virtual_clusters')
    .insert({
      tenant_uid: tenantUid,
      virtual_cluster_id: virtualClusterId,
      recorded_at: new Date(),
    })
    .onConflict(['tenant_uid', 'virtual_cluster_id'])
    .ignore();
}

/**
 * Every incarnation, current or offboarded, that used one of the names as
 * its tenant name or namespace (on any cluster), inside the caller's
 * transaction: onboarding decides under its locks who may take a name.
 */
export async function namesUsedIn(
  db: Knex | Knex.Transaction,
  names: string[],
): Promise<NameUse[]> {
  const used = (q: Knex.QueryBuilder) =>
    q.whereIn('name', names).orWhereIn('namespace', names);
  const [current, offboarded] = await Promise.all([
    db('emr_tenants').where(used).select('name', 'namespace', 'owner'),
    db('emr_tenant_history')
      .where(used)
      .select('name', 'namespace', 'owner', 'offboarded_at'),
  ]);
  return [
    ...current.map(row => ({ ...row, offboardedAt: null })),
    ...offboarded.map(row => ({
      name: row.name,
      namespace: row.namespace ?? null,
      owner: row.owner ?? null,
      offboardedAt: toDate(row.offboarded_at),
    })),
  ].map(({ name, namespace, owner, offboardedAt }) => ({
    name,
    namespace,
    owner,
    offboardedAt,
  }));
}

/**
 * Tenant incarnations over time: the current tenants and the offboarded ones
 * (`emr_tenant_history`), each with when it lived, its namespace and every
 * virtual cluster it had.
 */
export class IncarnationStore {
  constructor(private readonly db: Knex) {}

  /** Every incarnation that existed at some time during [from, to). */
  async livedBetween(from: Date, to: Date): Promise<StoredIncarnation[]> {
    const current = await this.db('emr_tenants')
      .where('created_at', '<', to)
      .select('uid', 'name', 'cluster', 'namespace', 'created_at');
    const offboarded = await this.db('emr_tenant_history')
      .where('offboarded_at', '>=', from)
      .andWhere(q => q.whereNull('created_at').orWhere('created_at', '<', to))
      .select(
        'uid',
        'name',
        'cluster',
        'namespace',
        'created_at',
        'offboarded_at',
      );
    const incarnations: StoredIncarnation[] = [
      ...current.map(row => ({
        uid: row.uid,
        name: row.name,
        cluster: row.cluster,
        namespace: row.namespace,
        virtualClusterIds: [] as string[],
        createdAt: toDate(row.created_at),
        offboardedAt: null,
      })),
      ...offboarded.map(row => ({
        uid: row.uid,
        name: row.name,
        cluster: row.cluster ?? null,
        namespace: row.namespace ?? null,
        virtualClusterIds: [] as string[],
        createdAt: row.created_at ? toDate(row.created_at) : null,
        offboardedAt: toDate(row.offboarded_at),
      })),
    ];
    const byUid = new Map(incarnations.map(i => [i.uid, i]));
    for (const uids of chunks([...byUid.keys()], 500)) {
      const rows = await this.db('emr_tenant_virtual_clusters')
        .whereIn('tenant_uid', uids)
        .orderBy(['tenant_uid', 'recorded_at', 'virtual_cluster_id'])
        .select('tenant_uid', 'virtual_cluster_id');
      for (const row of rows) {
        byUid
          .get(row.tenant_uid)!
          .virtualClusterIds.push(row.virtual_cluster_id);
      }
    }
    return incarnations.sort((a, b) => a.uid.localeCompare(b.uid));
  }

  /**
   * Every incarnation an owner (an entity ref, as stored: normalised) holds
   * or held: the current tenants, and the offboarded ones that lived on or
   * after `since` (older ones have no costs in a period starting then). One
   * query, on the owner indexes.
   */
  async ownedBy(
    owner: string,
    since: Date,
  ): Promise<Array<{ uid: string; name: string; offboarded: boolean }>> {
    const rows: Array<{ uid: string; name: string; offboarded: unknown }> =
      await this.db
        .select('uid', 'name', this.db.raw('0 as offboarded'))
        .from('emr_tenants')
        .where('owner', owner)
        .unionAll(q =>
          q
            .select('uid', 'name', this.db.raw('1 as offboarded'))
            .from('emr_tenant_history')
            .where('owner', owner)
            .andWhere('offboarded_at', '>=', since),
        );
    return rows
      .map(row => ({
        uid: String(row.uid),
        name: String(row.name),
        offboarded: Number(row.offboarded) === 1,
      }))
      .sort((a, b) => a.uid.localeCompare(b.uid));
  }

  /**
   * The name, owner and whether offboarded of each of the uids found, current
   * or offboarded, keyed by uid.
   */
  async describe(
    uids: string[],
  ): Promise<
    Map<string, { name: string; owner: string | null; offboarded: boolean }>
  > {
    const found = new Map<
      string,
      { name: string; owner: string | null; offboarded: boolean }
    >();
    for (const part of chunks(uids, 400)) {
      const rows = await this.db
        .select('uid', 'name', 'owner', this.db.raw('0 as offboarded'))
        .from('emr_tenants')
        .whereIn('uid', part)
        .unionAll(q =>
          q
            .select('uid', 'name', 'owner', this.db.raw('1 as offboarded'))
            .from('emr_tenant_history')
            .whereIn('uid', part),
        );
      for (const row of rows) {
        found.set(String(row.uid), {
          name: String(row.name),
          owner: row.owner ?? null,
          offboarded: Number(row.offboarded) === 1,
        });
      }
    }
    return found;
  }

  /** Those of the uids that are offboarded incarnations. */
  async offboardedAmong(uids: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const part of chunks(uids, 500)) {
      const rows = await this.db('emr_tenant_history')
        .whereIn('uid', part)
        .select('uid');
      rows.forEach(row => found.add(row.uid));
    }
    return found;
  }
}
