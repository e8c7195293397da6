import { renderInTestApp } from '@backstage/test-utils';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  aRun,
  currentSearch,
  FakeEmrOnEksApi,
  FakePermissionApi,
  fakePermissionApi,
  Providers,
  readOnlyPolicy,
} from '../../__testUtils__';
import { JobRunsPanel } from './JobRunsPanel';

function location() {
  return currentSearch(screen.getByLabelText('location'));
}

function rows() {
  const table = screen.getByRole('table', { name: 'EMR job runs' });
  // The first row of the table is its header.
  return within(table).getAllByRole('row').slice(1);
}

async function renderPanel(
  api: FakeEmrOnEksApi,
  options: {
    routeEntries?: string[];
    refreshIntervalMs?: number;
    pageSize?: number;
    scope?: 'tenant' | 'entity';
    tenant?: string;
    permissions?: FakePermissionApi;
  } = {},
) {
  return renderInTestApp(
    <Providers
      api={api}
      permissions={options.permissions ?? fakePermissionApi(readOnlyPolicy)}
    >
      <JobRunsPanel
        scope={
          options.scope === 'entity'
            ? { kind: 'entity', entityRef: 'component:default/daily-sales' }
            : { kind: 'tenant', tenant: options.tenant ?? 'team-a' }
        }
        tenant={options.tenant ?? 'team-a'}
        refreshIntervalMs={options.refreshIntervalMs ?? 0}
        pageSize={options.pageSize}
      />
    </Providers>,
    { routeEntries: options.routeEntries },
  );
}

