import type { LoggerService } from '@backstage/backend-plugin-api';
import type { EventsService } from '@backstage/plugin-events-node';
import {
  EMR_ON_EKS_TENANT_EVENTS_TOPIC,
  EmrOnEksTenantEventPayload,
} from '@spot-spark/plugin-emr-on-eks-common';

/**
 * Tells other plugins (the catalog's tenant provider) that a tenant changed.
 * `notify` never throws and never waits: a tenant operation does not fail or
 * slow down because a subscriber does.
 */
export interface TenantChanges {
  /** The tenant was created or changed, or (`removed`) it is gone. */
  notify(change: EmrOnEksTenantEventPayload): void;
  /** Resolves once every change notified so far has been published (or failed to). */
  settled(): Promise<void>;
}

/** For services built without an events service (some tests). */
export const IGNORED_TENANT_CHANGES: TenantChanges = {
  notify() {},
  async settled() {},
};

/**
 * Publishes tenant changes on {@link EMR_ON_EKS_TENANT_EVENTS_TOPIC}, at most
 * one event of a tenant in flight at a time. Changes made while an event of
 * the same tenant is being published are coalesced into one more event
 * afterwards, carrying the latest change: subscribers read the tenant again on
 * each event, so the last event always follows the last change, and a
 * reconcile pass (a dozen writes) costs a couple of events, not a dozen.
 */
export class EventsTenantChanges implements TenantChanges {
  static create(options: {
    events: EventsService;
    logger: LoggerService;
  }): EventsTenantChanges {
    return new EventsTenantChanges(options.events, options.logger);
  }

  /** The latest change per tenant name not yet published. */
  private readonly pending = new Map<string, EmrOnEksTenantEventPayload>();
  /** Tenant names with a publishing loop running. */
  private readonly publishing = new Set<string>();
  private readonly running = new Set<Promise<void>>();

  private constructor(
    private readonly events: EventsService,
    private readonly logger: LoggerService,
  ) {}

  notify(change: EmrOnEksTenantEventPayload): void {
    this.pending.set(change.tenant, change);
    if (this.publishing.has(change.tenant)) {
      return; // the running loop publishes it next
    }
    this.publishing.add(change.tenant);
    const run = this.publishAll(change.tenant).finally(() =>
      this.running.delete(run),
    );
    this.running.add(run);
  }

  async settled(): Promise<void> {
    while (this.running.size > 0) {
      await Promise.allSettled([...this.running]);
    }
  }

  private async publishAll(tenant: string): Promise<void> {
    for (let next = this.take(tenant); next; next = this.take(tenant)) {
      try {
        await this.events.publish({
          topic: EMR_ON_EKS_TENANT_EVENTS_TOPIC,
          eventPayload: next,
        });
      } catch (error) {
        // Subscribers catch up on their own schedule (the catalog provider's
        // full refresh); the tenant operation goes on.
        this.logger.warn(
          `Could not publish the ${next.change} event of tenant ${tenant} on ${EMR_ON_EKS_TENANT_EVENTS_TOPIC}: ${error}`,
        );
      }
    }
    // In the same synchronous step as the take that found nothing, so that a
    // change notified meanwhile is never left without a loop.
    this.publishing.delete(tenant);
  }

  private take(tenant: string): EmrOnEksTenantEventPayload | undefined {
    const next = this.pending.get(tenant);
    this.pending.delete(tenant);
    return next;
  }
}
