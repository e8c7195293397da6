import { MockFetchApi, mockApis } from '@backstage/test-utils';
import {
  budgetInputSchema,
  BudgetInput,
  ClusterBootstrap,
  ClusterList,
  ClusterPreflight,
  CostForecast,
  CostOverview,
  CostQuery,
  CostReport,
  EmrOnEksApi,
  EmrOnEksClient,
  JobRun,
  JobRunDryRun,
  JobRunListQuery,
  JobRunLogPage,
  JobRunLogStream,
  JobRunLogStreams,
  JobRunPage,
  JobRunRequestInput,
  PageQuery,
  SparkUiLink,
  SpotInterruptions,
  Tenant,
  TenantAuditEvent,
  TenantAuditPage,
  TenantPage,
  TenantSpec,
  TenantBudget,
  TenantSpecInput,
  formatIssues,
  zodIssues,
} from '@spot-spark/plugin-emr-on-eks-common';
import { budgetStatusOf } from './budgets';
import { aBootstrap } from './clusters';
import { costReport, FakeCostFact, FakeCostSettings } from './costs';
import { httpError } from './httpError';
import { logPage } from './jobRunLogs';
import { aRun } from './jobRuns';

type Method = keyof EmrOnEksApi;

/** The base URL the fake gives the CSV links (the real client builds them). */
export const FAKE_API_BASE_URL = 'http://localhost:7007/api/emr-on-eks';

/** The real client, for the CSV links only: its fetch makes no request. */
const csvUrls = new EmrOnEksClient({
  discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
  fetchApi: new MockFetchApi({ baseImplementation: 'none' }),
});

/**
 * An in-memory backend: keeps runs and tenants, pages with numeric cursors,
 * and logs every call (method and arguments) so tests can check what the
 * components asked for.
 */
export class FakeEmrOnEksApi implements EmrOnEksApi {
  runs: JobRun[] = [];
  tenants: Tenant[] = [];
  audit: Record<string, TenantAuditEvent[]> = {};
  /** Full runs (with request and startJobRun) by id, for getJobRun. */
  fullRuns: Record<string, JobRun> = {};
  /** Daily cost facts; reports group and sum them as the backend does. */
  costFacts: FakeCostFact[] = [];
  costSettings: FakeCostSettings = {
    currency: 'USD',
    sources: { uplift: null, compute: null },
    completeThrough: null,
    spotSavings: null,
    refreshedAt: null,
  };
  /** Log streams by run id; a visible run without an entry has none yet. */
  logStreams: Record<string, JobRunLogStream[]> = {};
  /** Why a run has no log streams (`emptyReason`), by run id. */
  logEmptyReasons: Record<string, string> = {};
  /** The whole text of each log stream, by stream id. */
  logTexts: Record<string, string> = {};
  /** The most characters a log page holds (the backend caps pages too). */
  logPageLimit = 65_536;
  /** Spark UI links by run id; a run without one answers 409 (no UI yet). */
  sparkUiLinks: Record<string, SparkUiLink> = {};
  /** Executor losses by run id; a run without an entry has none known. */
  spotInterruptions: Record<string, SpotInterruptions> = {};
  /**
   * The configured clusters with their preflight. A caller who may not read
   * them gets the backend's 404: `fail('listClusters', httpError(404))`.
   */
  clusters: ClusterPreflight[] = [];
  /** Bootstrap bundles by cluster; a known cluster without one gets a small bundle. */
  bootstraps: Record<string, ClusterBootstrap> = {};
  /** Tenants whose costs the caller may not read (404; left out of entity reports). */
  hiddenCostTenants = new Set<string>();
  /** Budgets by tenant name. */
  budgets: Record<string, TenantBudget> = {};
  /**
   * Forecasts by tenant name, without budget and status: the fake adds the
   * tenant's budget and works out the status as the backend does.
   */
  forecasts: Record<string, Omit<CostForecast, 'budget' | 'status'>> = {};
  /** The admin's cost overview by month; a month without one has no rows. */
  costOverviews: Record<string, CostOverview> = {};
  readonly calls: Array<{ method: Method; args: unknown[] }> = [];
  private readonly failures = new Map<Method, Error | Promise<Error>>();
  private readonly held = new Set<Method>();

