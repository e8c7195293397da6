import type {
  JobRun,
  JobRunPage,
  JobRunRequestInput,
  JobRunState,
} from '../jobRun';
import type {
  OffboardedTenant,
  Tenant,
  TenantAuditPage,
  TenantPage,
} from '../status';
import type { TenantSpecInput } from '../tenant';
import type { ClusterBootstrap, ClusterList } from '../cluster';
import type {
  JobRunLogPage,
  JobRunLogStreams,
  SparkUiLink,
  SpotInterruptions,
} from '../jobRunLogs';
import type {
  BudgetInput,
  CostForecast,
  CostOverview,
  TenantBudget,
} from '../budget';
import type {
  CostGroupBy,
  CostRefreshResult,
  CostReport,
  CostSummary,
} from '../cost';

/** Filters of a job-run list (newest first). @public */
export interface JobRunListQuery {
  /** Only runs in these states. */
  state?: JobRunState[];
  /** ISO 8601, inclusive. */
  createdAfter?: string;
  /** ISO 8601, exclusive. */
  createdBefore?: string;
  /** Only runs whose job name contains this text (case-insensitive), over all pages. */
  name?: string;
  /** 1-200, default 50. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

/** The period and grouping of a cost report. @public */
export interface CostQuery {
  /** First day, YYYY-MM-DD (UTC), inclusive. */
  from: string;
  /** Last day, YYYY-MM-DD (UTC), inclusive. */
  to: string;
  /** One grouping or several (default `day`). */
  groupBy?: CostGroupBy | CostGroupBy[];
}

/** A page request of a cursor-paged list. @public */
export interface PageQuery {
  /** Items per page (the endpoint's bounds apply). */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

/** A pod template a run uses: where it is and its text. @public */
export interface JobRunPodTemplate {
  /** The S3 URI StartJobRun points at. */
  uri: string;
  /** The YAML text uploaded there. */
  body: string;
}

/** The pod templates of one run: its driver's and its executors'. @public */
export interface JobRunPodTemplates {
  /** The driver's (On-Demand). */
  driver: JobRunPodTemplate;
  /** The executors' (Spot, or On-Demand when the run opts out of Spot). */
  executor: JobRunPodTemplate;
}

/** What a dry run answers: what the backend would send, and the files it names. @public */
export interface JobRunDryRun {
  /** The StartJobRun input, as the backend composes it. */
  startJobRun: Record<string, unknown>;
  /** The pod templates the run would use, as onboarding uploaded them. */
  podTemplates: JobRunPodTemplates;
}

/**
 * Every endpoint of the EMR on EKS backend plugin (`/api/emr-on-eks`). Non-OK
 * answers throw `ResponseError` (with the backend's message, and its status
 * as `statusCode`).
 *
 * @public
 */
export interface EmrOnEksApi {
  /** A page of the tenants the caller may read, by name. */
  listTenants(query?: PageQuery): Promise<TenantPage>;
  /** One tenant; 404 when it is unknown or hidden. */
  getTenant(name: string): Promise<Tenant>;
  /** Onboards a tenant (202: reconciled in the background). */
  createTenant(
    spec: TenantSpecInput,
    options?: {
      /**
       * Platform admins: why a name or namespace reserved for another owner
       * goes to this tenant's owner (kept in the audit trail).
       */
      reassignReason?: string;
    },
  ): Promise<Tenant>;
  /** `generation`: the tenant version the change is based on (a 409 if it moved on). */
  updateTenant(
    name: string,
    spec: TenantSpecInput,
    options?: { generation?: number },
  ): Promise<Tenant>;
  /** Starts offboarding a tenant. */
  deleteTenant(name: string): Promise<Tenant>;
  /** Reconciles now; undefined when the reconcile finished an offboarding. */
  reconcileTenant(name: string): Promise<Tenant | undefined>;
  /** A page of a tenant's audit trail, newest first. */
  listTenantAudit(name: string, query?: PageQuery): Promise<TenantAuditPage>;
  /** Offboarded tenants (of a name), for admins. */
  listOffboardedTenants(name?: string): Promise<{ items: OffboardedTenant[] }>;
  /** An offboarded tenant by uid, for admins. */
  getOffboardedTenant(uid: string): Promise<OffboardedTenant>;
  /** A page of an offboarded tenant's audit trail, for admins. */
  listOffboardedTenantAudit(
    uid: string,
    query?: PageQuery,
  ): Promise<TenantAuditPage>;
  /** A page of an offboarded tenant's job runs, for admins. */
  listOffboardedTenantJobRuns(
    uid: string,
    query?: JobRunListQuery,
  ): Promise<JobRunPage>;
  /** Submits a run: the run, and whether it is new (false for a repeated key). */
  submitJobRun(
    tenant: string,
    request: JobRunRequestInput,
  ): Promise<{ run: JobRun; created: boolean }>;
  /** The StartJobRun a request would send, without sending it. */
  dryRunJobRun(
    tenant: string,
    request: JobRunRequestInput,
  ): Promise<JobRunDryRun>;
  /** A page of a tenant's job runs, newest first. */
  listTenantJobRuns(
    tenant: string,
    query?: JobRunListQuery,
  ): Promise<JobRunPage>;
  /** Runs of an entity, or of a tenant, across the tenants the caller may read. */
  listJobRuns(
    query: JobRunListQuery & { entityRef?: string; tenant?: string },
  ): Promise<JobRunPage>;
  /** One job run; 404 when it is unknown or hidden. */
  getJobRun(id: string): Promise<JobRun>;
  /** Cancels a run; the run as EMR reports it right after. */
  cancelJobRun(id: string): Promise<JobRun>;
  /** The log streams of a run (job submitter, driver, executors); 404 when hidden. */
  listJobRunLogs(id: string): Promise<JobRunLogStreams>;
  /**
   * A page of one log stream: the end of it by default, or from a character
   * offset (`from`), at most `limit` characters (the backend caps it).
   */
  getJobRunLog(
    id: string,
    streamId: string,
    query?: { from?: number; limit?: number },
  ): Promise<JobRunLogPage>;
  /** The URL that downloads a whole log stream as text, for a download link. */
  jobRunLogDownloadUrl(id: string, streamId: string): Promise<string>;
  /** A short-lived link to the run's Spark UI (EMR's persistent application UI). */
  openSparkUi(id: string): Promise<SparkUiLink>;
  /** Executors the run lost, to Spot interruptions and otherwise. */
  getSpotInterruptions(id: string): Promise<SpotInterruptions>;
  /** A tenant's costs over a period; 404 when it is unknown or hidden. */
  getTenantCosts(tenant: string, query: CostQuery): Promise<CostReport>;
  /** A catalog entity's costs, over the tenants the caller may read. */
  getEntityCosts(entityRef: string, query: CostQuery): Promise<CostReport>;
  /** Every tenant's costs, with idle and unallocated costs, for admins. */
  getCostSummary(query: Omit<CostQuery, 'groupBy'>): Promise<CostSummary>;
  /** The URL of a cost report as CSV (`format=csv`), for a download link. */
  costsCsvUrl(
    scope: { tenant: string } | { entityRef: string },
    query: CostQuery,
  ): Promise<string>;
  /** Recomputes the rollups of a period now, for admins. */
  refreshCosts(query: { from: string; to: string }): Promise<CostRefreshResult>;
  /**
   * The costs of every tenant owned by an entity (a Group), in one report:
   * `GET /costs?ownerRef=`. Tenants the caller may not read are left out.
   */
  getOwnerCosts(ownerRef: string, query: CostQuery): Promise<CostReport>;
  /** A tenant's monthly budget, or null without one. */
  getTenantBudget(tenant: string): Promise<{ budget: TenantBudget | null }>;
  /** Sets a tenant's monthly budget (platform admins). */
  setTenantBudget(tenant: string, budget: BudgetInput): Promise<TenantBudget>;
  /** Removes a tenant's monthly budget (platform admins). */
  deleteTenantBudget(tenant: string): Promise<{ budget: null }>;
  /** A month's forecast and budget status; the current month by default. */
  getCostForecast(
    tenant: string,
    query?: { month?: string },
  ): Promise<CostForecast>;
  /** Every tenant side by side for a month (admins). */
  getCostOverview(query: { month: string }): Promise<CostOverview>;
  /** The overview as CSV, for a download link. */
  costOverviewCsvUrl(query: { month: string }): Promise<string>;
  /**
   * Every configured cluster with its preflight checks, for admins (404
   * otherwise). `refresh` runs the checks now instead of reusing recent
   * results.
   */
  listClusters(options?: { refresh?: boolean }): Promise<ClusterList>;
  /**
   * A cluster's bootstrap bundle (Karpenter node pools, priority classes,
   * storage class, EMR's RBAC), for admins. `write` puts it under the
   * cluster's GitOps output (GitOps mode only).
   */
  getClusterBootstrap(
    name: string,
    options?: { write?: boolean },
  ): Promise<ClusterBootstrap>;
}
