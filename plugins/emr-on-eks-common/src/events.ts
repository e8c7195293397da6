/**
 * Topic of the events the backend plugin publishes through Backstage's
 * events service (`eventsServiceRef` of `@backstage/plugin-events-node`)
 * whenever a tenant changes. Each event's payload is an
 * {@link EmrOnEksTenantEventPayload}.
 *
 * @public
 */
export const EMR_ON_EKS_TENANT_EVENTS_TOPIC = 'emr-on-eks.tenants';

/**
 * Payload of an event on {@link EMR_ON_EKS_TENANT_EVENTS_TOPIC}. It says which
 * tenant changed, not what it looks like now: read the tenant again
 * (`GET /tenants/:name`), since events of one tenant can arrive late or be
 * coalesced (a change made while an event of the same tenant was being
 * delivered is announced by one more event afterwards).
 *
 * @public
 */
export interface EmrOnEksTenantEventPayload {
  /** Name of the tenant. */
  tenant: string;
  /** Uid of the tenant (see `Tenant.uid`). */
  uid: string;
  /**
   * `changed`: created, or its spec or status changed (offboarding started
   * included); `removed`: offboarding finished and the tenant is gone.
   */
  change: 'changed' | 'removed';
}
