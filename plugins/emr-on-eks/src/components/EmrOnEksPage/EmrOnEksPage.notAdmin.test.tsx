import { renderInTestApp } from '@backstage/test-utils';
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import {
  aCluster,
  aTenant,
  FakeEmrOnEksApi,
  fakePermissionApi,
  Providers,
} from '../../__testUtils__';
import { EmrOnEksPage } from './EmrOnEksPage';

// A file of its own: usePermission keeps an answer per permission for the
// whole file (so one API for the file, whose answers the tests can wait
// for). Here the caller is a team member, who may not read clusters.
const permissions = fakePermissionApi(
  permission => permission !== 'emr-on-eks.cluster.read',
);

async function renderAsTeamMember(api: FakeEmrOnEksApi, path: string) {
  await renderInTestApp(
    <Providers api={api} permissions={permissions}>
      <Routes>
        <Route path="/emr-on-eks/*" element={<EmrOnEksPage />} />
      </Routes>
    </Providers>,
    { routeEntries: [path] },
  );
  await waitFor(() =>
    expect(permissions.answered).toContainEqual(
      expect.objectContaining({
        permission: 'emr-on-eks.cluster.read',
        allowed: false,
      }),
    ),
  );
  await act(async () => {});
}

function anApi() {
  const api = new FakeEmrOnEksApi();
  api.tenants = [aTenant()];
  api.clusters = [aCluster()];
  return api;
}

describe('<EmrOnEksPage /> for who may not read the clusters', () => {
  it('has no Clusters tab', async () => {
    const api = anApi();
    await renderAsTeamMember(api, '/emr-on-eks');
    expect(
      await screen.findByRole('table', { name: 'Tenants' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Tenants' })).toBeInTheDocument();
    expect(
      screen.queryByRole('tab', { name: 'Clusters' }),
    ).not.toBeInTheDocument();
    expect(api.callsOf('listClusters')).toEqual([]);
  });

  it('says the clusters are not available at their URL, and shows nothing of them', async () => {
    const api = anApi();
    await renderAsTeamMember(api, '/emr-on-eks/clusters');
    expect(
      await screen.findByText(/Clusters are not available/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Clusters' }),
    ).not.toBeInTheDocument();
    // Not the tenants under the clusters' URL either.
    expect(
      screen.queryByRole('table', { name: 'Tenants' }),
    ).not.toBeInTheDocument();
    expect(screen.queryByText('shared')).not.toBeInTheDocument();
    expect(api.callsOf('listClusters')).toEqual([]);
    // The way back to what they may see.
    expect(
      screen.getByRole('link', { name: 'Show the tenants' }),
    ).toHaveAttribute('href', '/emr-on-eks');
  });

  it('leads from the clusters’ URL back to the tenants', async () => {
    const api = anApi();
    const user = userEvent.setup();
    await renderAsTeamMember(api, '/emr-on-eks/clusters?cluster=shared');
    await user.click(
      await screen.findByRole('link', { name: 'Show the tenants' }),
    );
    expect(
      await screen.findByRole('table', { name: 'Tenants' }),
    ).toBeInTheDocument();
  });
});
