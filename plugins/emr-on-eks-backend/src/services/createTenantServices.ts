import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ClusterSettings, EmrOnEksSettings } from '../config';
import type { ClusterGateways } from '../gateways/ClusterGateways';
import type { TenantAuditStore } from '../stores/TenantAuditStore';
import type { TenantLeaseStore } from '../stores/TenantLeaseStore';
import type { TenantStore } from '../stores/TenantStore';
import { ReconcileQueue } from './reconcile/ReconcileQueue';
import { Reconciler } from './reconcile/Reconciler';
import type { ReconcileStep } from './reconcile/steps';
import type { TenantChanges } from './tenants/TenantChanges';
import type { TenantNotices } from './events/TenantNotices';
import {
  ClusterReadiness,
  GroupsNamed,
  TenantService,
} from './tenants/TenantService';

/**
 * The tenant services, wired as the plugin runs them: commands and reads
 * (TenantService) that hand each change to the reconcile queue, which runs
 * the reconcile engine (Reconciler) in the background.
 */
export function createTenantServices(options: {
  settings: EmrOnEksSettings;
  store: TenantStore;
  audit: TenantAuditStore;
  leases: TenantLeaseStore;
  gatewaysFor: (cluster: ClusterSettings) => ClusterGateways;
  logger: LoggerService;
  steps?: ReconcileStep[];
  changes?: TenantChanges;
  groupsNamed?: GroupsNamed;
  /** The clusters' preflight, which onboarding consults. */
  clusterReadiness?: ClusterReadiness;
  /** Tells whoever asked when a tenant becomes Ready or Failed. */
  notices?: TenantNotices;
}) {
  const reconciler = Reconciler.create(options);
  const queue = ReconcileQueue.create({ reconciler, logger: options.logger });
  const tenants = TenantService.create({ ...options, queue });
  return { tenants, reconciler, queue };
}
