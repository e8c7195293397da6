import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import {
  anEntity,
  aRun,
  FakeEmrOnEksApi,
  httpError,
  Providers,
} from '../../__testUtils__';
import { EntityEmrJobRunsCard } from './EntityEmrJobRunsCard';
import { isEmrOnEksAvailable } from './isEmrOnEksAvailable';

describe('isEmrOnEksAvailable', () => {
  it('is true only for entities naming a tenant', () => {
    expect(isEmrOnEksAvailable(anEntity('Component', 'team-a'))).toBe(true);
    expect(isEmrOnEksAvailable(anEntity('Group', 'team-a'))).toBe(true);
    expect(isEmrOnEksAvailable(anEntity('Component'))).toBe(false);
    expect(isEmrOnEksAvailable(anEntity('Component', '  '))).toBe(false);
  });
});

describe('<EntityEmrJobRunsCard />', () => {
  it('explains the missing annotation on an entity without it', async () => {
    const api = new FakeEmrOnEksApi();
    await renderInTestApp(
      <Providers api={api} entity={anEntity('Component')}>
        <EntityEmrJobRunsCard />
      </Providers>,
    );
    expect(
      screen.getByText('emr-on-eks.spot-spark.io/tenant', { selector: 'code' }),
    ).toBeInTheDocument();
    expect(api.calls).toEqual([]);
  });

  it("lists a Component's own runs, by its entity ref", async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = [
      aRun({ id: 'r1', name: 'daily-sales' }),
      aRun({
        id: 'r2',
        name: 'other-job',
        entityRef: 'component:default/other',
      }),
    ];
    await renderInTestApp(
      <Providers api={api} entity={anEntity('Component', 'team-a')}>
        <EntityEmrJobRunsCard />
      </Providers>,
    );
    const table = await screen.findByRole('table', { name: 'EMR job runs' });
    const row = within(table).getByRole('row', { name: /daily-sales/ });
    expect(within(row).getByText('COMPLETED')).toBeInTheDocument();
    // The submitter's display name (the catalog's, in an app), the ref on hover.
    expect(within(row).getByText('alice')).toBeInTheDocument();
    expect(within(row).getByTitle('user:default/alice')).toBeInTheDocument();
    expect(within(row).getByText('emr-7.5.0-latest')).toBeInTheDocument();
    // The resources in one short cell, each pod's size on hover.
    expect(
      within(row).getByText('42 cores · 229.6 GiB · 2-10 Spot'),
    ).toHaveAttribute(
      'title',
      'Driver 2 cores, 5.6 GiB; 2-10 Spot executors of 4 cores, 22.4 GiB',
    );
    expect(within(row).getByText('5m 0s')).toBeInTheDocument();
    expect(screen.queryByText('other-job')).not.toBeInTheDocument();
    expect(api.callsOf('listJobRuns')[0][0]).toMatchObject({
      entityRef: 'component:default/daily-sales',
      limit: 20,
    });
  });

  it.each(['Group', 'Resource'])(
    "lists the tenant's runs on a %s",
    async kind => {
      const api = new FakeEmrOnEksApi();
      api.runs = [
        aRun({ id: 'r1', name: 'job-of-team-a' }),
        aRun({ id: 'r2', name: 'job-of-team-b', tenant: 'team-b' }),
      ];
      await renderInTestApp(
        <Providers api={api} entity={anEntity(kind, 'team-a')}>
          <EntityEmrJobRunsCard />
        </Providers>,
      );
      expect(await screen.findByText('job-of-team-a')).toBeInTheDocument();
      expect(screen.queryByText('job-of-team-b')).not.toBeInTheDocument();
      expect(api.callsOf('listTenantJobRuns')[0][0]).toBe('team-a');
      expect(api.callsOf('listJobRuns')).toEqual([]);
    },
  );

  it('shows progress while the runs load', async () => {
    const api = new FakeEmrOnEksApi().hold('listJobRuns');
    await renderInTestApp(
      <Providers api={api} entity={anEntity('Component', 'team-a')}>
        <EntityEmrJobRunsCard />
      </Providers>,
    );
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('offers to submit a run when there is none', async () => {
    const api = new FakeEmrOnEksApi();
    await renderInTestApp(
      <Providers api={api} entity={anEntity('Group', 'team-a')}>
        <EntityEmrJobRunsCard />
      </Providers>,
    );
    expect(await screen.findByText('No runs yet')).toBeInTheDocument();
    expect(
      await screen.findByRole('button', { name: 'Submit run' }),
    ).toBeInTheDocument();
    expect(screen.queryByText(/POST/)).not.toBeInTheDocument();
  });

  it('shows the error of a failed call', async () => {
    const api = new FakeEmrOnEksApi().fail(
      'listJobRuns',
      httpError(503, 'EMR is throttling us'),
    );
    await renderInTestApp(
      <Providers api={api} entity={anEntity('Component', 'team-a')}>
        <EntityEmrJobRunsCard />
      </Providers>,
    );
    expect(
      await screen.findByText('EMR is throttling us', { selector: 'p' }),
    ).toBeInTheDocument();
  });

  it('says the runs are not available when the tenant is hidden (404)', async () => {
    const api = new FakeEmrOnEksApi().fail('listTenantJobRuns', httpError(404));
    await renderInTestApp(
      <Providers api={api} entity={anEntity('Group', 'team-a')}>
        <EntityEmrJobRunsCard />
      </Providers>,
    );
    expect(
      await screen.findByText(
        'Tenant team-a does not exist, or you may not see its job runs.',
      ),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(
        screen.queryByRole('button', { name: 'Next page' }),
      ).not.toBeInTheDocument(),
    );
  });
});
