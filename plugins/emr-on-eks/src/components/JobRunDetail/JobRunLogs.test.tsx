import { FetchApi } from '@backstage/core-plugin-api';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  aRun,
  failedDriverStderr,
  FakeEmrOnEksApi,
  httpError,
  numberedLines,
  renderRunDetail,
  sparkRunStreams,
} from '../../__testUtils__';

jest.mock('react-virtualized-auto-sizer', () => ({
  __esModule: true,
  default: jest.requireActual('../../__testUtils__/runDetail').FixedAutoSizer,
}));

const DRIVER = 'spark-000000033kf8shj0e5e-driver';

const failed = aRun({
  id: 'r1',
  state: 'FAILED',
  failureReason: 'USER_ERROR',
  stateDetails:
    'Driver exited with code 1: FileNotFoundException s3://data-lake/x',
});

function apiWithLogs(run = failed) {
  const api = new FakeEmrOnEksApi();
  api.runs = [run];
  api.logStreams[run.id] = sparkRunStreams();
  api.logTexts[`${DRIVER}.stderr`] = failedDriverStderr();
  api.logTexts[`${DRIVER}.stdout`] = 'sales rows: 1200\n';
  api.logTexts['daily-sales-7a3c9b8f2e-exec-1.stdout'] =
    'executor 1 says hello\n';
  return api;
}

async function openLogs(
  api: FakeEmrOnEksApi,
  options: { fetchApi?: FetchApi; fakeTimers?: boolean } = {},
) {
  const user = userEvent.setup(
    options.fakeTimers ? { advanceTimers: jest.advanceTimersByTime } : {},
  );
  await renderRunDetail(api, 'r1', options);
  await user.click(await screen.findByRole('tab', { name: 'Logs' }));
  return user;
}

/** The numbered rows of the LogViewer: `[number, text]`. */
function logRows(): string[] {
  return screen
    .getAllByRole('row')
    .map(row => row.parentElement?.textContent ?? '');
}

