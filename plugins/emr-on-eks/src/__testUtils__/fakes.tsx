import { Entity } from '@backstage/catalog-model';
import { catalogApiRef, EntityProvider } from '@backstage/plugin-catalog-react';
import {
  PermissionApi,
  permissionApiRef,
} from '@backstage/plugin-permission-react';
import { FetchApi, fetchApiRef } from '@backstage/core-plugin-api';
import { TestApiProvider } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import {
  ANNOTATION_EMR_ON_EKS_TENANT,
  CapacityType,
  CostCategory,
  CostGroupBy,
  CostQuery,
  CostReport,
  CostReportRow,
  EmrOnEksApi,
  EmrOnEksClient,
  JobRun,
  JobRunDryRun,
  JobRunListQuery,
  JobRunPage,
  JobRunRequestInput,
  PageQuery,
  Tenant,
  TenantAuditEvent,
  TenantAuditPage,
  TenantPage,
  TenantSpec,
  TenantSpecInput,
} from '@spot-spark/plugin-emr-on-eks-common';
import { ReactNode } from 'react';
import { useLocation } from 'react-router-dom';
import { emrOnEksApiRef } from '../api';

/** A run as the list returns it (no request, no StartJobRun). */
export function aRun(overrides: Partial<JobRun> = {}): JobRun {
  const id = overrides.id ?? 'run-1';
  return {
    id,
    tenant: 'team-a',
    tenantUid: 'uid-team-a',
    virtualClusterId: 'vc123',
    emrJobRunId: `emr${id.replace(/[^a-z0-9]/g, '')}`,
    arn: `arn:aws:emr-containers:eu-west-1:123456789012:/virtualclusters/vc123/jobruns/emr${id.replace(
      /[^a-z0-9]/g,
      '',
    )}`,
    name: 'daily-sales',
    state: 'COMPLETED',
    createdAt: '2026-11-20T10:00:00.000Z',
    finishedAt: '2026-11-20T10:05:00.000Z',
    updatedAt: '2026-11-20T10:05:00.000Z',
    releaseLabel: 'emr-7.5.0-latest',
    entityRef: 'component:default/daily-sales',
    submittedBy: 'user:default/alice',
    spot: true,
    idempotencyKey: 'daily-sales-2026-11-20',
    source: 'backstage',
    requested: {
      driver: { cores: 2, memoryMiB: 5735 },
      executor: { cores: 4, memoryMiB: 22938 },
      minExecutors: 2,
      maxExecutors: 10,
      maxCores: 42,
      maxMemoryMiB: 235115,
    },
    ...overrides,
  };
}

/** A Ready tenant with every step done. */
export function aTenant(overrides: Partial<Tenant> = {}): Tenant {
  const name = overrides.name ?? 'team-a';
  const steps = [
    'kubernetes-objects',
    'iam-role',
    'pod-templates',
    'log-group',
    'virtual-cluster',
  ] as const;
  return {
    uid: `uid-${name}`,
    name,
    generation: 1,
    createdAt: '2026-11-01T00:00:00.000Z',
    createdBy: 'user:default/alice',
    updatedAt: '2026-11-01T00:00:00.000Z',
    spec: {
      name,
      owner: `group:default/${name}`,
      cluster: 'shared',
      namespace: name,
      quota: { 'requests.cpu': '32', 'requests.memory': '128Gi' },
      limitRange: {
        max: { cpu: '8', memory: '64Gi' },
        min: { cpu: '100m', memory: '64Mi' },
        default: { cpu: '1', memory: '2Gi' },
        defaultRequest: { cpu: '500m', memory: '1Gi' },
      },
      network: { egressCidrs: [] },
      dataAccess: [],
      priorityTier: 'standard',
      logRetentionDays: 30,
      releaseLabel: 'emr-7.5.0-latest',
      podSecurity: 'baseline',
    },
    status: {
      phase: 'Ready',
      observedGeneration: 1,
      namespace: name,
      virtualClusterId: 'vc123',
      executionRoleArn: `arn:aws:iam::123456789012:role/emr-tenant-${name}`,
      logGroupName: `/emr-on-eks/shared/${name}`,
      assetsPrefix: `s3://shared-emr-assets/tenants/${name}/uid-${name}/`,
      lastReconciledAt: '2026-11-01T00:01:00.000Z',
      steps: steps.map(step => ({
        name: step,
        state: 'Succeeded' as const,
        message: 'up to date',
        generation: 1,
        updatedAt: '2026-11-01T00:01:00.000Z',
      })),
    },
    ...overrides,
  };
}

