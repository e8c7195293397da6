import type { JobRun, JobRunPage, JobRunRequestInput } from '../jobRun';
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
import type { CostRefreshResult, CostReport, CostSummary } from '../cost';
import type {
  BudgetInput,
  CostForecast,
  CostOverview,
  TenantBudget,
} from '../budget';
import type {
  CostQuery,
  EmrOnEksApi,
  JobRunDryRun,
  JobRunListQuery,
  PageQuery,
} from './EmrOnEksApi';
import {
  backendUrl,
  costQueryParams,
  EmrOnEksDiscovery,
  EmrOnEksFetch,
  EmrOnEksTransport,
  RequestOptions,
  sendRequest,
} from './request';

/**
 * The typed REST client of the backend plugin, for the frontend plugin and
 * backend modules (the scaffolder actions) alike.
 *
 * @public
 */
export class EmrOnEksClient implements EmrOnEksApi {
  private readonly transport: EmrOnEksTransport;

  constructor(options: {
    discoveryApi: EmrOnEksDiscovery;
    fetchApi: EmrOnEksFetch;
  }) {
    this.transport = {
      discoveryApi: options.discoveryApi,
      fetchApi: options.fetchApi,
    };
  }

  /** {@inheritDoc EmrOnEksApi.listTenants} */
  listTenants(query: PageQuery = {}): Promise<TenantPage> {
    return this.request('GET', ['tenants'], { query: { ...query } });
  }

  /** {@inheritDoc EmrOnEksApi.getTenant} */
  getTenant(name: string): Promise<Tenant> {
    return this.request('GET', ['tenants', name]);
  }

  /** {@inheritDoc EmrOnEksApi.createTenant} */
  createTenant(
    spec: TenantSpecInput,
    options: { reassignReason?: string } = {},
  ): Promise<Tenant> {
    return this.request('POST', ['tenants'], {
      body: spec,
      query: { reassignReason: options.reassignReason },
    });
  }

  /** {@inheritDoc EmrOnEksApi.updateTenant} */
  updateTenant(
    name: string,
    spec: TenantSpecInput,
    options: { generation?: number } = {},
  ): Promise<Tenant> {
    return this.request('PUT', ['tenants', name], {
      body: spec,
      headers:
        options.generation === undefined
          ? {}
          : { 'If-Match': `"${options.generation}"` },
    });
  }

  /** {@inheritDoc EmrOnEksApi.deleteTenant} */
  deleteTenant(name: string): Promise<Tenant> {
    return this.request('DELETE', ['tenants', name]);
  }

  /** {@inheritDoc EmrOnEksApi.reconcileTenant} */
  reconcileTenant(name: string): Promise<Tenant | undefined> {
    return this.request('POST', ['tenants', name, 'reconcile']);
  }

  /** {@inheritDoc EmrOnEksApi.listTenantAudit} */
  listTenantAudit(name: string, query: PageQuery = {}) {
    return this.request<TenantAuditPage>('GET', ['tenants', name, 'audit'], {
      query: { ...query },
    });
  }

  /** {@inheritDoc EmrOnEksApi.listOffboardedTenants} */
  listOffboardedTenants(name?: string) {
    return this.request<{ items: OffboardedTenant[] }>(
      'GET',
      ['tenant-history'],
      { query: { name } },
    );
  }

  /** {@inheritDoc EmrOnEksApi.getOffboardedTenant} */
  getOffboardedTenant(uid: string): Promise<OffboardedTenant> {
    return this.request('GET', ['tenant-history', uid]);
  }

  /** {@inheritDoc EmrOnEksApi.listOffboardedTenantAudit} */
  listOffboardedTenantAudit(uid: string, query: PageQuery = {}) {
    return this.request<TenantAuditPage>(
      'GET',
      ['tenant-history', uid, 'audit'],
      { query: { ...query } },
    );
  }

