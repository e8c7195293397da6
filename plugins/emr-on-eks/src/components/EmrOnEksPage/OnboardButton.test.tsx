import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import {
  aTenant,
  FakeEmrOnEksApi,
  fakePermissionApi,
  Providers,
} from '../../__testUtils__';
import { EmrOnEksPage } from './EmrOnEksPage';

// A file of its own: usePermission keeps an answer per permission for the
// whole file, and the page's other tests are allowed to onboard.
describe('<EmrOnEksPage /> onboarding', () => {
  it('offers onboarding only to who may onboard a tenant', async () => {
    const api = new FakeEmrOnEksApi();
    api.tenants = [aTenant()];
    const permissions = fakePermissionApi(
      permission => permission !== 'emr-on-eks.tenant.create',
    );
    await renderInTestApp(
      <Providers api={api} permissions={permissions}>
        <EmrOnEksPage />
      </Providers>,
    );
    expect(
      await screen.findByRole('table', { name: 'Tenants' }),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(permissions.answered).toContainEqual(
        expect.objectContaining({
          permission: 'emr-on-eks.tenant.create',
          allowed: false,
        }),
      ),
    );
    expect(
      screen.queryByRole('button', { name: 'Onboard a team' }),
    ).not.toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'Tenants' }),
    ).toBeInTheDocument();
  });
});