const ERROR_NAMES: Record<number, string> = {
  400: 'InputError',
  403: 'NotAllowedError',
  404: 'NotFoundError',
  409: 'ConflictError',
};

/** The error the client throws for a backend's error answer. */
export function httpError(
  statusCode: number,
  message = `HTTP ${statusCode}`,
): Promise<ResponseError> {
  const body = {
    error: { name: ERROR_NAMES[statusCode] ?? 'Error', message },
    request: { method: 'GET', url: '/api/emr-on-eks' },
    response: { statusCode },
  };
  const response = {
    ok: false,
    status: statusCode,
    statusText: `Status ${statusCode}`,
    url: 'http://localhost/api/emr-on-eks',
    headers: {
      get: (name: string) =>
        name === 'content-type' ? 'application/json' : null,
    },
    text: async () => JSON.stringify(body),
  };
  return ResponseError.fromResponse(
    response as unknown as Parameters<typeof ResponseError.fromResponse>[0],
  );
}

type Method = keyof EmrOnEksApi;

/**
 * One daily cost fact of the fake backend: what the rollup stores, with the
 * run's plugin id and name as a `groupBy=job` report gives them.
 */
export interface FakeCostFact {
  date: string;
  tenant: string;
  category: CostCategory;
  capacityType: CapacityType;
  amount: number;
  estimated?: boolean;
  emrJobRunId?: string | null;
  jobRunId?: string | null;
  jobName?: string | null;
  entityRef?: string | null;
}

/** A fact of tenant team-a, on-demand compute of no run, unless overridden. */
export function aCostFact(overrides: Partial<FakeCostFact> = {}): FakeCostFact {
  return {
    date: '2026-11-20',
    tenant: 'team-a',
    category: 'compute',
    capacityType: 'on-demand',
    amount: 1,
    ...overrides,
  };
}

/** The base URL the fake gives the CSV links (the real client builds them). */
export const FAKE_API_BASE_URL = 'http://localhost:7007/api/emr-on-eks';

const csvUrls = new EmrOnEksClient({
  discoveryApi: { getBaseUrl: async () => FAKE_API_BASE_URL },
  fetchApi: {
    fetch: () => {
      throw new Error('the fake builds URLs only');
    },
  },
});

const GROUP_FIELDS: Record<CostGroupBy, Array<keyof FakeCostFact>> = {
  day: ['date'],
  job: ['emrJobRunId', 'jobRunId', 'jobName', 'entityRef'],
  category: ['category'],
  capacityType: ['capacityType'],
  tenant: ['tenant'],
};

