import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  aRun,
  FakeEmrOnEksApi,
  fakePermissionApi,
  Providers,
  readOnlyPolicy,
} from '../../__testUtils__';
import { JobRunsPanel } from '../JobRunsPanel';

const failed = aRun({
  id: 'r1',
  state: 'FAILED',
  failureReason: 'USER_ERROR',
  stateDetails: 'Driver exited with code 1',
});

/** The job-runs panel of team-a, with run r1's drawer opened from its row. */
async function openDetail(api: FakeEmrOnEksApi) {
  const user = userEvent.setup();
  await renderInTestApp(
    <Providers api={api}>
      <JobRunsPanel
        scope={{ kind: 'tenant', tenant: 'team-a' }}
        tenant="team-a"
        refreshIntervalMs={0}
      />
    </Providers>,
  );
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

describe('actions in the run drawer', () => {
  // A new run each time: the fake's cancel changes the run it keeps.
  const running = () =>
    aRun({ id: 'r1', state: 'RUNNING', finishedAt: undefined });

  it('cancels the run from the drawer and shows its new state', async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = [running()];
    const { user, dialog } = await openDetail(api);
    const actions = within(dialog).getByRole('group', { name: 'Run actions' });
    await user.click(
      await within(actions).findByRole('button', { name: 'Cancel run' }),
    );
    const confirm = screen.getByRole('dialog', { name: 'Cancel daily-sales?' });
    await user.click(
      within(confirm).getByRole('button', { name: 'Cancel run' }),
    );

    // The drawer is back in the accessibility tree once the dialog has gone.
    await waitFor(() =>
      expect(
        screen.queryByRole('dialog', {
          name: 'Cancel daily-sales?',
          hidden: true,
        }),
      ).not.toBeInTheDocument(),
    );
    const drawer = screen.getByRole('dialog', { name: 'Job run daily-sales' });
    const facts = within(drawer).getByRole('table', { name: 'Run facts' });
    expect(
      await within(facts).findByText('CANCEL_PENDING'),
    ).toBeInTheDocument();
    expect(api.callsOf('cancelJobRun')).toEqual([['r1']]);
    // No longer cancellable: the button goes.
    expect(
      within(drawer).queryByRole('button', { name: 'Cancel run' }),
    ).not.toBeInTheDocument();
  });

  it('cancels with the keyboard alone, and the drawer stays usable', async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = [running()];
    const { user, dialog } = await openDetail(api);
    const cancel = await within(dialog).findByRole('button', {
      name: 'Cancel run',
    });
    cancel.focus();
    // Open, Tab to the confirm button, confirm, and Tab on at once.
    await user.keyboard('{Enter}{Tab}{Tab}{Enter}{Tab}');
    await waitFor(() => expect(api.callsOf('cancelJobRun')).toEqual([['r1']]));
    await waitFor(() =>
      expect(
        screen.queryByRole('dialog', {
          name: 'Cancel daily-sales?',
          hidden: true,
        }),
      ).not.toBeInTheDocument(),
    );
    expect(
      screen.getByRole('dialog', { name: 'Job run daily-sales' }),
    ).toBeInTheDocument();
    expect(screen.queryByText(/could not be shown/)).not.toBeInTheDocument();
  });

  it('re-runs from the drawer with the stored request', async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = [failed];
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
        retries: 1,
      },
    };
    const { user, dialog } = await openDetail(api);
    await user.click(
      await within(dialog).findByRole('button', { name: 'Re-run' }),
    );
    await user.click(
      within(
        screen.getByRole('dialog', { name: 'Re-run daily-sales?' }),
      ).getByRole('button', { name: 'Re-run' }),
    );
    await waitFor(() => expect(api.callsOf('submitJobRun')).toHaveLength(1));
    const [[tenant, request]] = api.callsOf('submitJobRun') as Array<
      [string, { retries: number; idempotencyKey: string }]
    >;
    expect(tenant).toBe('team-a');
    expect(request.retries).toBe(1);
    expect(request.idempotencyKey).toBeTruthy();
  });

  it('offers no cancel or re-run to a user who may only read', async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = [{ ...running(), tenant: 'team-ro' }];
    await renderInTestApp(
      <Providers api={api} permissions={fakePermissionApi(readOnlyPolicy)}>
        <JobRunsPanel
          scope={{ kind: 'tenant', tenant: 'team-ro' }}
          tenant="team-ro"
          refreshIntervalMs={0}
        />
      </Providers>,
      { routeEntries: ['/?run=r1'] },
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Job run daily-sales',
    });
    const actions = within(dialog).getByRole('group', { name: 'Run actions' });
    expect(
      within(actions).getByRole('button', { name: 'Open Spark UI' }),
    ).toBeInTheDocument();
    expect(within(actions).getAllByRole('button')).toHaveLength(1);
  });
});