  /** Makes a method fail with this error. */
  fail(method: Method, error: Error | Promise<Error>) {
    this.failures.set(method, error);
    return this;
  }

  /** Makes a method never answer (a loading state). */
  hold(method: Method) {
    this.held.add(method);
    return this;
  }

  callsOf(method: Method) {
    return this.calls.filter(c => c.method === method).map(c => c.args);
  }

  /** Turns costs on, as a backend with `emrOnEks.costs` answers. */
  configureCosts(settings: Partial<FakeCostSettings> = {}) {
    this.costSettings = {
      ...this.costSettings,
      sources: { uplift: 'duckdb', compute: 'duckdb' },
      refreshedAt: '2026-11-20T06:00:00.000Z',
      ...settings,
    };
    return this;
  }

  private async answer<T>(
    method: Method,
    args: unknown[],
    value: () => T | Promise<T>,
  ): Promise<T> {
    this.calls.push({ method, args });
    if (this.held.has(method)) {
      return new Promise<T>(() => {});
    }
    const failure = this.failures.get(method);
    if (failure) {
      throw await failure;
    }
    return value();
  }

  private page<T>(items: T[], query: { limit?: number; cursor?: string }) {
    const offset = query.cursor ? Number(query.cursor) : 0;
    const limit = query.limit ?? 50;
    const slice = items.slice(offset, offset + limit);
    const next =
      offset + limit < items.length ? String(offset + limit) : undefined;
    return { items: slice, ...(next ? { nextCursor: next } : {}) };
  }

  private filterRuns(runs: JobRun[], query: JobRunListQuery): JobRun[] {
    return runs.filter(
      run =>
        (!query.state || query.state.includes(run.state)) &&
        (!query.createdAfter || run.createdAt >= query.createdAfter) &&
        (!query.createdBefore || run.createdAt < query.createdBefore) &&
        // As the backend: a case-insensitive substring of the job name.
        (!query.name ||
          run.name.toLowerCase().includes(query.name.toLowerCase())),
    );
  }

  private async tenantOrThrow(name: string): Promise<Tenant> {
    const tenant = this.tenants.find(t => t.name === name);
    if (!tenant) {
      throw await httpError(404, `Tenant ${name} not found`);
    }
    return tenant;
  }

