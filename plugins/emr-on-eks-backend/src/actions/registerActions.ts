import type {
  AuditorService,
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { ApiAccess } from '../routes/access';
import type { ClusterService } from '../services/clusters/ClusterService';
import type { CostService } from '../services/costs/CostService';
import type { JobLogService } from '../services/jobs/JobLogService';
import type { JobSubmissionService } from '../services/jobs/JobSubmissionService';
import type { TenantService } from '../services/tenants/TenantService';
import { ActionAudit } from './actionAudit';
import { registerCostActions } from './costActions';
import { registerJobRunReadActions } from './jobRunReadActions';
import { registerJobRunWriteActions } from './jobRunWriteActions';
import { registerTenantActions } from './tenantActions';
import type { ForecastSource } from './types';

/**
 * Registers the plugin's actions with Backstage's actions registry, where
 * the MCP actions backend (and any other client of the actions service)
 * finds them as `emr-on-eks:<name>`. Each action runs as the calling user,
 * through the REST API's own permission checks ({@link ApiAccess}, built
 * from the same services as the router's) and services, and is audited.
 */
export function registerEmrOnEksActions(options: {
  actionsRegistry: ActionsRegistryService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  userInfo: UserInfoService;
  tenants: TenantService;
  jobs: JobSubmissionService;
  costs: CostService;
  logs?: JobLogService;
  clusters?: ClusterService;
  budgets?: ForecastSource;
}): void {
  const services = {
    ...options,
    registry: options.actionsRegistry,
    access: new ApiAccess(options),
    audit: new ActionAudit(options.auditor),
  };
  registerJobRunReadActions(services);
  registerJobRunWriteActions(services);
  registerCostActions(services);
  registerTenantActions(services);
}