describe('<JobRunsPanel /> filters and pages', () => {
  it('takes its filters from the URL and passes them to the API', async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = [
      aRun({
        state: 'RUNNING',
        finishedAt: undefined,
        createdAt: new Date(Date.now() - 3600_000).toISOString(),
      }),
    ];
    const before = Date.now();
    await renderPanel(api, {
      routeEntries: ['/?runState=RUNNING&runState=FAILED&runRange=24h'],
    });
    expect(await screen.findByText('daily-sales')).toBeInTheDocument();
    const [tenant, query] = api.callsOf('listTenantJobRuns')[0] as [
      string,
      { state: string[]; createdAfter: string; limit: number },
    ];
    expect(tenant).toBe('team-a');
    expect(query.state).toEqual(['RUNNING', 'FAILED']);
    const after = Date.parse(query.createdAfter);
    expect(after).toBeGreaterThanOrEqual(before - 24 * 3600_000 - 1000);
    expect(after).toBeLessThanOrEqual(Date.now() - 24 * 3600_000 + 1000);
    expect(screen.getByLabelText('State')).toHaveTextContent('RUNNING, FAILED');
  });

  it('puts a chosen state in the URL and asks the API for it', async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = [
      aRun({ id: 'ok', name: 'good-job' }),
      aRun({ id: 'bad', name: 'bad-job', state: 'FAILED' }),
    ];
    const user = userEvent.setup();
    await renderPanel(api);
    expect(await screen.findByText('good-job')).toBeInTheDocument();

    await user.click(screen.getByLabelText('State'));
    await user.click(screen.getByRole('option', { name: 'FAILED' }));
    await user.keyboard('{Escape}');

    await waitFor(() =>
      expect(screen.queryByText('good-job')).not.toBeInTheDocument(),
    );
    expect(screen.getByText('bad-job')).toBeInTheDocument();
    expect(location().getAll('runState')).toEqual(['FAILED']);
    const lastQuery = api.callsOf('listTenantJobRuns').at(-1)![1];
    expect(lastQuery).toMatchObject({ state: ['FAILED'] });
  });

  it('turns a custom time range into createdAfter and createdBefore', async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = [aRun()];
    await renderPanel(api, {
      routeEntries: [
        '/?runRange=custom&runCreatedAfter=2026-11-20T00:00:00.000Z&runCreatedBefore=2026-11-21T00:00:00.000Z',
      ],
    });
    expect(await screen.findByText('daily-sales')).toBeInTheDocument();
    expect(api.callsOf('listTenantJobRuns')[0][1]).toMatchObject({
      createdAfter: '2026-11-20T00:00:00.000Z',
      createdBefore: '2026-11-21T00:00:00.000Z',
    });
    expect(screen.getByLabelText('Created after')).toBeInTheDocument();
    expect(screen.getByLabelText('Created before')).toBeInTheDocument();
  });

  it('searches names on the server, over all pages, once typing pauses', async () => {
    const api = new FakeEmrOnEksApi();
    // The match is on the second page of 10: a search of this page alone
    // would miss it.
    api.runs = [
      ...Array.from({ length: 10 }, (_, i) =>
        aRun({ id: `d${i}`, name: `daily-${i}` }),
      ),
      aRun({ id: 'w', name: 'weekly-report' }),
    ];
    const user = userEvent.setup();
    await renderPanel(api, { pageSize: 10 });
    expect(await screen.findByText('daily-0')).toBeInTheDocument();
    expect(screen.queryByText('weekly-report')).not.toBeInTheDocument();

    await user.type(screen.getByLabelText('Job name contains'), 'WEEK');
    expect(await screen.findByText('weekly-report')).toBeInTheDocument();
    expect(screen.queryByText('daily-0')).not.toBeInTheDocument();
    expect(location().get('runName')).toBe('WEEK');
    // One request for the whole word, not one per key.
    const named = api
      .callsOf('listTenantJobRuns')
      .map(([, q]) => (q as { name?: string }).name)
      .filter(Boolean);
    expect(named).toEqual(['WEEK']);

    await user.clear(screen.getByLabelText('Job name contains'));
    await user.type(screen.getByLabelText('Job name contains'), 'nothing');
    expect(
      await screen.findByText(
        'No run matches these filters and has a name containing "nothing".',
      ),
    ).toBeInTheDocument();
  });

  it('says no runs match when the filters leave none', async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = [aRun()];
    await renderPanel(api, { routeEntries: ['/?runState=CANCELLED'] });
    expect(
      await screen.findByText('No runs match these filters.'),
    ).toBeInTheDocument();
  });

  it('pages forward and back with the cursors', async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = Array.from({ length: 25 }, (_, i) =>
      aRun({ id: `r${i}`, name: `job-${String(i).padStart(2, '0')}` }),
    );
    const user = userEvent.setup();
    await renderPanel(api, { pageSize: 10 });
    expect(await screen.findByText('job-00')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Previous page' }),
    ).toBeDisabled();

    await user.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('job-10')).toBeInTheDocument();
    expect(screen.queryByText('job-00')).not.toBeInTheDocument();
    expect(screen.getByText('Page 2')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('job-24')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: 'Previous page' }));
    expect(await screen.findByText('job-10')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Previous page' }));
    expect(await screen.findByText('job-00')).toBeInTheDocument();

    expect(
      api
        .callsOf('listTenantJobRuns')
        .map(([, q]) => (q as { cursor?: string }).cursor),
    ).toEqual([undefined, '10', '20', '10', undefined]);
  });
});

