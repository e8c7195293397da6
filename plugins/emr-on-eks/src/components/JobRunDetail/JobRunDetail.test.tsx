import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  aRun,
  aTenant,
  FakeEmrOnEksApi,
  Providers,
} from '../../__testUtils__/fakes';
import { JobRunsPanel } from '../JobRunsPanel';

const failed = aRun({
  id: 'r1',
  state: 'FAILED',
  failureReason: 'USER_ERROR',
  stateDetails:
    'Driver exited with code 1: FileNotFoundException s3://data-lake/x',
});

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
      },
      startJobRun: { name: 'daily-sales', virtualClusterId: 'vc123' },
    };
    const { dialog } = await openDetail(api);

    expect(within(dialog).getByText('USER_ERROR')).toBeInTheDocument();
    expect(
      within(dialog).getAllByText(/Driver exited with code 1/)[0],
    ).toBeInTheDocument();
    const history = within(dialog).getByRole('table', {
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

  it('closes with its close button', async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = [failed];
    const { user, dialog } = await openDetail(api);
    await user.click(
      within(dialog).getByRole('button', { name: 'Close details' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });
});
