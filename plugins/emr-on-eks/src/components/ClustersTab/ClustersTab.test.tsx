import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  aCheck,
  aCluster,
  aNotReadyCluster,
  blobText,
  catchDownloads,
  currentSearch,
  FakeEmrOnEksApi,
  httpError,
  Providers,
} from '../../__testUtils__';
import { ClustersTab } from './ClustersTab';

// jsdom has no object URLs; the download test puts its own in place.
const { createObjectURL, revokeObjectURL } = URL;

afterEach(() => {
  jest.restoreAllMocks();
  Object.assign(URL, { createObjectURL, revokeObjectURL });
});

async function renderTab(api: FakeEmrOnEksApi, routeEntries?: string[]) {
  await renderInTestApp(
    <Providers api={api}>
      <ClustersTab />
    </Providers>,
    { routeEntries },
  );
}

/** Two clusters: `shared` ready (direct, IRSA), `analytics` not (GitOps, Pod Identity, own role). */
function twoClusters() {
  const api = new FakeEmrOnEksApi();
  api.clusters = [aCluster(), aNotReadyCluster()];
  return api;
}

/** Opens a cluster's bootstrap bundle; its dialog. */
async function openBundle(
  user: ReturnType<typeof userEvent.setup>,
  cluster: string,
) {
  await user.click(
    await screen.findByRole('button', {
      name: `Bootstrap bundle of ${cluster}`,
    }),
  );
  return screen.findByRole('dialog', {
    name: `Bootstrap bundle of ${cluster}`,
  });
}

/** The list items of a cluster's checks. */
async function checksOf(cluster: string) {
  const list = await screen.findByRole('list', {
    name: `Checks of ${cluster}`,
  });
  return within(list).getAllByRole('listitem');
}

