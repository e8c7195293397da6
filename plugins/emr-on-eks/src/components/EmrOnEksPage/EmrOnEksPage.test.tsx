import { renderInTestApp } from '@backstage/test-utils';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  aTenant,
  currentSearch,
  FakeEmrOnEksApi,
  fakePermissionApi,
  httpError,
  Providers,
  readOnlyPolicy,
} from '../../__testUtils__';
import type { Entity } from '@backstage/catalog-model';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { EmrOnEksPage } from './EmrOnEksPage';

function failingTenant() {
  const tenant = aTenant({ name: 'team-b' });
  tenant.status = {
    ...tenant.status,
    phase: 'Failed',
    message: 'iam-role: AccessDenied',
    virtualClusterId: undefined,
    steps: tenant.status.steps.map(step => {
      if (step.name === 'iam-role') {
        return {
          ...step,
          state: 'Failed' as const,
          message:
            'AccessDenied: not authorized to perform iam:CreateRole\n    at IamGateway.createRole (gateways/iam.ts:42)',
        };
      }
      return step.name === 'kubernetes-objects'
        ? step
        : { ...step, state: 'Pending' as const, message: 'waiting' };
    }),
  };
  return tenant;
}

async function renderPage(
  api: FakeEmrOnEksApi,
  routeEntries?: string[],
  catalogApi?: typeof catalogApiRef.T,
) {
  const permissions = fakePermissionApi(readOnlyPolicy);
  await renderInTestApp(
    <Providers api={api} permissions={permissions} catalogApi={catalogApi}>
      <EmrOnEksPage />
    </Providers>,
    { routeEntries },
  );
  return permissions;
}

