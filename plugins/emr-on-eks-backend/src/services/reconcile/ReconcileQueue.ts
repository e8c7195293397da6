import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type { Actor } from '../tenants/tenantRecords';
import type { Reconciler } from './Reconciler';

/**
 * Background reconciles after a change: queued per tenant behind this
 * process's earlier ones (a create followed by a delete runs one after the
 * other, never interleaved). Another replica's run is excluded by the lease;
 * it picks up the new state on its next pass, or the schedule does.
 */
export class ReconcileQueue {
  static create(options: {
    reconciler: Reconciler;
    logger: LoggerService;
  }): ReconcileQueue {
    return new ReconcileQueue(options.reconciler, options.logger);
  }

  private readonly running = new Set<Promise<unknown>>();
  /** The last background reconcile queued per tenant: they run one after another. */
  private readonly queued = new Map<string, Promise<unknown>>();
  private stopping = false;

  private constructor(
    private readonly reconciler: Reconciler,
    private readonly logger: LoggerService,
  ) {}

  /** Queues a reconcile of the tenant; nothing once shutting down. */
  enqueue(name: string, actor: Actor): void {
    if (this.stopping) {
      // The schedule (on this replica or another) picks the change up.
      return;
    }
    const before = this.queued.get(name) ?? Promise.resolve();
    const run: Promise<unknown> = before
      .then(() => this.reconciler.reconcile(name, actor))
      .catch(error => {
        // Gone means an earlier queued run offboarded it: nothing to do.
        if (
          !(error instanceof ConflictError) &&
          !(error instanceof NotFoundError)
        ) {
          this.logger.error(`Reconcile of tenant ${name} failed: ${error}`);
        }
      })
      .finally(() => {
        this.running.delete(run);
        if (this.queued.get(name) === run) {
          this.queued.delete(name);
        }
      });
    this.queued.set(name, run);
    this.running.add(run);
  }

  /**
   * Resolves when every background reconcile started so far has ended and
   * every change so far has been announced.
   */
  async waitForIdle(): Promise<void> {
    while (this.running.size > 0) {
      await Promise.allSettled([...this.running]);
    }
    await this.reconciler.changes.settled();
  }

  /**
   * At shutdown: queues no more work, starts no scheduled pass, and waits
   * for the reconciles running now, each of which releases its lease when it
   * ends (a lease left by a killed process lapses after its short TTL).
   */
  async shutdown(): Promise<void> {
    this.stopping = true;
    this.reconciler.stop();
    await this.waitForIdle();
  }
}
