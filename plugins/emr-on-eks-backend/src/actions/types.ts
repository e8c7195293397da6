import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { ApiAccess } from '../routes/access';
import type { ClusterService } from '../services/clusters/ClusterService';
import type { CostService } from '../services/costs/CostService';
import type { CostForecast } from '@spot-spark/plugin-emr-on-eks-common';
import type { JobLogService } from '../services/jobs/JobLogService';
import type { JobSubmissionService } from '../services/jobs/JobSubmissionService';
import type { TenantService } from '../services/tenants/TenantService';
import type { ActionAudit } from './actionAudit';

/** A tenant's month forecast and budget (BudgetService's `forecast`). */
export interface ForecastSource {
  forecast(
    tenant: { name: string; uid: string },
    month?: string,
  ): Promise<CostForecast>;
}

/**
 * What the actions are made of: the registry, the REST API's access checks
 * and the same services the routes call.
 */
export interface ActionServices {
  registry: ActionsRegistryService;
  access: ApiAccess;
  audit: ActionAudit;
  tenants: TenantService;
  jobs: JobSubmissionService;
  costs: CostService;
  /** The runs' logs; without it, get-job-run says the logs cannot be read. */
  logs?: JobLogService;
  /** The clusters' preflight; without it, that action is not registered. */
  clusters?: ClusterService;
  /** Forecasts and budgets; without it, that action is not registered. */
  budgets?: ForecastSource;
}