describe('<JobRunsPanel /> actions', () => {
  it('cancels a run after confirmation and shows its new state', async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = [aRun({ id: 'r1', state: 'RUNNING', finishedAt: undefined })];
    const user = userEvent.setup();
    await renderPanel(api);

    await user.click(
      await screen.findByRole('button', { name: 'Cancel run daily-sales' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Cancel daily-sales?' });
    await user.click(
      within(dialog).getByRole('button', { name: 'Cancel run' }),
    );

    expect(await screen.findByText('CANCEL_PENDING')).toBeInTheDocument();
    expect(api.callsOf('cancelJobRun')).toEqual([['r1']]);
    await waitFor(() =>
      expect(
        screen.queryByRole('dialog', { name: 'Cancel daily-sales?' }),
      ).not.toBeInTheDocument(),
    );
  });

  it('does not cancel when the dialog is dismissed', async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = [aRun({ id: 'r1', state: 'RUNNING', finishedAt: undefined })];
    const user = userEvent.setup();
    await renderPanel(api);

    await user.click(
      await screen.findByRole('button', { name: 'Cancel run daily-sales' }),
    );
    await user.click(screen.getByRole('button', { name: 'Keep running' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.callsOf('cancelJobRun')).toEqual([]);
  });

  it('shows why a cancel failed, in the dialog', async () => {
    const api = new FakeEmrOnEksApi().fail(
      'cancelJobRun',
      new Error('Job run r1 already finished'),
    );
    api.runs = [aRun({ id: 'r1', state: 'RUNNING', finishedAt: undefined })];
    const user = userEvent.setup();
    await renderPanel(api);

    await user.click(
      await screen.findByRole('button', { name: 'Cancel run daily-sales' }),
    );
    await user.click(screen.getByRole('button', { name: 'Cancel run' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Job run r1 already finished',
    );
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });

  it('re-runs with the stored request and a new idempotency key, then shows the new run first', async () => {
    const api = new FakeEmrOnEksApi();
    const request = {
      name: 'daily-sales',
      entryPoint: 's3://data-lake/team-a/jobs/sales.py',
      entryPointArguments: ['--date', '2026-11-20'],
      driver: { cores: 2, memory: '4g' },
      executor: { cores: 4, memory: '16g', minExecutors: 2, maxExecutors: 10 },
      spot: true,
      sparkConf: {},
      tags: {},
      retries: 0,
      entityRef: 'component:default/daily-sales',
      idempotencyKey: 'daily-sales-2026-11-20',
    };
    api.runs = [aRun({ id: 'r1', state: 'FAILED' })];
    api.fullRuns.r1 = { ...aRun({ id: 'r1', state: 'FAILED' }), request };
    const user = userEvent.setup();
    await renderPanel(api);

    await user.click(
      await screen.findByRole('button', { name: 'Re-run daily-sales' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Re-run daily-sales?' });
    await user.click(within(dialog).getByRole('button', { name: 'Re-run' }));

    expect(await screen.findByText('SUBMITTING')).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(within(rows()[0]).getByText('SUBMITTING')).toBeInTheDocument();
    expect(within(rows()[1]).getByText('FAILED')).toBeInTheDocument();
    const [[tenant, submitted]] = api.callsOf('submitJobRun') as Array<
      [string, typeof request]
    >;
    expect(tenant).toBe('team-a');
    expect({ ...submitted, idempotencyKey: 'x' }).toEqual({
      ...request,
      idempotencyKey: 'x',
    });
    expect(submitted.idempotencyKey).not.toBe(request.idempotencyKey);
    expect(submitted.idempotencyKey).toMatch(/^[A-Za-z0-9._:-]{1,64}$/);
  });

  it('refuses to re-run a run without a stored request', async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = [aRun({ id: 'r1' })];
    const user = userEvent.setup();
    await renderPanel(api);
    await user.click(
      await screen.findByRole('button', { name: 'Re-run daily-sales' }),
    );
    await user.click(screen.getByRole('button', { name: 'Re-run' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'has no stored request',
    );
    expect(api.callsOf('submitJobRun')).toEqual([]);
  });

  it("asks for the card's tenant's actions while the runs load", async () => {
    const api = new FakeEmrOnEksApi().hold('listTenantJobRuns');
    const permissions = fakePermissionApi(readOnlyPolicy);
    // A tenant of its own: usePermission keeps answers for the whole file.
    await renderPanel(api, { permissions, tenant: 'team-warm' });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    await waitFor(() =>
      expect(permissions.answered).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            permission: 'emr-on-eks.job-run.cancel',
            resourceRef: 'team-warm',
          }),
          expect.objectContaining({
            permission: 'emr-on-eks.job-run.submit',
            resourceRef: 'team-warm',
          }),
        ]),
      ),
    );
  });

  it('hides the actions the user may not take, and re-run for external runs', async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = [
      aRun({
        id: 'a',
        name: 'allowed-job',
        state: 'RUNNING',
        finishedAt: undefined,
      }),
      aRun({
        id: 'b',
        name: 'locked-job',
        tenant: 'team-ro',
        state: 'RUNNING',
        finishedAt: undefined,
      }),
      aRun({
        id: 'c',
        name: 'external-job',
        source: 'external',
        spot: undefined,
      }),
    ];
    const permissions = fakePermissionApi(readOnlyPolicy);
    await renderPanel(api, { scope: 'entity', permissions });
    expect(
      await screen.findByRole('button', { name: 'Cancel run allowed-job' }),
    ).toBeInTheDocument();
    // Wait until the denials were answered, so their absence means something.
    await waitFor(() =>
      expect(permissions.answered).toEqual(
        expect.arrayContaining([
          {
            permission: 'emr-on-eks.job-run.cancel',
            resourceRef: 'team-ro',
            allowed: false,
          },
          {
            permission: 'emr-on-eks.job-run.submit',
            resourceRef: 'team-ro',
            allowed: false,
          },
        ]),
      ),
    );
    await act(async () => {});
    expect(
      screen.getByRole('button', { name: 'Re-run allowed-job' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Cancel run locked-job' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Re-run locked-job' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Re-run external-job' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Cancel run external-job' }),
    ).not.toBeInTheDocument();
    // Started outside Backstage: Spot or not is unknown.
    expect(screen.getByText(/2-10 executors$/)).toBeInTheDocument();
  });
});

describe('<JobRunsPanel /> auto-refresh', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    jest.useRealTimers();
    Object.defineProperty(document, 'visibilityState', {
      configurable: true,
      get: () => 'visible',
    });
  });

  function setVisibility(state: 'visible' | 'hidden') {
    Object.defineProperty(document, 'visibilityState', {
      configurable: true,
      get: () => state,
    });
    act(() => {
      document.dispatchEvent(new Event('visibilitychange'));
    });
  }

  it('refreshes while a run is active and stops once all are finished', async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = [aRun({ id: 'r1', state: 'RUNNING', finishedAt: undefined })];
    await renderPanel(api, { refreshIntervalMs: 10_000 });
    expect(await screen.findByText('RUNNING')).toBeInTheDocument();
    expect(api.callsOf('listTenantJobRuns')).toHaveLength(1);
    expect(
      screen.getByText('Refreshing every 10 s while runs are active'),
    ).toBeInTheDocument();

    await act(async () => {
      jest.advanceTimersByTime(10_000);
    });
    expect(api.callsOf('listTenantJobRuns')).toHaveLength(2);

    api.runs[0] = {
      ...api.runs[0],
      state: 'COMPLETED',
      finishedAt: '2026-11-20T10:05:00.000Z',
    };
    await act(async () => {
      jest.advanceTimersByTime(10_000);
    });
    expect(await screen.findByText('COMPLETED')).toBeInTheDocument();
    expect(api.callsOf('listTenantJobRuns')).toHaveLength(3);

    await act(async () => {
      jest.advanceTimersByTime(60_000);
    });
    expect(api.callsOf('listTenantJobRuns')).toHaveLength(3);
    expect(
      screen.queryByText('Refreshing every 10 s while runs are active'),
    ).not.toBeInTheDocument();
  });

  it('does not refresh when every run is finished', async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = [
      aRun({ state: 'COMPLETED' }),
      aRun({ id: 'r2', state: 'FAILED' }),
    ];
    await renderPanel(api, { refreshIntervalMs: 10_000 });
    expect(await screen.findByText('FAILED')).toBeInTheDocument();
    await act(async () => {
      jest.advanceTimersByTime(60_000);
    });
    expect(api.callsOf('listTenantJobRuns')).toHaveLength(1);
  });

  it('pauses while the page is hidden', async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = [aRun({ state: 'PENDING', finishedAt: undefined })];
    await renderPanel(api, { refreshIntervalMs: 10_000 });
    expect(await screen.findByText('PENDING')).toBeInTheDocument();

    setVisibility('hidden');
    await act(async () => {
      jest.advanceTimersByTime(60_000);
    });
    expect(api.callsOf('listTenantJobRuns')).toHaveLength(1);

    setVisibility('visible');
    await act(async () => {
      jest.advanceTimersByTime(10_000);
    });
    expect(api.callsOf('listTenantJobRuns')).toHaveLength(2);
  });

  it('shows a live duration for a running run', async () => {
    jest.setSystemTime(new Date('2026-11-20T10:02:00.000Z'));
    const api = new FakeEmrOnEksApi();
    api.runs = [aRun({ state: 'RUNNING', finishedAt: undefined })];
    await renderPanel(api);
    expect(await screen.findByText('2m 0s')).toBeInTheDocument();
    await act(async () => {
      jest.advanceTimersByTime(5_000);
    });
    expect(screen.getByText('2m 5s')).toBeInTheDocument();
  });
});