describe('<ClustersTab />', () => {
  it('lists the clusters with account, region, EKS cluster, identity, mode, role and readiness', async () => {
    await renderTab(twoClusters());
    const table = await screen.findByRole('table', { name: 'Clusters' });
    const shared = within(table).getByRole('row', { name: /shared/ });
    expect(within(shared).getByText('Ready')).toBeInTheDocument();
    expect(within(shared).getByText('123456789012')).toBeInTheDocument();
    expect(within(shared).getByText('eu-west-1')).toBeInTheDocument();
    expect(within(shared).getByText('shared-eks')).toBeInTheDocument();
    expect(within(shared).getByText('IRSA')).toBeInTheDocument();
    expect(within(shared).getByText('Direct')).toBeInTheDocument();
    expect(within(shared).getByText('The backend’s own')).toBeInTheDocument();
    expect(within(shared).getByText('5 minutes ago')).toBeInTheDocument();

    const analytics = within(table).getByRole('row', { name: /analytics/ });
    expect(within(analytics).getByText('Not ready')).toBeInTheDocument();
    expect(within(analytics).getByText('Pod Identity')).toBeInTheDocument();
    expect(within(analytics).getByText('GitOps')).toBeInTheDocument();
    expect(
      within(analytics).getByRole('button', {
        name: 'Copy role ARN of analytics',
      }),
    ).toBeInTheDocument();
  });

  it('shows the checks of the first cluster that is not ready, in order, with status words and what to do', async () => {
    const api = twoClusters();
    // Out of order from the backend: shown in the order of CLUSTER_CHECKS.
    api.clusters[1].checks.reverse();
    await renderTab(api);
    const items = await checksOf('analytics');
    expect(items).toHaveLength(10);
    expect(items[0]).toHaveTextContent('The cluster’s AWS credentials');
    expect(items[0]).toHaveTextContent('Passed');

    const nodePools = items[6];
    expect(nodePools).toHaveTextContent(
      'Node pools for Spot executors and On-Demand drivers',
    );
    // Not colour alone: the word beside the icon.
    expect(within(nodePools).getByText('Failed')).toBeInTheDocument();
    expect(nodePools).toHaveTextContent('No NodePool admits executors');
    expect(nodePools).toHaveTextContent(
      'kubectl apply -k bootstrap/analytics/',
    );
    expect(
      within(nodePools).getByRole('button', {
        name: 'Copy what to do: Node pools for Spot executors and On-Demand drivers',
      }),
    ).toBeInTheDocument();
    expect(within(items[3]).getByText('Skipped')).toBeInTheDocument();
    expect(items[3]).toHaveTextContent('Pod Identity needs no OIDC provider');
    // A passed check has nothing to do.
    expect(within(items[0]).queryByRole('button')).not.toBeInTheDocument();
  });

  it('shows another cluster’s checks on a click on its row, and keeps it in the URL', async () => {
    const api = twoClusters();
    api.clusters[0].checks[9] = aCheck('assets-bucket', {
      status: 'warn',
      detail: 'The bucket shared-emr-assets allows public ACLs',
      advice:
        'aws s3api put-public-access-block --bucket shared-emr-assets --public-access-block-configuration BlockPublicAcls=true',
    });
    const user = userEvent.setup();
    await renderTab(api);
    // The row of the cluster shown is marked: the first one not ready.
    const rowOf = (name: string) =>
      screen
        .getByRole('button', { name: `Show checks of cluster ${name}` })
        .closest('tr')!;
    await checksOf('analytics');
    expect(rowOf('analytics')).toHaveAttribute('aria-current', 'true');
    expect(rowOf('shared')).not.toHaveAttribute('aria-current');
    await user.click(
      await screen.findByRole('button', {
        name: 'Show checks of cluster shared',
      }),
    );
    expect(
      currentSearch(screen.getByLabelText('location')).get('cluster'),
    ).toBe('shared');
    expect(rowOf('shared')).toHaveAttribute('aria-current', 'true');
    expect(rowOf('analytics')).not.toHaveAttribute('aria-current');
    const items = await checksOf('shared');
    expect(within(items[9]).getByText('Warning')).toBeInTheDocument();
    expect(items[9]).toHaveTextContent('aws s3api put-public-access-block');
    expect(
      screen.queryByRole('list', { name: 'Checks of analytics' }),
    ).not.toBeInTheDocument();
  });

  it('says so when the URL names a cluster that is not configured', async () => {
    await renderTab(twoClusters(), ['/?cluster=secret']);
    expect(
      await screen.findByText('Cluster secret is not configured.'),
    ).toBeInTheDocument();
  });

  it('runs the checks again on request, showing that they run while the table stays', async () => {
    const api = twoClusters();
    const user = userEvent.setup();
    await renderTab(api);
    await user.click(
      await screen.findByRole('button', { name: 'Run checks again' }),
    );
    await waitFor(() =>
      expect(api.callsOf('listClusters')).toEqual([[{}], [{ refresh: true }]]),
    );
    expect(
      await screen.findByRole('button', { name: 'Run checks again' }),
    ).toBeEnabled();
    // The new results: checked just now.
    expect(
      within(screen.getByRole('table', { name: 'Clusters' })).getAllByText(
        'just now',
      ),
    ).toHaveLength(2);
  });

  it('disables the button and says the checks are running until they answer', async () => {
    const api = twoClusters();
    const user = userEvent.setup();
    await renderTab(api);
    const button = await screen.findByRole('button', {
      name: 'Run checks again',
    });
    api.hold('listClusters');
    await user.click(button);
    const running = await screen.findByRole('button', {
      name: 'Running checks…',
    });
    expect(running).toBeDisabled();
    // Said to screen readers too.
    expect(screen.getByText('Running the checks again')).toHaveAttribute(
      'role',
      'status',
    );
    expect(screen.getByRole('table', { name: 'Clusters' })).toBeInTheDocument();
  });

  describe('the bootstrap bundle', () => {
    it('lists every file with its YAML, and downloads the manifests as one YAML', async () => {
      const saved = catchDownloads();
      const api = twoClusters();
      const user = userEvent.setup();
      await renderTab(api, ['/?cluster=shared']);
      const dialog = await openBundle(user, 'shared');
      const file = await within(dialog).findByRole('region', {
        name: 'karpenter/nodepool-spot-executors.yaml',
      });
      await waitFor(() => expect(file).toHaveTextContent('kind: NodePool'));
      expect(
        within(file).getByRole('button', {
          name: 'Copy karpenter/nodepool-spot-executors.yaml',
        }),
      ).toBeInTheDocument();
      expect(
        within(dialog).getByRole('region', { name: 'kustomization.yaml' }),
      ).toBeInTheDocument();
      expect(api.callsOf('getClusterBootstrap')).toEqual([['shared', {}]]);

      await user.click(
        within(dialog).getByRole('button', { name: 'Download as one YAML' }),
      );
      expect(saved).toHaveLength(1);
      expect(saved[0].name).toBe('shared-bootstrap.yaml');
      const text = await blobText(saved[0].blob);
      expect(text).toContain(
        '# Source: karpenter/nodepool-spot-executors.yaml\napiVersion: karpenter.sh/v1\nkind: NodePool',
      );
      expect(text).not.toContain('Kustomization');

      await user.click(within(dialog).getByRole('button', { name: 'Close' }));
      await waitFor(() =>
        expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
      );
    });

    it('does not write a cluster in direct mode, and says why', async () => {
      const api = twoClusters();
      const user = userEvent.setup();
      await renderTab(api, ['/?cluster=shared']);
      const dialog = await openBundle(user, 'shared');
      const write = within(dialog).getByRole('button', {
        name: 'Write to the GitOps repository',
      });
      expect(write).toBeDisabled();
      expect(write.parentElement).toHaveAttribute(
        'title',
        expect.stringContaining('This cluster is in direct mode'),
      );
      expect(api.callsOf('getClusterBootstrap')).toEqual([['shared', {}]]);
    });

    it('writes a GitOps cluster’s bundle after confirmation, and says where', async () => {
      const api = twoClusters();
      const user = userEvent.setup();
      await renderTab(api, ['/?cluster=analytics']);
      const dialog = await openBundle(user, 'analytics');
      await within(dialog).findByRole('region', { name: 'kustomization.yaml' });
      await user.click(
        within(dialog).getByRole('button', {
          name: 'Write to the GitOps repository',
        }),
      );
      const confirm = screen.getByRole('dialog', {
        name: 'Write the bundle of analytics to the GitOps repository?',
      });
      // Nothing written before the confirmation.
      expect(api.callsOf('getClusterBootstrap')).toEqual([['analytics', {}]]);
      await user.click(within(confirm).getByRole('button', { name: 'Write' }));
      await waitFor(() =>
        expect(api.callsOf('getClusterBootstrap')).toEqual([
          ['analytics', {}],
          ['analytics', { write: true }],
        ]),
      );
      await waitFor(() =>
        expect(
          screen.queryByRole('dialog', { name: /^Write the bundle/ }),
        ).not.toBeInTheDocument(),
      );
      expect(within(dialog).getByRole('status')).toHaveTextContent(
        'Written to analytics/bootstrap',
      );
    });

    it('shows why the bundle could not be rendered', async () => {
      const api = twoClusters().fail(
        'getClusterBootstrap',
        httpError(500, 'Karpenter settings of shared are invalid'),
      );
      const user = userEvent.setup();
      await renderTab(api, ['/?cluster=shared']);
      const dialog = await openBundle(user, 'shared');
      expect(
        await within(dialog).findByText(
          'Karpenter settings of shared are invalid',
          { selector: 'p' },
        ),
      ).toBeInTheDocument();
      expect(
        within(dialog).getByRole('button', { name: 'Download as one YAML' }),
      ).toBeDisabled();
    });
  });

  it('shows progress while the clusters load', async () => {
    await renderTab(new FakeEmrOnEksApi().hold('listClusters'));
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Run checks again' }),
    ).toBeDisabled();
  });

  it('says when no cluster is configured', async () => {
    await renderTab(new FakeEmrOnEksApi());
    expect(
      await screen.findByText('No clusters are configured'),
    ).toBeInTheDocument();
  });

  it('shows the error of a failed list, and can try again', async () => {
    const api = new FakeEmrOnEksApi().fail(
      'listClusters',
      httpError(500, 'database is down'),
    );
    await renderTab(api);
    expect(
      await screen.findByText('database is down', { selector: 'p' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Run checks again' }),
    ).toBeEnabled();
  });

  it('says the clusters are not for the caller when the backend hides them', async () => {
    const api = new FakeEmrOnEksApi().fail('listClusters', httpError(404));
    await renderTab(api);
    expect(
      await screen.findByText(/Clusters are not available/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Run checks again' }),
    ).not.toBeInTheDocument();
  });
});
