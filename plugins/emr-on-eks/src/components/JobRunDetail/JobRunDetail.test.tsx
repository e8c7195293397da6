import { renderInTestApp } from '@backstage/test-utils';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useNavigate } from 'react-router-dom';
import {
  aRun,
  aTenant,
  currentSearch,
  FakeEmrOnEksApi,
  httpError,
  Providers,
} from '../../__testUtils__';
import { JobRunsPanel } from '../JobRunsPanel';

const failed = aRun({
  id: 'r1',
  state: 'FAILED',
  failureReason: 'USER_ERROR',
  stateDetails:
    'Driver exited with code 1: FileNotFoundException s3://data-lake/x',
});

/** The browser's Back button, for the router of the test app. */
function BackButton() {
  const navigate = useNavigate();
  return <button onClick={() => navigate(-1)}>Back</button>;
}

function location() {
  return currentSearch(screen.getByLabelText('location'));
}

async function renderPanel(
  api: FakeEmrOnEksApi,
  options: { routeEntries?: string[]; refreshIntervalMs?: number } = {},
) {
  await renderInTestApp(
    <Providers api={api}>
      <JobRunsPanel
        scope={{ kind: 'tenant', tenant: 'team-a' }}
        tenant="team-a"
        refreshIntervalMs={options.refreshIntervalMs ?? 0}
      />
      <BackButton />
    </Providers>,
    { routeEntries: options.routeEntries },
  );
}

async function openDetail(api: FakeEmrOnEksApi, routeEntries?: string[]) {
  const user = userEvent.setup();
  await renderPanel(api, { routeEntries });
  await user.click(
    await screen.findByRole('button', {
      name: 'Details of run daily-sales (r1)',
    }),
  );
  return {
    user,
    dialog: screen.getByRole('dialog', { name: 'Job run daily-sales' }),
  };
}

describe('run detail', () => {
  it('shows the reason first, the history, the console links and the request', async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = [failed];
    api.tenants = [aTenant()];
    api.fullRuns.r1 = {
      ...failed,
      request: {
        name: 'daily-sales',
        entryPoint: 's3://data-lake/team-a/jobs/sales.py',
        entryPointArguments: [],
        driver: { cores: 1, memory: '2g' },
        executor: { cores: 2, memory: '4g' },
        spot: true,
        sparkConf: {},
        tags: {},
        retries: 0,
      },
      startJobRun: { name: 'daily-sales', virtualClusterId: 'vc123' },
    };
    const { dialog } = await openDetail(api);

    expect(within(dialog).getByText('USER_ERROR')).toBeInTheDocument();
    expect(
      within(dialog).getAllByText(/Driver exited with code 1/)[0],
    ).toBeInTheDocument();
    const history = within(dialog).getByRole('list', {
      name: 'State history',
    });
    expect(within(history).getByText('Created')).toBeInTheDocument();
    expect(within(history).getByText('Finished (FAILED)')).toBeInTheDocument();

    const links = await within(dialog).findByRole('list', {
      name: 'Console links',
    });
    const logs = await within(links).findByRole('link', {
      name: 'CloudWatch Logs',
    });
    expect(logs).toHaveAttribute(
      'href',
      expect.stringContaining(
        'https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Femr-on-eks$252Fshared$252Fteam-a',
      ),
    );
    expect(
      within(links).getByRole('link', { name: 'S3 logs' }),
    ).toHaveAttribute(
      'href',
      expect.stringContaining('/s3/buckets/shared-emr-assets?region=eu-west-1'),
    );
    expect(
      within(links).getByRole('link', { name: 'EMR on EKS console' }),
    ).toHaveAttribute(
      'href',
      'https://console.aws.amazon.com/elasticmapreduce/home?region=eu-west-1#virtual-cluster-jobs:vc123',
    );
    expect(
      within(links).getByRole('link', { name: 'Spark UI' }),
    ).toHaveAttribute('target', '_blank');

    expect(
      await within(dialog).findAllByText(
        /s3:\/\/data-lake\/team-a\/jobs\/sales\.py/,
      ),
    ).not.toHaveLength(0);
    expect(
      within(dialog).getAllByRole('button', { name: 'Copy text' }),
    ).toHaveLength(2);
  });

  it('still links EMR when the user may not read the tenant', async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = [failed];
    // No tenant: getTenant answers 404.
    const { dialog } = await openDetail(api);
    const links = await within(dialog).findByRole('list', {
      name: 'Console links',
    });
    expect(
      within(links).getByRole('link', { name: 'EMR on EKS console' }),
    ).toBeInTheDocument();
    expect(
      within(links).queryByRole('link', { name: 'CloudWatch Logs' }),
    ).not.toBeInTheDocument();
    expect(
      within(dialog).getByText(
        'The log links need read access to tenant team-a.',
      ),
    ).toBeInTheDocument();
    expect(
      await within(dialog).findByText(
        'No stored request: the run was started outside Backstage.',
      ),
    ).toBeInTheDocument();
  });

  it('has no console links before EMR accepted the run', async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = [
      aRun({
        id: 'r1',
        state: 'SUBMITTING',
        arn: undefined,
        emrJobRunId: undefined,
      }),
    ];
    const { dialog } = await openDetail(api);
    expect(
      within(dialog).getByText(
        'Console links appear once EMR has accepted the run (it has no ARN yet).',
      ),
    ).toBeInTheDocument();
  });
});