/** Costs settings of the fake backend: not configured until a test says so. */
export interface FakeCostSettings {
  currency: string;
  sources: CostReport['sources'];
  completeThrough: string | null;
  spotSavings: number | null;
  refreshedAt: string | null;
}

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
  /** Tenants whose costs the caller may not read (404; left out of entity reports). */
  hiddenCostTenants = new Set<string>();
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
        (!query.createdBefore || run.createdAt < query.createdBefore),
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
  dryRunJobRun(): Promise<JobRunDryRun> {
    throw new Error('not used');
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

  private costReport(facts: FakeCostFact[], query: CostQuery): CostReport {
    const groupBy = ([] as CostGroupBy[]).concat(query.groupBy ?? 'day');
    const fields = groupBy.flatMap(g => GROUP_FIELDS[g]);
    const groups = new Map<string, CostReportRow>();
    let estimatedTotal = 0;
    for (const fact of facts) {
      if (fact.date < query.from || fact.date > query.to) {
        continue;
      }
      const key = JSON.stringify(fields.map(f => fact[f] ?? null));
      const row: CostReportRow = groups.get(key) ?? {
        ...Object.fromEntries(fields.map(f => [f, fact[f] ?? null])),
        amount: 0,
        estimated: false,
      };
      row.amount += fact.amount;
      row.estimated ||= Boolean(fact.estimated);
      if (fact.estimated) {
        estimatedTotal += fact.amount;
      }
      groups.set(key, row);
    }
    const rows = [...groups.values()];
    const { currency, sources, completeThrough, spotSavings, refreshedAt } =
      this.costSettings;
    return {
      currency,
      from: query.from,
      to: query.to,
      groupBy,
      total: rows.reduce((sum, row) => sum + row.amount, 0),
      estimatedTotal,
      estimatedRange: { low: estimatedTotal * 0.8, high: estimatedTotal * 1.2 },
      completeThrough,
      spotSavings,
      sources,
      refreshedAt,
      rows,
    };
  }

  getTenantCosts(tenant: string, query: CostQuery): Promise<CostReport> {
    return this.answer('getTenantCosts', [tenant, query], async () => {
      if (this.hiddenCostTenants.has(tenant)) {
        throw await httpError(404, `Tenant ${tenant} not found`);
      }
      return this.costReport(
        this.costFacts.filter(f => f.tenant === tenant),
        query,
      );
    });
  }
  getEntityCosts(entityRef: string, query: CostQuery): Promise<CostReport> {
    return this.answer('getEntityCosts', [entityRef, query], () =>
      this.costReport(
        this.costFacts.filter(
          f =>
            f.entityRef === entityRef && !this.hiddenCostTenants.has(f.tenant),
        ),
        query,
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
}

type PermissionDecision = Awaited<ReturnType<PermissionApi['authorize']>>;

/** A permission API that answers with a policy and keeps its answers. */
export type FakePermissionApi = PermissionApi & {
  answered: Array<{
    permission: string;
    resourceRef?: string;
    allowed: boolean;
  }>;
};

/**
 * A permission API that allows what `allow(permissionName, resourceRef)`
 * says. usePermission caches answers per permission and resource for the
 * whole test file, so a policy must answer the same for the same pair in
 * every test of a file: tests that need a denial use another tenant.
 */
export function fakePermissionApi(
  allow: (permission: string, resourceRef?: string) => boolean = () => true,
): FakePermissionApi {
  const answered: FakePermissionApi['answered'] = [];
  return {
    answered,
    async authorize(request) {
      const resourceRef =
        'resourceRef' in request ? (request.resourceRef as string) : undefined;
      const allowed = allow(request.permission.name, resourceRef);
      answered.push({
        permission: request.permission.name,
        resourceRef,
        allowed,
      });
      // AuthorizeResult is a string enum of @backstage/plugin-permission-common.
      return { result: allowed ? 'ALLOW' : 'DENY' } as PermissionDecision;
    },
  };
}

/** Tenant `team-ro`: readable, but no action is allowed on it. */
export const readOnlyPolicy = (_permission: string, resourceRef?: string) =>
  resourceRef !== 'team-ro';

/** The router location, shown for tests to read the URL. */
export function LocationProbe() {
  const location = useLocation();
  return <output aria-label="location">{location.search}</output>;
}

/** The URL's query parameters, as the probe shows them. */
export function currentSearch(element: HTMLElement): URLSearchParams {
  return new URLSearchParams(element.textContent ?? '');
}

/** An entity of a kind, with or without the tenant annotation. */
export function anEntity(kind: string, tenant?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: {
      name: kind === 'Component' ? 'daily-sales' : 'team-a',
      namespace: 'default',
      annotations: tenant ? { [ANNOTATION_EMR_ON_EKS_TENANT]: tenant } : {},
    },
    spec: {},
  };
}

/** The providers every component test needs. */
export function Providers(props: {
  api: EmrOnEksApi;
  permissions?: PermissionApi;
  /** Where the CSV download fetches from. */
  fetchApi?: FetchApi;
  entity?: Entity;
  /** The catalog the tenants page checks tenants' names in; none when left out. */
  catalogApi?: typeof catalogApiRef.T;
  children: ReactNode;
}) {
  const content = props.entity ? (
    <EntityProvider entity={props.entity}>{props.children}</EntityProvider>
  ) : (
    props.children
  );
  return (
    <TestApiProvider
      apis={[
        [emrOnEksApiRef, props.api],
        [permissionApiRef, props.permissions ?? fakePermissionApi()],
        ...(props.fetchApi
          ? [[fetchApiRef, props.fetchApi] as const]
          : ([] as const)),
        ...(props.catalogApi
          ? [[catalogApiRef, props.catalogApi] as const]
          : ([] as const)),
      ]}
    >
      {content}
      <LocationProbe />
    </TestApiProvider>
  );
}
