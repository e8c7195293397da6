import { renderInTestApp } from '@backstage/test-utils';
import { act, screen, waitFor } from '@testing-library/react';
import {
  aRun,
  aTenant,
  FakeEmrOnEksApi,
  fakePermissionApi,
  FakeSignalApi,
  Providers,
} from '../../__testUtils__';
import { JobRunsPanel } from './JobRunsPanel';

const ENTITY = 'component:default/daily-sales';

async function renderPanel(
  api: FakeEmrOnEksApi,
  options: { signalApi?: FakeSignalApi; refreshIntervalMs?: number } = {},
) {
  return renderInTestApp(
    <Providers
      api={api}
      permissions={fakePermissionApi()}
      signalApi={options.signalApi}
    >
      <JobRunsPanel
        scope={{ kind: 'entity', entityRef: ENTITY }}
        tenant="team-a"
        refreshIntervalMs={options.refreshIntervalMs ?? 10_000}
      />
    </Providers>,
  );
}

describe('<JobRunsPanel /> for someone who may not see the tenant', () => {
  it('says the runs are not available, as the tenant page does, with no hint to submit', async () => {
    // What the backend answers bob on team-a's daily-sales: the entity's
    // list without team-a's runs, and 404 for the tenant.
    const api = new FakeEmrOnEksApi();
    await renderPanel(api);
    expect(
      await screen.findByText(
        'Tenant team-a does not exist, or you may not see its job runs.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/No runs yet/)).not.toBeInTheDocument();
    expect(screen.queryByText(/POST/)).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Submit run' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByLabelText('Job name contains'),
    ).not.toBeInTheDocument();
  });

  it('says there are no runs yet to a member of the tenant', async () => {
    const api = new FakeEmrOnEksApi();
    api.tenants = [aTenant()];
    await renderPanel(api);
    expect(await screen.findByText('No runs yet')).toBeInTheDocument();
    expect(screen.queryByText(/you may not see/)).not.toBeInTheDocument();
  });
});

describe('<JobRunsPanel /> live updates', () => {
  afterEach(() => jest.useRealTimers());

  it('listens on the channels of its tenants and reads the list again on a message', async () => {
    const api = new FakeEmrOnEksApi();
    api.tenants = [aTenant()];
    api.runs = [
      aRun({ id: 'r1', state: 'RUNNING', finishedAt: undefined }),
      aRun({
        id: 'r2',
        name: 'other',
        tenant: 'team-b',
        tenantUid: 'uid-team-b',
      }),
    ];
    const signalApi = new FakeSignalApi();
    await renderPanel(api, { signalApi });
    expect(await screen.findByText('RUNNING')).toBeInTheDocument();
    await waitFor(() =>
      expect(signalApi.channels()).toEqual([
        'emr-on-eks:job-runs:uid-team-a',
        'emr-on-eks:job-runs:uid-team-b',
      ]),
    );
    expect(screen.getByText('Updates as runs change')).toBeInTheDocument();
    const fetched = api.callsOf('listJobRuns').length;

    api.runs[0] = { ...api.runs[0], state: 'FAILED' };
    act(() =>
      signalApi.publish('emr-on-eks:job-runs:uid-team-a', {
        tenantUid: 'uid-team-a',
        runIds: ['r1'],
      }),
    );
    expect(await screen.findByText('FAILED')).toBeInTheDocument();
    expect(api.callsOf('listJobRuns').length).toBe(fetched + 1);
  });

  it('does not poll when the app has signals, and polls when it has none', async () => {
    jest.useFakeTimers();
    const api = new FakeEmrOnEksApi();
    api.tenants = [aTenant()];
    api.runs = [aRun({ state: 'RUNNING', finishedAt: undefined })];
    const { unmount } = await renderPanel(api, {
      signalApi: new FakeSignalApi(),
    });
    expect(await screen.findByText('RUNNING')).toBeInTheDocument();
    const withSignals = api.callsOf('listJobRuns').length;
    await act(async () => {
      jest.advanceTimersByTime(60_000);
    });
    expect(api.callsOf('listJobRuns').length).toBe(withSignals);
    unmount();

    const polled = new FakeEmrOnEksApi();
    polled.tenants = [aTenant()];
    polled.runs = [aRun({ state: 'RUNNING', finishedAt: undefined })];
    await renderPanel(polled);
    expect(await screen.findByText('RUNNING')).toBeInTheDocument();
    expect(
      screen.getByText('Refreshing every 10 s while runs are active'),
    ).toBeInTheDocument();
    await act(async () => {
      jest.advanceTimersByTime(10_000);
    });
    expect(polled.callsOf('listJobRuns')).toHaveLength(2);
  });
});

describe('<JobRunsPanel /> when a run cannot be shown', () => {
  it('breaks the runs section only: the filters and the refresh stay', async () => {
    const api = new FakeEmrOnEksApi();
    api.tenants = [aTenant()];
    // An answer the table cannot draw (a requested size without its driver).
    api.runs = [
      aRun({
        requested: { maxCores: 4 } as unknown as ReturnType<
          typeof aRun
        >['requested'],
      }),
    ];
    const error = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      await renderPanel(api);
      expect(await screen.findByRole('alert')).toHaveTextContent('Job runs');
      expect(screen.getByLabelText('Job name contains')).toBeInTheDocument();
      expect(
        screen.getByRole('button', { name: 'Refresh job runs' }),
      ).toBeInTheDocument();
    } finally {
      error.mockRestore();
    }
  });
});
