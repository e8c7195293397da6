import { ResponseError } from '@backstage/errors';
import type {
  JobRun,
  JobRunPage,
  JobRunRequestInput,
  JobRunState,
} from './jobRun';
import type {
  OffboardedTenant,
  Tenant,
  TenantAuditPage,
  TenantPage,
} from './status';
import type { TenantSpecInput } from './tenant';
import type {
  CostGroupBy,
  CostRefreshResult,
  CostReport,
  CostSummary,
} from './cost';

/**
 * Where the backend plugin is: Backstage's `DiscoveryApi` in the browser,
 * `DiscoveryService` in a backend (only `getBaseUrl` is used).
 *
 * @public
 */
export interface EmrOnEksDiscovery {
  /** The base URL of a plugin's API. */
  getBaseUrl(pluginId: string): Promise<string>;
}

/**
 * How requests are sent: Backstage's `FetchApi` in the browser (it adds the
 * user's token), or in a backend a `fetch` that adds the credentials the
 * caller acts with.
 *
 * @public
 */
export interface EmrOnEksFetch {
  /** Sends a request with the caller's credentials. */
  fetch: typeof fetch;
}

/** Filters of a job-run list (newest first). @public */
export interface JobRunListQuery {
  /** Only runs in these states. */
  state?: JobRunState[];
  /** ISO 8601, inclusive. */
  createdAfter?: string;
  /** ISO 8601, exclusive. */
  createdBefore?: string;
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
}

function costQueryParams(query: CostQuery): Record<string, string | undefined> {
  return {
    from: query.from,
    to: query.to,
    groupBy:
      query.groupBy === undefined
        ? undefined
        : ([] as string[]).concat(query.groupBy).join(','),
  };
}

/**
 * The typed REST client of the backend plugin, for the frontend plugin and
 * backend modules (the scaffolder actions) alike.
 *
 * @public
 */
export class EmrOnEksClient implements EmrOnEksApi {
  private readonly discoveryApi: EmrOnEksDiscovery;
  private readonly fetchApi: EmrOnEksFetch;

  constructor(options: {
    discoveryApi: EmrOnEksDiscovery;
    fetchApi: EmrOnEksFetch;
  }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
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
    const { status, body } = await this.send<JobRun>(
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
    const base = await this.discoveryApi.getBaseUrl('emr-on-eks');
    const search = new URLSearchParams();
    if ('entityRef' in scope) {
      search.set('entityRef', scope.entityRef);
    }
    for (const [key, value] of Object.entries(costQueryParams(query))) {
      if (value !== undefined) {
        search.set(key, value);
      }
    }
    search.set('format', 'csv');
    const path =
      'tenant' in scope
        ? ['tenants', scope.tenant, 'costs'].map(encodeURIComponent).join('/')
        : 'costs';
    return `${base}/${path}?${search}`;
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

  private async request<T>(
    method: string,
    path: string[],
    options: RequestOptions = {},
  ): Promise<T> {
    return (await this.send<T>(method, path, options)).body as T;
  }

  /**
   * Path segments are encoded one by one and query values through
   * URLSearchParams, so no value can change the path or add a parameter.
   */
  private async send<T>(
    method: string,
    path: string[],
    options: RequestOptions = {},
  ): Promise<{ status: number; body: T | undefined }> {
    const base = await this.discoveryApi.getBaseUrl('emr-on-eks');
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(options.query ?? {})) {
      for (const item of ([] as unknown[]).concat(value)) {
        if (item !== undefined) {
          search.append(key, String(item));
        }
      }
    }
    const query = search.toString();
    const url = `${base}/${path.map(encodeURIComponent).join('/')}${
      query ? `?${query}` : ''
    }`;
    const response = await this.fetchApi.fetch(url, {
      method,
      headers: {
        ...(options.body === undefined
          ? {}
          : { 'Content-Type': 'application/json' }),
        ...options.headers,
      },
      body:
        options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const text = response.status === 204 ? '' : await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as T) : undefined,
    };
  }
}

interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, unknown>;
}
