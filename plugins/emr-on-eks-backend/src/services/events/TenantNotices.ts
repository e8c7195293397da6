import type { Tenant, TenantPhase } from '@spot-spark/plugin-emr-on-eks-common';
import type { NotificationSettings } from '../../config';
import { QuietNotifier, recipientRef } from './JobRunChanges';

/**
 * Tells the person who asked for a tenant change how it ended: the tenant
 * became Ready, or its reconcile failed. Never throws.
 */
export interface TenantNotices {
  /**
   * The reconcile engine moved a tenant from `from` to `to`, on behalf of
   * `actor` (a user, or the scheduler).
   */
  phaseChanged(
    tenant: Pick<Tenant, 'name' | 'uid' | 'createdBy'>,
    from: TenantPhase,
    to: TenantPhase,
    actor: string,
    message?: string,
  ): Promise<void>;
}

/** For engines built without notifications. */
export const IGNORED_TENANT_NOTICES: TenantNotices = {
  async phaseChanged() {},
};

/** {@link TenantNotices} as Backstage notifications. */
export class NotificationTenantNotices implements TenantNotices {
  constructor(
    private readonly notifier: QuietNotifier,
    private readonly settings: NotificationSettings,
  ) {}

  async phaseChanged(
    tenant: Pick<Tenant, 'name' | 'uid' | 'createdBy'>,
    from: TenantPhase,
    to: TenantPhase,
    actor: string,
    message?: string,
  ): Promise<void> {
    if (from === to) {
      return;
    }
    const ready = to === 'Ready' && this.settings.tenantReady;
    const failed = to === 'Failed' && this.settings.tenantFailed;
    if (!ready && !failed) {
      return;
    }
    // The user who asked for this change; a scheduled pass acts for whoever
    // asked for the tenant.
    const recipient = recipientRef(actor) ?? recipientRef(tenant.createdBy);
    if (!recipient?.startsWith('user:')) {
      return;
    }
    await this.notifier.send({
      recipients: { type: 'entity', entityRef: recipient },
      payload: {
        title: ready
          ? `Tenant ${tenant.name} is Ready`
          : `Tenant ${tenant.name} failed to reconcile`,
        description: ready
          ? 'Its namespace, role and EMR virtual cluster are in place: it can run jobs.'
          : (message ?? 'See its reconcile steps for the failing one.').slice(
              0,
              1000,
            ),
        link: `/catalog/default/resource/${encodeURIComponent(tenant.name)}`,
        severity: ready ? 'normal' : 'high',
        topic: 'emr-on-eks:tenants',
      },
    });
  }
}