  /** {@inheritDoc EmrOnEksApi.listOffboardedTenantJobRuns} */
  listOffboardedTenantJobRuns(uid: string, query: JobRunListQuery = {}) {
    return this.request<JobRunPage>(
      'GET',
      ['tenant-history', uid, 'job-runs'],
      { query: { ...query } },
    );
  }

  /** {@inheritDoc EmrOnEksApi.submitJobRun} */
  async submitJobRun(tenant: string, request: JobRunRequestInput) {
    const { status, body } = await sendRequest<JobRun>(
      this.transport,
      'POST',
      ['tenants', tenant, 'job-runs'],
      { body: request },
    );
    return { run: body!, created: status === 201 };
  }

  /** {@inheritDoc EmrOnEksApi.dryRunJobRun} */
  dryRunJobRun(tenant: string, request: JobRunRequestInput) {
    return this.request<JobRunDryRun>('POST', ['tenants', tenant, 'job-runs'], {
      body: request,
      query: { dryRun: 'true' },
    });
  }

  /** {@inheritDoc EmrOnEksApi.listTenantJobRuns} */
  listTenantJobRuns(tenant: string, query: JobRunListQuery = {}) {
    return this.request<JobRunPage>('GET', ['tenants', tenant, 'job-runs'], {
      query: { ...query },
    });
  }

  /** {@inheritDoc EmrOnEksApi.listJobRuns} */
  listJobRuns(
    query: JobRunListQuery & { entityRef?: string; tenant?: string },
  ): Promise<JobRunPage> {
    return this.request('GET', ['job-runs'], { query: { ...query } });
  }

  /** {@inheritDoc EmrOnEksApi.getJobRun} */
  getJobRun(id: string): Promise<JobRun> {
    return this.request('GET', ['job-runs', id]);
  }

  /** {@inheritDoc EmrOnEksApi.cancelJobRun} */
  cancelJobRun(id: string): Promise<JobRun> {
    return this.request('POST', ['job-runs', id, 'cancel']);
  }

  /** {@inheritDoc EmrOnEksApi.listJobRunLogs} */
  listJobRunLogs(id: string): Promise<JobRunLogStreams> {
    return this.request('GET', ['job-runs', id, 'logs']);
  }

  /** {@inheritDoc EmrOnEksApi.getJobRunLog} */
  getJobRunLog(
    id: string,
    streamId: string,
    query: { from?: number; limit?: number } = {},
  ): Promise<JobRunLogPage> {
    return this.request('GET', ['job-runs', id, 'logs', streamId], {
      query: { ...query },
    });
  }

  /** {@inheritDoc EmrOnEksApi.jobRunLogDownloadUrl} */
  jobRunLogDownloadUrl(id: string, streamId: string): Promise<string> {
    return backendUrl(
      this.transport.discoveryApi,
      ['job-runs', id, 'logs', streamId],
      { format: 'download' },
    );
  }

  /** {@inheritDoc EmrOnEksApi.openSparkUi} */
  openSparkUi(id: string): Promise<SparkUiLink> {
    return this.request('POST', ['job-runs', id, 'spark-ui']);
  }

  /** {@inheritDoc EmrOnEksApi.getSpotInterruptions} */
  getSpotInterruptions(id: string): Promise<SpotInterruptions> {
    return this.request('GET', ['job-runs', id, 'spot-interruptions']);
  }

  /** {@inheritDoc EmrOnEksApi.getTenantCosts} */
  getTenantCosts(tenant: string, query: CostQuery): Promise<CostReport> {
    return this.request('GET', ['tenants', tenant, 'costs'], {
      query: costQueryParams(query),
    });
  }

  /** {@inheritDoc EmrOnEksApi.getEntityCosts} */
  getEntityCosts(entityRef: string, query: CostQuery): Promise<CostReport> {
    return this.request('GET', ['costs'], {
      query: { entityRef, ...costQueryParams(query) },
    });
  }

