import type { Knex } from 'knex';

/**
 * Reconcile leases, on the tenant's row (`lease_owner`, `lease_expires_at`):
 * one reconcile of a tenant at a time, across every replica.
 */
export class TenantLeaseStore {
  constructor(private readonly db: Knex) {}

  /**
   * Takes the tenant's reconcile lease unless another live holder has it, so
   * two reconciles (API and schedule, or two backend replicas) never run the
   * same tenant at once. A crashed holder's lease simply expires.
   */
  async tryAcquire(
    name: string,
    owner: string,
    ttlMs: number,
  ): Promise<boolean> {
    const now = new Date();
    const updated = await this.db('emr_tenants')
      .where('name', name)
      .andWhere(q =>
        q.whereNull('lease_expires_at').orWhere('lease_expires_at', '<', now),
      )
      .update({
        lease_owner: owner,
        lease_expires_at: new Date(now.getTime() + ttlMs),
      });
    return updated === 1;
  }

  /** Extends a lease still held by `owner`; false once someone else holds it. */
  async renew(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const updated = await this.db('emr_tenants')
      .where({ name, lease_owner: owner })
      .update({ lease_expires_at: new Date(Date.now() + ttlMs) });
    return updated === 1;
  }

  async release(name: string, owner: string): Promise<void> {
    await this.db('emr_tenants')
      .where({ name, lease_owner: owner })
      .update({ lease_owner: null, lease_expires_at: null });
  }
}