  listTenants(query: PageQuery = {}): Promise<TenantPage> {
    return this.answer('listTenants', [query], () =>
      this.page(this.tenants, query),
    );
  }
  getTenant(name: string): Promise<Tenant> {
    return this.answer('getTenant', [name], () => this.tenantOrThrow(name));
  }
  createTenant(): Promise<Tenant> {
    throw new Error('not used');
  }
  updateTenant(
    name: string,
    spec: TenantSpecInput,
    options: { generation?: number } = {},
  ): Promise<Tenant> {
    return this.answer('updateTenant', [name, spec, options], async () => {
      const tenant = await this.tenantOrThrow(name);
      if (
        options.generation !== undefined &&
        options.generation !== tenant.generation
      ) {
        throw await httpError(
          409,
          `Tenant ${name} is at generation ${tenant.generation}, not ${options.generation}`,
        );
      }
      tenant.spec = { ...tenant.spec, ...(spec as Partial<TenantSpec>) };
      tenant.generation += 1;
      tenant.updatedAt = '2026-11-21T00:00:00.000Z';
      return tenant;
    });
  }
  deleteTenant(name: string): Promise<Tenant> {
    return this.answer('deleteTenant', [name], async () => {
      const tenant = await this.tenantOrThrow(name);
      tenant.status = { ...tenant.status, phase: 'Deleting' };
      return tenant;
    });
  }
  reconcileTenant(name: string): Promise<Tenant | undefined> {
    return this.answer('reconcileTenant', [name], () =>
      this.tenantOrThrow(name),
    );
  }
  listTenantAudit(
    name: string,
    query: PageQuery = {},
  ): Promise<TenantAuditPage> {
    return this.answer('listTenantAudit', [name, query], () =>
      this.page(this.audit[name] ?? [], query),
    );
  }
  listOffboardedTenants(): Promise<{ items: [] }> {
    throw new Error('not used');
  }
  getOffboardedTenant(): Promise<never> {
    throw new Error('not used');
  }
  listOffboardedTenantAudit(): Promise<TenantAuditPage> {
    throw new Error('not used');
  }
  listOffboardedTenantJobRuns(): Promise<JobRunPage> {
    throw new Error('not used');
  }
  submitJobRun(tenant: string, request: JobRunRequestInput) {
    return this.answer('submitJobRun', [tenant, request], () => {
      const run = aRun({
        id: `run-${this.runs.length + 1}`,
        tenant,
        name: request.name,
        state: 'SUBMITTING',
        createdAt: '2026-11-21T00:00:00.000Z',
        updatedAt: '2026-11-21T00:00:00.000Z',
        finishedAt: undefined,
        emrJobRunId: undefined,
        arn: undefined,
        idempotencyKey: request.idempotencyKey,
      });
      this.runs.unshift(run);
      return { run, created: true };
    });
  }
  dryRunJobRun(
    tenant: string,
    request: JobRunRequestInput,
  ): Promise<JobRunDryRun> {
    return this.answer('dryRunJobRun', [tenant, request], async () => {
      const found = await this.tenantOrThrow(tenant);
      // The gist of what the backend composes, enough to show a preview.
      return {
        startJobRun: {
          name: request.name,
          virtualClusterId: found.status.virtualClusterId,
          releaseLabel: request.releaseLabel ?? found.spec.releaseLabel,
          jobDriver: {
            sparkSubmitJobDriver: {
              entryPoint: request.entryPoint,
              entryPointArguments: request.entryPointArguments ?? [],
            },
          },
          retryPolicyConfiguration: { maxAttempts: (request.retries ?? 0) + 1 },
        },
        podTemplates: {
          driver: { uri: 's3://assets/driver.yaml', body: '' },
          executor: { uri: 's3://assets/executor.yaml', body: '' },
        },
      };
    });
  }
  listTenantJobRuns(tenant: string, query: JobRunListQuery = {}) {
    return this.answer('listTenantJobRuns', [tenant, query], () =>
      this.page(
        this.filterRuns(
          this.runs.filter(r => r.tenant === tenant),
          query,
        ),
        query,
      ),
    );
  }
  listJobRuns(
    query: JobRunListQuery & { entityRef?: string; tenant?: string },
  ): Promise<JobRunPage> {
    return this.answer('listJobRuns', [query], () =>
      this.page(
        this.filterRuns(
          this.runs.filter(
            r =>
              (!query.entityRef || r.entityRef === query.entityRef) &&
              (!query.tenant || r.tenant === query.tenant),
          ),
          query,
        ),
        query,
      ),
    );
  }
  getJobRun(id: string): Promise<JobRun> {
    return this.answer('getJobRun', [id], async () => {
      const run = this.fullRuns[id] ?? this.runs.find(r => r.id === id);
      if (!run) {
        throw await httpError(404, `Job run ${id} not found`);
      }
      return run;
    });
  }
  /** A run the caller may read, or the backend's 404. */
  private async visibleRun(id: string): Promise<JobRun> {
    const run = this.fullRuns[id] ?? this.runs.find(r => r.id === id);
    if (!run) {
      throw await httpError(404, `Job run ${id} not found`);
    }
    return run;
  }
  listJobRunLogs(id: string): Promise<JobRunLogStreams> {
    return this.answer('listJobRunLogs', [id], async () => {
      await this.visibleRun(id);
      const items = this.logStreams[id] ?? [];
      const emptyReason = this.logEmptyReasons[id];
      return { items, ...(emptyReason ? { emptyReason } : {}) };
    });
  }
  getJobRunLog(
    id: string,
    streamId: string,
    query: { from?: number; limit?: number } = {},
  ): Promise<JobRunLogPage> {
    return this.answer('getJobRunLog', [id, streamId, query], async () => {
      await this.visibleRun(id);
      const stream = this.logStreams[id]?.find(s => s.id === streamId);
      if (!stream) {
        throw await httpError(404, `Log stream ${streamId} not found`);
      }
      return logPage(stream, this.logTexts[streamId] ?? '', {
        from: query.from,
        limit: Math.min(query.limit ?? this.logPageLimit, this.logPageLimit),
      });
    });
  }
  jobRunLogDownloadUrl(id: string, streamId: string): Promise<string> {
    return this.answer('jobRunLogDownloadUrl', [id, streamId], () =>
      csvUrls.jobRunLogDownloadUrl(id, streamId),
    );
  }
  openSparkUi(id: string): Promise<SparkUiLink> {
    return this.answer('openSparkUi', [id], async () => {
      await this.visibleRun(id);
      const link = this.sparkUiLinks[id];
      if (!link) {
        throw await httpError(
          409,
          `Job run ${id} has no Spark UI yet: EMR creates it once the driver has started`,
        );
      }
      return link;
    });
  }
  getSpotInterruptions(id: string): Promise<SpotInterruptions> {
    return this.answer('getSpotInterruptions', [id], async () => {
      await this.visibleRun(id);
      return (
        this.spotInterruptions[id] ?? {
          spotLosses: 0,
          otherLosses: 0,
          losses: [],
          source: 'none',
        }
      );
    });
  }
  cancelJobRun(id: string): Promise<JobRun> {
    return this.answer('cancelJobRun', [id], async () => {
      const run = this.runs.find(r => r.id === id);
      if (!run) {
        throw await httpError(404, `Job run ${id} not found`);
      }
      run.state = 'CANCEL_PENDING';
      return run;
    });
  }
  getTenantCosts(tenant: string, query: CostQuery): Promise<CostReport> {
    return this.answer('getTenantCosts', [tenant, query], async () => {
      if (this.hiddenCostTenants.has(tenant)) {
        throw await httpError(404, `Tenant ${tenant} not found`);
      }
      return costReport(
        this.costFacts.filter(f => f.tenant === tenant),
        query,
        this.costSettings,
      );
    });
  }
  getEntityCosts(entityRef: string, query: CostQuery): Promise<CostReport> {
    return this.answer('getEntityCosts', [entityRef, query], () =>
      costReport(
        this.costFacts.filter(
          f =>
            f.entityRef === entityRef && !this.hiddenCostTenants.has(f.tenant),
        ),
        query,
        this.costSettings,
      ),
    );
  }
  getCostSummary(): Promise<never> {
    throw new Error('not used');
  }
  costsCsvUrl(
    scope: { tenant: string } | { entityRef: string },
    query: CostQuery,
  ): Promise<string> {
    return this.answer('costsCsvUrl', [scope, query], () =>
      csvUrls.costsCsvUrl(scope, query),
    );
  }
  refreshCosts(): Promise<never> {
    throw new Error('not used');
  }
  getOwnerCosts(ownerRef: string, query: CostQuery): Promise<CostReport> {
    return this.answer('getOwnerCosts', [ownerRef, query], () => {
      // As the backend: the owner's tenants the caller may read, summed.
      const owned = new Set(
        this.tenants
          .filter(t => t.spec.owner === ownerRef)
          .map(t => t.name)
          .filter(name => !this.hiddenCostTenants.has(name)),
      );
      return costReport(
        this.costFacts.filter(f => owned.has(f.tenant)),
        query,
        this.costSettings,
      );
    });
  }
  getTenantBudget(tenant: string): Promise<{ budget: TenantBudget | null }> {
    return this.answer('getTenantBudget', [tenant], async () => {
      await this.tenantOrThrow(tenant);
      return { budget: this.budgets[tenant] ?? null };
    });
  }
  setTenantBudget(tenant: string, input: BudgetInput): Promise<TenantBudget> {
    return this.answer('setTenantBudget', [tenant, input], async () => {
      const found = await this.tenantOrThrow(tenant);
      const parsed = budgetInputSchema.safeParse(input);
      if (!parsed.success) {
        // The backend's wording: `Invalid budget: amount: must be ...`.
        throw await httpError(
          400,
          `Invalid budget: ${formatIssues(zodIssues(parsed.error))}`,
        );
      }
      const budget: TenantBudget = {
        tenant,
        tenantUid: found.uid,
        ...parsed.data,
        updatedBy: 'user:default/admin',
        updatedAt: '2026-11-21T00:00:00.000Z',
      };
      this.budgets[tenant] = budget;
      return budget;
    });
  }
  deleteTenantBudget(tenant: string): Promise<{ budget: null }> {
    return this.answer('deleteTenantBudget', [tenant], async () => {
      await this.tenantOrThrow(tenant);
      delete this.budgets[tenant];
      return { budget: null };
    });
  }
  getCostForecast(
    tenant: string,
    query: { month?: string } = {},
  ): Promise<CostForecast> {
    return this.answer('getCostForecast', [tenant, query], async () => {
      if (this.hiddenCostTenants.has(tenant)) {
        throw await httpError(404, `Tenant ${tenant} not found`);
      }
      const forecast = this.forecasts[tenant];
      if (!forecast) {
        throw await httpError(404, `Tenant ${tenant} not found`);
      }
      const budget = this.budgets[tenant] ?? null;
      return {
        ...forecast,
        budget,
        status: budget
          ? budgetStatusOf(
              budget,
              forecast.monthToDate.total,
              forecast.forecast.amount,
            )
          : null,
      };
    });
  }
  getCostOverview(query: { month: string }): Promise<CostOverview> {
    return this.answer('getCostOverview', [query], () => {
      const [year, month] = query.month.split('-').map(Number);
      const previous = new Date(Date.UTC(year, month - 2, 1))
        .toISOString()
        .slice(0, 7);
      return (
        this.costOverviews[query.month] ?? {
          month: query.month,
          previousMonth: previous,
          currency: this.costSettings.currency,
          completeThrough: this.costSettings.completeThrough,
          refreshedAt: this.costSettings.refreshedAt,
          totals: {
            total: 0,
            previousTotal: 0,
            compute: 0,
            uplift: 0,
            storage: 0,
            spotSavings: null,
            idle: 0,
            unallocated: 0,
          },
          rows: [],
          estimateErrors: [],
        }
      );
    });
  }
  costOverviewCsvUrl(query: { month: string }): Promise<string> {
    return this.answer('costOverviewCsvUrl', [query], () =>
      csvUrls.costOverviewCsvUrl(query),
    );
  }
  listClusters(options: { refresh?: boolean } = {}): Promise<ClusterList> {
    return this.answer('listClusters', [options], () => {
      if (options.refresh) {
        // The backend runs the checks again: a new time on every cluster.
        const now = new Date().toISOString();
        this.clusters = this.clusters.map(c => ({ ...c, checkedAt: now }));
      }
      return { items: this.clusters };
    });
  }
  getClusterBootstrap(
    name: string,
    options: { write?: boolean } = {},
  ): Promise<ClusterBootstrap> {
    return this.answer('getClusterBootstrap', [name, options], async () => {
      const cluster = this.clusters.find(c => c.name === name);
      if (!cluster) {
        throw await httpError(404, `Cluster ${name} not found`);
      }
      const bundle = this.bootstraps[name] ?? aBootstrap(name);
      if (!options.write) {
        return bundle;
      }
      if (cluster.kubernetesMode !== 'gitops') {
        throw await httpError(
          409,
          `Cluster ${name} is in direct mode: apply the bundle with kubectl apply -k`,
        );
      }
      return { ...bundle, writtenTo: `${name}/bootstrap` };
    });
  }
}
