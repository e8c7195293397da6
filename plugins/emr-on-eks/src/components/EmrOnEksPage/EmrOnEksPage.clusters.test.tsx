import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import {
  aCluster,
  aNotReadyCluster,
  aTenant,
  FakeEmrOnEksApi,
  fakePermissionApi,
  Providers,
} from '../../__testUtils__';
import { EmrOnEksPage } from './EmrOnEksPage';

// A file of its own: usePermission keeps an answer per permission for the
// whole file. Here the caller is a platform admin.
async function renderAsAdmin(api: FakeEmrOnEksApi, path: string) {
  await renderInTestApp(
    <Providers api={api} permissions={fakePermissionApi()}>
      {/* Mounted as the example app mounts it. */}
      <Routes>
        <Route path="/emr-on-eks/*" element={<EmrOnEksPage />} />
      </Routes>
    </Providers>,
    { routeEntries: [path] },
  );
}

function anApi() {
  const api = new FakeEmrOnEksApi();
  api.tenants = [aTenant()];
  api.clusters = [aCluster(), aNotReadyCluster()];
  return api;
}

describe('<EmrOnEksPage /> for a platform admin', () => {
  it('shows the tenants at the page’s root, and the clusters on their tab', async () => {
    const api = anApi();
    const user = userEvent.setup();
    await renderAsAdmin(api, '/emr-on-eks');
    expect(
      await screen.findByRole('table', { name: 'Tenants' }),
    ).toBeInTheDocument();
    const clustersTab = await screen.findByRole('tab', { name: 'Clusters' });
    expect(screen.getByRole('tab', { name: 'Tenants' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    // The clusters are asked for only on their tab.
    expect(api.callsOf('listClusters')).toEqual([]);
    // The tab's arrival once the permission is known keeps the tenants
    // list as it was: no second request.
    expect(api.callsOf('listTenants')).toHaveLength(1);

    await user.click(clustersTab);
    const table = await screen.findByRole('table', { name: 'Clusters' });
    expect(
      within(table).getByRole('row', { name: /analytics/ }),
    ).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Clusters' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    expect(
      screen.queryByRole('table', { name: 'Tenants' }),
    ).not.toBeInTheDocument();
  });

  it('opens the Clusters tab from its own URL, with a cluster’s checks', async () => {
    await renderAsAdmin(anApi(), '/emr-on-eks/clusters?cluster=shared');
    expect(
      await screen.findByRole('list', { name: 'Checks of shared' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Clusters' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
  });
});