describe('the Logs tab', () => {
  it('shows the driver’s stderr first, with line numbers, and other containers on demand', async () => {
    const user = await openLogs(apiWithLogs());
    expect(await screen.findByText(/User class threw exception/)).toBeVisible();
    expect(logRows()[0]).toMatch(/^1.*Running Spark version/);
    expect(screen.getByLabelText('Container')).toHaveDisplayValue(
      `Driver (${DRIVER})`,
    );

    await user.selectOptions(screen.getByLabelText('Container'), 'Executor 1');
    await user.selectOptions(screen.getByLabelText('Stream'), 'stdout');
    expect(await screen.findByText('executor 1 says hello')).toBeVisible();
    expect(screen.getByRole('region', { name: /exec-1 stdout/ })).toBeVisible();
  });

  it('searches within the page', async () => {
    const user = await openLogs(apiWithLogs());
    await screen.findByText(/User class threw exception/);
    await user.type(screen.getByPlaceholderText('Search'), 'filenotfound');
    // Two lines name it: LogViewer counts the matches.
    expect(await screen.findByText('1/2')).toBeInTheDocument();
  });

  it('links the failure reason to the first error line of the driver’s stderr', async () => {
    const user = userEvent.setup();
    const api = apiWithLogs();
    // The user last looked at another stream: the link opens the driver's.
    await renderRunDetail(api, 'r1');
    await user.click(
      await screen.findByRole('button', {
        name: 'Show the error line in the driver log',
      }),
    );
    expect(screen.getByRole('tab', { name: 'Logs' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    expect(
      await screen.findByText('First error line: line 7 (selected below).'),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(
        screen.getByRole('row', { name: '7' }).parentElement?.className,
      ).toMatch(/lineSelected/),
    );
    // Only that line.
    expect(
      screen.getByRole('row', { name: '6' }).parentElement?.className,
    ).not.toMatch(/lineSelected/);
  });

  it('loads earlier text until the start of the stream', async () => {
    const api = apiWithLogs();
    api.logTexts[`${DRIVER}.stderr`] = numberedLines(40);
    api.logPageLimit = 400;
    const user = await openLogs(api);
    expect(await screen.findByText(/Job: line 40$/)).toBeInTheDocument();
    expect(screen.queryByText(/Job: line 1$/)).not.toBeInTheDocument();

    while (screen.queryByRole('button', { name: 'Load earlier text' })) {
      await user.click(
        screen.getByRole('button', { name: 'Load earlier text' }),
      );
      await waitFor(() =>
        expect(
          screen
            .queryByRole('button', { name: 'Load earlier text' })
            ?.hasAttribute('disabled'),
        ).not.toBe(true),
      );
    }
    expect(screen.getByText(/Job: line 1$/)).toBeInTheDocument();
    expect(logRows()).toHaveLength(41); // 40 lines and the last, empty one
    const length = numberedLines(40).length.toLocaleString();
    expect(screen.getByRole('status')).toHaveTextContent(
      `Characters 0 to ${length} of ${length}`,
    );
  });

  it('copies the page and downloads the whole stream with the user’s token', async () => {
    const requested: string[] = [];
    const fetchApi: FetchApi = {
      fetch: (async (url: string) => {
        requested.push(url);
        return { ok: true, status: 200, blob: async () => new Blob(['all']) };
      }) as unknown as typeof fetch,
    };
    const saved: string[] = [];
    const { createObjectURL, revokeObjectURL } = URL;
    Object.assign(URL, {
      createObjectURL: () => 'blob:test/1',
      revokeObjectURL: () => {},
    });
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function save(this: HTMLAnchorElement) {
        saved.push(this.download);
      });
    try {
      const user = await openLogs(apiWithLogs(), { fetchApi });
      await screen.findByText(/User class threw exception/);

      const copied: string[] = [];
      jest
        .spyOn(navigator.clipboard, 'writeText')
        .mockImplementation(async text => {
          copied.push(text);
        });
      await user.click(
        screen.getByRole('button', { name: 'Copy logs to clipboard' }),
      );
      expect(copied).toEqual([failedDriverStderr()]);

      await user.click(screen.getByRole('button', { name: 'Download logs' }));
      await waitFor(() => expect(saved).toHaveLength(1));
      expect(requested).toEqual([
        `http://localhost:7007/api/emr-on-eks/job-runs/r1/logs/${DRIVER}.stderr?format=download`,
      ]);
      expect(saved[0]).toBe(`daily-sales-${DRIVER}-stderr.log`);
    } finally {
      click.mockRestore();
      Object.assign(URL, { createObjectURL, revokeObjectURL });
    }
  });

  it('says why a stream has no logs yet', async () => {
    const api = apiWithLogs();
    api.logStreams.r1 = [];
    api.logEmptyReasons.r1 = 'EMR has not written logs for this run yet.';
    await openLogs(api);
    expect(
      await screen.findByText('EMR has not written logs for this run yet.'),
    ).toBeInTheDocument();
  });

  it('shows loading, then the backend’s error', async () => {
    const loading = apiWithLogs().hold('listJobRunLogs');
    const { unmount } = await renderRunDetail(loading, 'r1');
    await userEvent.click(await screen.findByRole('tab', { name: 'Logs' }));
    expect(
      await within(screen.getByRole('tabpanel')).findByRole('progressbar'),
    ).toBeInTheDocument();
    unmount();

    const broken = apiWithLogs().fail(
      'listJobRunLogs',
      httpError(502, 'S3 is not reachable'),
    );
    await openLogs(broken);
    expect(await screen.findByText(/S3 is not reachable/)).toBeInTheDocument();
  });

  it('tells a user who may not read the run that its logs are not available', async () => {
    const api = apiWithLogs().fail(
      'listJobRunLogs',
      httpError(404, 'Job run r1 not found'),
    );
    await openLogs(api);
    expect(
      await screen.findByText(
        'Logs are not available: run r1 is not found, or you may not see it.',
      ),
    ).toBeInTheDocument();
    expect(api.callsOf('getJobRunLog')).toEqual([]);
  });
});

describe('following a live run’s log', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('fetches the tail again while following, and stops when told', async () => {
    const running = aRun({ id: 'r1', state: 'RUNNING', finishedAt: undefined });
    const api = apiWithLogs(running);
    api.logTexts[`${DRIVER}.stderr`] = numberedLines(3);
    const user = await openLogs(api, { fakeTimers: true });
    expect(await screen.findByText(/Job: line 3$/)).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: /Follow/ })).toBeChecked();

    api.logTexts[`${DRIVER}.stderr`] = numberedLines(4);
    await act(async () => {
      jest.advanceTimersByTime(5_000);
    });
    expect(await screen.findByText(/Job: line 4$/)).toBeInTheDocument();
    const fetches = api.callsOf('getJobRunLog').length;

    await user.click(screen.getByRole('checkbox', { name: /Follow/ }));
    await act(async () => {
      jest.advanceTimersByTime(30_000);
    });
    expect(api.callsOf('getJobRunLog')).toHaveLength(fetches);
  });

  it('does not follow a finished run', async () => {
    const api = apiWithLogs();
    await openLogs(api, { fakeTimers: true });
    await screen.findByText(/User class threw exception/);
    expect(
      screen.queryByRole('checkbox', { name: /Follow/ }),
    ).not.toBeInTheDocument();
    await act(async () => {
      jest.advanceTimersByTime(60_000);
    });
    expect(api.callsOf('getJobRunLog')).toHaveLength(1);
  });
});