describe('<EmrOnEksPage />', () => {
  it('lists the tenants with phase, step progress, release, cluster, role and quota', async () => {
    const api = new FakeEmrOnEksApi();
    api.tenants = [aTenant(), failingTenant()];
    await renderPage(api);

    const table = await screen.findByRole('table', { name: 'Tenants' });
    const rowA = within(table).getByRole('row', { name: /team-a/ });
    expect(within(rowA).getByText('Ready')).toBeInTheDocument();
    expect(within(rowA).getByText('5/5 steps')).toBeInTheDocument();
    expect(
      within(rowA).getByRole('progressbar', {
        name: 'Reconcile steps of team-a',
      }),
    ).toHaveAttribute('aria-valuenow', '100');
    // Ids in monospace, each with a button that copies it.
    expect(within(rowA).getByText('vc123').tagName).toBe('CODE');
    expect(
      within(rowA).getByRole('button', {
        name: 'Copy virtual cluster id of team-a',
      }),
    ).toBeInTheDocument();
    expect(
      within(rowA).getByText('arn:aws:iam::123456789012:role/emr-tenant-team-a')
        .tagName,
    ).toBe('CODE');
    expect(
      within(rowA).getByRole('button', {
        name: 'Copy execution role ARN of team-a',
      }),
    ).toBeInTheDocument();
    // The owner's display name, its ref on hover.
    expect(within(rowA).getByTitle('group:default/team-a')).toHaveTextContent(
      'team-a',
    );
    expect(within(rowA).getByText('emr-7.5.0-latest')).toBeInTheDocument();
    // One quota limit a line.
    expect(within(rowA).getByText('requests.cpu 32')).toBeInTheDocument();
    expect(within(rowA).getByText('requests.memory 128Gi')).toBeInTheDocument();

    const rowB = within(table).getByRole('row', { name: /team-b/ });
    expect(within(rowB).getByText('Failed')).toBeInTheDocument();
    expect(within(rowB).getByText('1/5 steps')).toBeInTheDocument();
  });

  it('has a title, and a button to onboard a team with the template', async () => {
    const api = new FakeEmrOnEksApi();
    api.tenants = [aTenant()];
    await renderPage(api);
    expect(
      await screen.findByRole('heading', { name: 'Tenants' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('button', { name: 'Onboard a team' }),
    ).toHaveAttribute(
      'href',
      '/create/templates/default/emr-tenant-onboarding',
    );
  });

  it('opens a tenant on a click anywhere in its row, not on a copy', async () => {
    const api = new FakeEmrOnEksApi();
    api.tenants = [aTenant(), failingTenant()];
    const user = userEvent.setup();
    await renderPage(api);
    const table = await screen.findByRole('table', { name: 'Tenants' });
    const rowB = within(table).getByRole('row', { name: /team-b/ });

    await user.click(
      within(rowB).getByRole('button', {
        name: 'Copy execution role ARN of team-b',
      }),
    );
    expect(currentSearch(screen.getByLabelText('location')).get('tenant')).toBe(
      null,
    );

    await user.click(within(rowB).getByText('1/5 steps'));
    expect(currentSearch(screen.getByLabelText('location')).get('tenant')).toBe(
      'team-b',
    );
    expect(
      await screen.findByRole('table', { name: 'Reconcile steps' }),
    ).toBeInTheDocument();
  });

  it('shows an empty state when the user may see no tenant', async () => {
    const api = new FakeEmrOnEksApi();
    await renderPage(api);
    expect(await screen.findByText('No tenants')).toBeInTheDocument();
  });

  it('shows progress while the tenants load', async () => {
    const api = new FakeEmrOnEksApi().hold('listTenants');
    await renderPage(api);
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('shows the error of a failed list', async () => {
    const api = new FakeEmrOnEksApi().fail(
      'listTenants',
      httpError(500, 'database is down'),
    );
    await renderPage(api);
    expect(
      await screen.findByText('database is down', { selector: 'p' }),
    ).toBeInTheDocument();
  });

  it('pages through the tenants', async () => {
    const api = new FakeEmrOnEksApi();
    api.tenants = Array.from({ length: 60 }, (_, i) =>
      aTenant({ name: `t${String(i).padStart(2, '0')}` }),
    );
    const user = userEvent.setup();
    await renderPage(api);
    const tenant = (name: string) => ({ name: `Show tenant ${name}` });
    expect(
      await screen.findByRole('button', tenant('t00')),
    ).toBeInTheDocument();
    await user.click(
      screen.getByRole('button', { name: 'Next page of tenants' }),
    );
    expect(
      await screen.findByRole('button', tenant('t55')),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', tenant('t00'))).not.toBeInTheDocument();
    await user.click(
      screen.getByRole('button', { name: 'Previous page of tenants' }),
    );
    expect(
      await screen.findByRole('button', tenant('t00')),
    ).toBeInTheDocument();
    expect(api.callsOf('listTenants').map(([q]) => q)).toEqual([
      { limit: 50, cursor: undefined },
      { limit: 50, cursor: '50' },
      { limit: 50, cursor: undefined },
    ]);
  });

  it('shows a selected tenant with its failed step message first, its steps and audit trail', async () => {
    const api = new FakeEmrOnEksApi();
    api.tenants = [aTenant(), failingTenant()];
    api.audit['team-b'] = [
      {
        id: 2,
        tenant: 'team-b',
        tenantUid: 'uid-team-b',
        actor: 'system:reconciler',
        action: 'tenant.reconcile',
        result: 'failed',
        message: 'iam-role: AccessDenied',
        generation: 1,
        createdAt: '2026-11-20T10:00:00.000Z',
      },
    ];
    const user = userEvent.setup();
    await renderPage(api);
    await user.click(
      await screen.findByRole('button', { name: 'Show tenant team-b' }),
    );

    expect(currentSearch(screen.getByLabelText('location')).get('tenant')).toBe(
      'team-b',
    );
    // The table marks the row whose details are shown.
    expect(
      screen.getByRole('button', { name: 'Show tenant team-b' }).closest('tr'),
    ).toHaveAttribute('aria-current', 'true');
    const alerts = await screen.findAllByRole('alert');
    expect(alerts[0]).toHaveTextContent('Step iam-role failed');
    expect(alerts[0]).toHaveTextContent(
      'AccessDenied: not authorized to perform iam:CreateRole',
    );
    // The stack is not the summary: it stays behind "Full message".
    const summaryLine = within(alerts[0]).getByText(
      'AccessDenied: not authorized to perform iam:CreateRole',
    );
    expect(summaryLine.textContent).not.toContain('IamGateway');
    expect(within(alerts[0]).getByText('Full message')).toBeInTheDocument();

    const steps = screen.getByRole('table', { name: 'Reconcile steps' });
    expect(within(steps).getAllByRole('row')).toHaveLength(6);
    expect(within(steps).getByText('kubernetes-objects')).toBeInTheDocument();

    const audit = await screen.findByRole('table', {
      name: 'Audit trail of team-b',
    });
    const record = within(audit).getByRole('row', { name: /tenant.reconcile/ });
    expect(within(record).getByText('system:reconciler')).toBeInTheDocument();
    expect(within(record).getByText('failed')).toBeInTheDocument();
    expect(
      within(record).getByText('iam-role: AccessDenied'),
    ).toBeInTheDocument();
  });

  it('opens the tenant named in the URL, and says when it is not visible', async () => {
    const api = new FakeEmrOnEksApi();
    api.tenants = [aTenant()];
    await renderPage(api, ['/?tenant=secret-team']);
    expect(
      await screen.findByText(
        'Tenant secret-team is not found, or you may not see it.',
      ),
    ).toBeInTheDocument();
  });

  it('retries a reconcile after confirmation', async () => {
    const api = new FakeEmrOnEksApi();
    api.tenants = [failingTenant()];
    const user = userEvent.setup();
    await renderPage(api, ['/?tenant=team-b']);

    await user.click(
      await screen.findByRole('button', { name: 'Retry reconcile' }),
    );
    const dialog = screen.getByRole('dialog', {
      name: 'Reconcile team-b now?',
    });
    await user.click(within(dialog).getByRole('button', { name: 'Reconcile' }));

    await waitFor(() =>
      expect(api.callsOf('reconcileTenant')).toEqual([['team-b']]),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    // The tenant and its audit trail are read again after the reconcile.
    await waitFor(() => expect(api.callsOf('getTenant')).toHaveLength(2));
    expect(api.callsOf('listTenantAudit').length).toBeGreaterThanOrEqual(2);
  });

  it('offboards only once the tenant name is typed', async () => {
    const api = new FakeEmrOnEksApi();
    api.tenants = [aTenant()];
    const user = userEvent.setup();
    await renderPage(api, ['/?tenant=team-a']);

    await user.click(await screen.findByRole('button', { name: 'Offboard' }));
    const dialog = screen.getByRole('dialog', { name: 'Offboard team-a?' });
    const confirm = within(dialog).getByRole('button', { name: 'Offboard' });
    expect(confirm).toBeDisabled();

    await user.type(
      within(dialog).getByLabelText('Type team-a to confirm'),
      'team-',
    );
    expect(confirm).toBeDisabled();
    await user.type(
      within(dialog).getByLabelText('Type team-a to confirm'),
      'a',
    );
    expect(confirm).toBeEnabled();
    await user.click(confirm);

    await waitFor(() =>
      expect(api.callsOf('deleteTenant')).toEqual([['team-a']]),
    );
    expect(await screen.findAllByText('Deleting')).not.toHaveLength(0);
  });

  it('hides retry and offboard from who may not use them', async () => {
    const api = new FakeEmrOnEksApi();
    api.tenants = [aTenant({ name: 'team-ro' })];
    const permissions = await renderPage(api, ['/?tenant=team-ro']);
    expect(
      await screen.findByRole('table', { name: 'Reconcile steps' }),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(permissions.answered).toEqual(
        expect.arrayContaining([
          {
            permission: 'emr-on-eks.tenant.update',
            resourceRef: 'team-ro',
            allowed: false,
          },
          {
            permission: 'emr-on-eks.tenant.delete',
            resourceRef: 'team-ro',
            allowed: false,
          },
        ]),
      ),
    );
    await act(async () => {});
    expect(
      screen.queryByRole('button', { name: 'Retry reconcile' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Offboard' }),
    ).not.toBeInTheDocument();
  });

  describe("a catalog Resource that takes a tenant's name", () => {
    /** A Resource of that name, read by the catalog from `location`. */
    const resource = (name: string, location: string): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name,
        namespace: 'default',
        annotations: { 'backstage.io/managed-by-location': location },
      },
      spec: { type: 'emr-virtual-cluster', owner: 'group:default/team-b' },
    });
    const REGISTERED =
      'url:https://github.com/mallory/x/blob/main/catalog-info.yaml';

    it('is named in a warning above the tenants, with where it was registered', async () => {
      const api = new FakeEmrOnEksApi();
      api.tenants = [aTenant(), aTenant({ name: 'team-b' })];
      await renderPage(
        api,
        undefined,
        catalogApiMock({
          entities: [
            resource('team-a', REGISTERED),
            resource(
              'team-b',
              'emr-on-eks:http://localhost:7007/api/emr-on-eks/tenants/team-b',
            ),
          ],
        }),
      );

      expect(
        await screen.findByText(
          'Warning: A catalog entity takes the name of tenant team-a',
        ),
      ).toBeInTheDocument();
      const list = screen.getByRole('list', {
        name: "Catalog entities that take a tenant's name",
      });
      expect(within(list).getAllByRole('listitem')).toHaveLength(1);
      expect(list).toHaveTextContent(
        `Tenant team-a: resource:default/team-a, from ${REGISTERED}`,
      );
      expect(
        screen.getByRole('table', { name: 'Tenants' }),
      ).toBeInTheDocument();
    });

    it('says so when the catalog could not be asked, rather than nothing', async () => {
      const api = new FakeEmrOnEksApi();
      api.tenants = [aTenant()];
      await renderPage(
        api,
        undefined,
        catalogApiMock.mock({
          getEntities: async () => {
            throw new Error('catalog answered 503');
          },
        }),
      );
      expect(
        await screen.findByText(
          "The catalog could not be checked for entities that take a tenant's name",
          { exact: false },
        ),
      ).toBeInTheDocument();
      expect(screen.getByText('catalog answered 503')).toBeInTheDocument();
      expect(
        screen.getByRole('table', { name: 'Tenants' }),
      ).toBeInTheDocument();
    });
  });
});
