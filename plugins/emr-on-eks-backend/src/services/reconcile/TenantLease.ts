import { randomUUID } from 'node:crypto';
import type { TenantLeaseStore } from '../../stores/TenantLeaseStore';
import { LeaseLostError } from '../errors';

/**
 * One reconcile's hold on a tenant: a token of its own (so two reconciles in
 * one process exclude each other as two replicas do), renewed on a timer
 * while the run lasts and checked before each step, so a run that lost it
 * stops before its next write.
 */
export class TenantLease {
  static async acquire(options: {
    store: TenantLeaseStore;
    tenant: string;
    ttlMs: number;
    renewEveryMs: number;
  }): Promise<TenantLease | undefined> {
    const token = randomUUID();
    const { store, tenant, ttlMs } = options;
    if (!(await store.tryAcquire(tenant, token, ttlMs))) {
      return undefined;
    }
    return new TenantLease(store, tenant, token, ttlMs, options.renewEveryMs);
  }

  private lost = false;
  private readonly timer: ReturnType<typeof setInterval>;

  private constructor(
    private readonly store: TenantLeaseStore,
    private readonly tenant: string,
    private readonly token: string,
    private readonly ttlMs: number,
    renewEveryMs: number,
  ) {
    this.timer = setInterval(() => {
      this.renew().catch(() => {
        this.lost = true;
      });
    }, renewEveryMs);
    this.timer.unref?.();
  }

  /** Renews the lease now; throws LeaseLostError once it is someone else's. */
  async assertHeld(): Promise<void> {
    if (this.lost || !(await this.renew())) {
      throw new LeaseLostError(
        `the reconcile of tenant ${this.tenant} lost its lease to another reconcile; it stopped before its next change`,
      );
    }
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.store.release(this.tenant, this.token);
  }

  private async renew(): Promise<boolean> {
    if (this.lost) {
      return false;
    }
    this.lost = !(await this.store.renew(this.tenant, this.token, this.ttlMs));
    return !this.lost;
  }
}
