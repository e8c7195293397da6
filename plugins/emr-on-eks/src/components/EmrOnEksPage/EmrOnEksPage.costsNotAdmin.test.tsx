import { renderInTestApp } from '@backstage/test-utils';
import { act, screen, waitFor } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import {
  aCostOverview,
  aTenant,
  FakeEmrOnEksApi,
  fakePermissionApi,
  Providers,
} from '../../__testUtils__';
import { EmrOnEksPage } from './EmrOnEksPage';

// A file of its own: usePermission keeps an answer per permission for the
// whole file. Here the caller is a team member (bob), who may read
// neither the clusters nor every tenant's costs.
const permissions = fakePermissionApi(
  permission =>
    permission !== 'emr-on-eks.cluster.read' &&
    permission !== 'emr-on-eks.cost.summary.read',
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
        permission: 'emr-on-eks.cost.summary.read',
        allowed: false,
      }),
    ),
  );
  await act(async () => {});
}

function anApi() {
  const api = new FakeEmrOnEksApi();
  api.tenants = [aTenant()];
  api.costOverviews['2026-11'] = aCostOverview();
  return api;
}

describe('<EmrOnEksPage /> for who may not read every tenant’s costs', () => {
  it('has no Costs tab, and asks for no overview', async () => {
    const api = anApi();
    await renderAsTeamMember(api, '/emr-on-eks');
    expect(
      await screen.findByRole('table', { name: 'Tenants' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('tab', { name: 'Costs' })).toBeNull();
    expect(api.callsOf('getCostOverview')).toEqual([]);
  });

  it('says the costs are not available at their URL, and shows nothing of them', async () => {
    const api = anApi();
    await renderAsTeamMember(api, '/emr-on-eks/costs?month=2026-11');
    expect(
      await screen.findByText(/Costs are not available/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table', { name: 'Costs by tenant' })).toBeNull();
    expect(screen.queryByText('tenant-0001')).toBeNull();
    expect(api.callsOf('getCostOverview')).toEqual([]);
    expect(
      screen.getByRole('link', { name: 'Show the tenants' }),
    ).toHaveAttribute('href', '/emr-on-eks');
  });
});