describe('run detail in the URL', () => {
  it('puts the open run in the URL beside the filters, and takes it out on close', async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = [failed];
    const { user, dialog } = await openDetail(api, ['/?runState=FAILED']);
    expect(location().get('run')).toBe('r1');
    expect(location().getAll('runState')).toEqual(['FAILED']);

    await user.click(
      within(dialog).getByRole('button', { name: 'Close details' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(location().has('run')).toBe(false);
    expect(location().getAll('runState')).toEqual(['FAILED']);
  });

  it('closes on Back, as opening added a history entry', async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = [failed];
    const { user } = await openDetail(api);
    // The browser's Back is outside the page: the modal drawer hides the
    // stand-in from the accessibility tree, hence `hidden`.
    await user.click(
      screen.getByRole('button', { name: 'Back', hidden: true }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(location().has('run')).toBe(false);
    expect(
      screen.getByRole('button', { name: 'Details of run daily-sales (r1)' }),
    ).toBeInTheDocument();
  });

  it('opens the run named in the URL, loaded by id when it is not on the page', async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = [aRun({ id: 'r1', name: 'newest-job' })];
    // Not on the list's page (say, an older page): only the single GET has it.
    api.fullRuns.r0 = aRun({ id: 'r0', name: 'older-job', state: 'FAILED' });
    await renderPanel(api, { routeEntries: ['/?run=r0'] });

    const dialog = await screen.findByRole('dialog', {
      name: 'Job run older-job',
    });
    const facts = within(dialog).getByRole('table', { name: 'Run facts' });
    expect(within(facts).getByText('FAILED')).toBeInTheDocument();
    expect(within(facts).getByText('r0')).toBeInTheDocument();
    expect(api.callsOf('getJobRun')).toEqual([['r0']]);
  });

  it('says a run in the URL that the user may not see is not found, and shows nothing of it', async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = [aRun({ id: 'r1', name: 'newest-job' })];
    await renderPanel(api, { routeEntries: ['/?run=secret-run'] });

    const dialog = await screen.findByRole('dialog', {
      name: 'Job run secret-run',
    });
    expect(
      await within(dialog).findByText(
        'Run secret-run is not found, or you may no longer see it.',
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).queryByRole('table', { name: 'Run facts' }),
    ).not.toBeInTheDocument();
  });

  it('shows nothing of a listed run once its GET says it is no longer visible', async () => {
    const api = new FakeEmrOnEksApi().fail(
      'getJobRun',
      httpError(404, 'Job run r1 not found'),
    );
    api.runs = [failed];
    await renderPanel(api, { routeEntries: ['/?run=r1'] });

    const dialog = await screen.findByRole('dialog', { name: 'Job run r1' });
    expect(
      await within(dialog).findByText(
        'Run r1 is not found, or you may no longer see it.',
      ),
    ).toBeInTheDocument();
    // The list's row (its name, its reason) is not shown either.
    expect(within(dialog).queryByText(/daily-sales/)).not.toBeInTheDocument();
    expect(within(dialog).queryByText('USER_ERROR')).not.toBeInTheDocument();
  });
});

describe('run detail refresh', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('fetches a run again while it is not finished, shows its new state, and stops once it is', async () => {
    const api = new FakeEmrOnEksApi();
    // Not on the list's page, so only the details refresh.
    const running = aRun({ id: 'r0', state: 'RUNNING', finishedAt: undefined });
    api.fullRuns.r0 = running;
    await renderPanel(api, {
      routeEntries: ['/?run=r0'],
      refreshIntervalMs: 10_000,
    });
    const dialog = await screen.findByRole('dialog', {
      name: 'Job run daily-sales',
    });
    const facts = within(dialog).getByRole('table', { name: 'Run facts' });
    expect(within(facts).getByText('RUNNING')).toBeInTheDocument();
    expect(api.callsOf('getJobRun')).toHaveLength(1);

    await act(async () => {
      jest.advanceTimersByTime(10_000);
    });
    expect(api.callsOf('getJobRun')).toHaveLength(2);

    api.fullRuns.r0 = {
      ...running,
      state: 'COMPLETED',
      finishedAt: '2026-11-20T10:05:00.000Z',
    };
    await act(async () => {
      jest.advanceTimersByTime(10_000);
    });
    expect(await within(facts).findByText('COMPLETED')).toBeInTheDocument();
    expect(
      within(dialog).getByText('Finished (COMPLETED)'),
    ).toBeInTheDocument();
    expect(api.callsOf('getJobRun')).toHaveLength(3);

    await act(async () => {
      jest.advanceTimersByTime(60_000);
    });
    expect(api.callsOf('getJobRun')).toHaveLength(3);
  });

  it('does not fetch a finished run again', async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = [failed];
    await renderPanel(api, {
      routeEntries: ['/?run=r1'],
      refreshIntervalMs: 10_000,
    });
    const dialog = await screen.findByRole('dialog', {
      name: 'Job run daily-sales',
    });
    expect(within(dialog).getByText('USER_ERROR')).toBeInTheDocument();
    await act(async () => {
      jest.advanceTimersByTime(60_000);
    });
    expect(api.callsOf('getJobRun')).toEqual([['r1']]);
  });
});