  /** {@inheritDoc EmrOnEksApi.getCostSummary} */
  getCostSummary(query: Omit<CostQuery, 'groupBy'>): Promise<CostSummary> {
    return this.request('GET', ['costs', 'summary'], {
      query: { from: query.from, to: query.to },
    });
  }

  /** {@inheritDoc EmrOnEksApi.costsCsvUrl} */
  async costsCsvUrl(
    scope: { tenant: string } | { entityRef: string },
    query: CostQuery,
  ): Promise<string> {
    return backendUrl(
      this.transport.discoveryApi,
      'tenant' in scope ? ['tenants', scope.tenant, 'costs'] : ['costs'],
      {
        entityRef: 'entityRef' in scope ? scope.entityRef : undefined,
        ...costQueryParams(query),
        format: 'csv',
      },
    );
  }

  /** {@inheritDoc EmrOnEksApi.refreshCosts} */
  refreshCosts(query: {
    from: string;
    to: string;
  }): Promise<CostRefreshResult> {
    return this.request('POST', ['costs', 'refresh'], {
      query: { from: query.from, to: query.to },
    });
  }

  /** {@inheritDoc EmrOnEksApi.getOwnerCosts} */
  getOwnerCosts(ownerRef: string, query: CostQuery): Promise<CostReport> {
    return this.request('GET', ['costs'], {
      query: { ownerRef, ...costQueryParams(query) },
    });
  }

  /** {@inheritDoc EmrOnEksApi.getTenantBudget} */
  getTenantBudget(tenant: string): Promise<{ budget: TenantBudget | null }> {
    return this.request('GET', ['tenants', tenant, 'budget']);
  }

  /** {@inheritDoc EmrOnEksApi.setTenantBudget} */
  setTenantBudget(tenant: string, budget: BudgetInput): Promise<TenantBudget> {
    return this.request('PUT', ['tenants', tenant, 'budget'], { body: budget });
  }

  /** {@inheritDoc EmrOnEksApi.deleteTenantBudget} */
  deleteTenantBudget(tenant: string): Promise<{ budget: null }> {
    return this.request('DELETE', ['tenants', tenant, 'budget']);
  }

  /** {@inheritDoc EmrOnEksApi.getCostForecast} */
  getCostForecast(
    tenant: string,
    query: { month?: string } = {},
  ): Promise<CostForecast> {
    return this.request('GET', ['tenants', tenant, 'costs', 'forecast'], {
      query: { month: query.month },
    });
  }

  /** {@inheritDoc EmrOnEksApi.getCostOverview} */
  getCostOverview(query: { month: string }): Promise<CostOverview> {
    return this.request('GET', ['costs', 'overview'], {
      query: { month: query.month },
    });
  }

  /** {@inheritDoc EmrOnEksApi.costOverviewCsvUrl} */
  costOverviewCsvUrl(query: { month: string }): Promise<string> {
    return backendUrl(this.transport.discoveryApi, ['costs', 'overview'], {
      month: query.month,
      format: 'csv',
    });
  }

  /** {@inheritDoc EmrOnEksApi.listClusters} */
  listClusters(options: { refresh?: boolean } = {}): Promise<ClusterList> {
    return this.request('GET', ['clusters'], {
      query: { refresh: options.refresh ? 'true' : undefined },
    });
  }

  /** {@inheritDoc EmrOnEksApi.getClusterBootstrap} */
  getClusterBootstrap(
    name: string,
    options: { write?: boolean } = {},
  ): Promise<ClusterBootstrap> {
    return options.write
      ? this.request('POST', ['clusters', name, 'bootstrap'])
      : this.request('GET', ['clusters', name, 'bootstrap']);
  }

  private async request<T>(
    method: string,
    path: string[],
    options: RequestOptions = {},
  ): Promise<T> {
    return (await sendRequest<T>(this.transport, method, path, options))
      .body as T;
  }
}
