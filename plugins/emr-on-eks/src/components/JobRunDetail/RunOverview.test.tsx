import { screen, within } from '@testing-library/react';
import {
  aRun,
  FakeEmrOnEksApi,
  httpError,
  renderRunDetail,
  someSpotLosses,
} from '../../__testUtils__';

const LONG_REASON = `Driver exited with code 1: ${'org.apache.spark.SparkException: Job aborted due to stage failure; '.repeat(
  8,
)}`;

const cancelled = aRun({
  id: 'r1',
  state: 'CANCELLED',
  maxAttempts: 3,
  attempts: 2,
  cancelledBy: 'user:default/bob',
  stateDetails: LONG_REASON,
  createdAt: '2026-11-20T10:00:00.000Z',
  finishedAt: '2026-11-20T10:05:00.000Z',
  history: [
    {
      state: 'SUBMITTING',
      at: '2026-11-20T10:00:00.000Z',
      source: 'submit',
      by: 'user:default/alice',
    },
    {
      state: 'PENDING',
      at: '2026-11-20T10:00:02.000Z',
      source: 'event',
      attempt: 1,
    },
    {
      state: 'RUNNING',
      at: '2026-11-20T10:00:40.000Z',
      source: 'event',
      attempt: 1,
    },
    {
      state: 'FAILED',
      at: '2026-11-20T10:02:00.000Z',
      source: 'event',
      attempt: 1,
      details: 'Driver OOMKilled',
    },
    {
      state: 'RUNNING',
      at: '2026-11-20T10:02:30.000Z',
      source: 'sync',
      attempt: 2,
    },
    {
      state: 'CANCEL_PENDING',
      at: '2026-11-20T10:04:00.000Z',
      source: 'cancel',
      by: 'user:default/bob',
    },
    { state: 'CANCELLED', at: '2026-11-20T10:05:00.000Z', source: 'event' },
  ],
});

function apiWith(run = cancelled) {
  const api = new FakeEmrOnEksApi();
  api.runs = [run];
  return api;
}

describe('the run overview', () => {
  it('lists every state with its time, attempt, source and who acted', async () => {
    await renderRunDetail(apiWith(), 'r1');
    const history = await screen.findByRole('list', { name: 'State history' });
    const items = within(history).getAllByRole('listitem');
    expect(items.map(item => item.firstChild?.firstChild?.textContent)).toEqual(
      [
        'SUBMITTING',
        'PENDING',
        'RUNNING',
        'FAILED',
        'RUNNING',
        'CANCEL_PENDING',
        'CANCELLED',
      ],
    );
    expect(items[0]).toHaveTextContent(/submitted in Backstage · by alice$/);
    expect(items[3]).toHaveTextContent(
      'attempt 1 · from an EMR event · Driver OOMKilled',
    );
    expect(items[4]).toHaveTextContent('attempt 2 · seen by the sync');
    expect(items[5]).toHaveTextContent(/cancelled in Backstage · by bob$/);
    // Relative, with the exact time on hover.
    const time = items[6].querySelector('time')!;
    expect(time).toHaveAttribute('dateTime', '2026-11-20T10:05:00.000Z');
    expect(time.getAttribute('title')).toMatch(/2026/);
    expect(time.textContent).toMatch(/ago|in |yesterday|now/);

    expect(
      screen.getByText('Driver attempts: 2 of 3 (1 after a failure)'),
    ).toBeInTheDocument();
    expect(screen.getByText(/^Cancelled by/)).toHaveTextContent(
      'Cancelled by bob',
    );
  });

  it('shows the whole reason, however long', async () => {
    await renderRunDetail(apiWith(), 'r1');
    expect(
      await screen.findByText(LONG_REASON.trim(), {
        normalizer: s => s.trim(),
      }),
    ).toBeInTheDocument();
  });

  it('falls back to what is known when the run has no recorded history', async () => {
    await renderRunDetail(apiWith({ ...cancelled, history: undefined }), 'r1');
    const list = await screen.findByRole('list', { name: 'State history' });
    expect(within(list).getByText('Created')).toBeInTheDocument();
    expect(within(list).getByText('Finished (CANCELLED)')).toBeInTheDocument();
  });

  it('shows the executors lost to Spot, when, and those lost otherwise', async () => {
    const api = apiWith();
    api.spotInterruptions.r1 = someSpotLosses();
    await renderRunDetail(api, 'r1');
    expect(
      await screen.findByText(
        '3 executors lost to Spot interruptions, 1 for other reasons.',
      ),
    ).toBeInTheDocument();
    const losses = screen.getByRole('list', { name: 'Executor losses' });
    const items = within(losses).getAllByRole('listitem');
    expect(items).toHaveLength(4);
    expect(items[0]).toHaveTextContent(
      '+2m 40s: executor 2, Spot interruption',
    );
    expect(items[1]).toHaveTextContent('+3m 10s: executor 5, other cause');
  });

  it('says when the losses are not known yet', async () => {
    await renderRunDetail(apiWith(), 'r1');
    expect(
      await screen.findByText(
        /Not known yet: the count comes from the driver’s log/,
      ),
    ).toBeInTheDocument();
  });

  it('keeps the other sections when one fails', async () => {
    jest.spyOn(console, 'error').mockImplementation(() => {});
    const api = apiWith();
    // Not a backend error: a broken answer that makes the section throw.
    api.spotInterruptions.r1 = { source: 'driver-log' } as never;
    try {
      await renderRunDetail(api, 'r1');
      expect(
        await screen.findByText('Executors lost could not be shown'),
      ).toBeInTheDocument();
      expect(
        screen.getByRole('list', { name: 'State history' }),
      ).toBeInTheDocument();
      expect(
        screen.getByRole('table', { name: 'Run facts' }),
      ).toBeInTheDocument();
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('says the losses are not available to a user who may not read the run', async () => {
    const api = apiWith().fail(
      'getSpotInterruptions',
      httpError(404, 'Job run r1 not found'),
    );
    await renderRunDetail(api, 'r1');
    expect(
      await screen.findByText(
        'Not available: the run is not found, or you may not see it.',
      ),
    ).toBeInTheDocument();
  });
});
