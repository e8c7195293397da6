import { renderInTestApp } from '@backstage/test-utils';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  aTenant,
  FakeEmrOnEksApi,
  fakePermissionApi,
  httpError,
  Providers,
} from '../../__testUtils__';
import { TenantDetail } from './TenantDetail';

/**
 * `team-ro` may not be changed at all; tenants named `platform-*` are the
 * ones whose guardrails the user may change (usePermission caches answers per
 * tenant for the whole file, so each role gets its own tenants).
 */
const policy = (permission: string, resourceRef?: string) => {
  if (resourceRef === 'team-ro') {
    return false;
  }
  if (permission === 'emr-on-eks.tenant.guardrails.update') {
    return !!resourceRef?.startsWith('platform-');
  }
  return true;
};

const GUARDED_LABELS = [
  'Owner',
  'Quota (JSON)',
  'LimitRange (JSON)',
  'Network (JSON)',
  'Data access (JSON)',
  'Priority tier',
  'Pod Security',
];

async function renderDetail(api: FakeEmrOnEksApi, name: string) {
  const permissions = fakePermissionApi(policy);
  const onChanged = jest.fn();
  await renderInTestApp(
    <Providers api={api} permissions={permissions}>
      <TenantDetail name={name} onChanged={onChanged} />
    </Providers>,
  );
  return { permissions, onChanged };
}

async function openEditor(name: string) {
  const user = userEvent.setup();
  await user.click(
    await screen.findByRole('button', { name: `Edit tenant ${name}` }),
  );
  const dialog = screen.getByRole('dialog', { name: `Edit tenant ${name}` });
  return { user, dialog };
}

describe('<TenantEditDialog />', () => {
  it('shows a member the guarded fields read-only and saves a description change', async () => {
    const api = new FakeEmrOnEksApi();
    api.tenants = [aTenant({ name: 'team-a' })];
    const spec = api.tenants[0].spec;
    const { permissions, onChanged } = await renderDetail(api, 'team-a');
    const { user, dialog } = await openEditor('team-a');

    await waitFor(() =>
      expect(permissions.answered).toContainEqual({
        permission: 'emr-on-eks.tenant.guardrails.update',
        resourceRef: 'team-a',
        allowed: false,
      }),
    );
    await act(async () => {});
    for (const label of GUARDED_LABELS) {
      expect(within(dialog).getByLabelText(label)).toHaveAttribute('readonly');
    }
    expect(
      within(dialog).getAllByText('Only platform admins change this'),
    ).toHaveLength(GUARDED_LABELS.length);
    expect(within(dialog).getByLabelText('Quota (JSON)')).toHaveValue(
      JSON.stringify(spec.quota, null, 2),
    );

    const description = within(dialog).getByLabelText('Description');
    expect(description).not.toHaveAttribute('readonly');
    await user.type(description, 'Sales analytics');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.callsOf('updateTenant')).toEqual([
      [
        'team-a',
        { ...spec, description: 'Sales analytics' },
        { generation: 1 },
      ],
    ]);
    expect(onChanged).toHaveBeenCalled();
    await waitFor(() => expect(api.callsOf('getTenant')).toHaveLength(2));
  });

  it('lets a platform admin edit the quota as JSON', async () => {
    const api = new FakeEmrOnEksApi();
    api.tenants = [aTenant({ name: 'platform-a', generation: 4 })];
    const spec = api.tenants[0].spec;
    await renderDetail(api, 'platform-a');
    const { user, dialog } = await openEditor('platform-a');

    const quota = within(dialog).getByLabelText('Quota (JSON)');
    await waitFor(() => expect(quota).not.toHaveAttribute('readonly'));
    expect(
      within(dialog).queryByText('Only platform admins change this'),
    ).not.toBeInTheDocument();
    await user.clear(quota);
    await user.click(quota);
    await user.paste('{"requests.cpu": "64", "requests.memory": "256Gi"}');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.callsOf('updateTenant')).toEqual([
      [
        'platform-a',
        {
          ...spec,
          quota: { 'requests.cpu': '64', 'requests.memory': '256Gi' },
        },
        { generation: 4 },
      ],
    ]);
  });

  it('shows invalid JSON as a field error and sends nothing', async () => {
    const api = new FakeEmrOnEksApi();
    api.tenants = [aTenant({ name: 'platform-b' })];
    await renderDetail(api, 'platform-b');
    const { user, dialog } = await openEditor('platform-b');

    const network = within(dialog).getByLabelText('Network (JSON)');
    await waitFor(() => expect(network).not.toHaveAttribute('readonly'));
    await user.clear(network);
    await user.click(network);
    await user.paste('{"egressCidrs": [');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(network).toHaveAttribute('aria-invalid', 'true');
    expect(within(dialog).getByText(/^Not valid JSON/)).toBeInTheDocument();
    expect(api.callsOf('updateTenant')).toEqual([]);
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });

  it('says to reload when the tenant changed meanwhile', async () => {
    const api = new FakeEmrOnEksApi();
    api.tenants = [aTenant({ name: 'team-c' })];
    const { onChanged } = await renderDetail(api, 'team-c');
    const { user, dialog } = await openEditor('team-c');

    // Someone else saves a change: the backend is at generation 2 now.
    api.tenants[0] = { ...api.tenants[0], generation: 2 };
    await user.type(within(dialog).getByLabelText('Description'), 'New');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      /changed meanwhile.*Reload it/,
    );
    expect(api.callsOf('updateTenant')).toHaveLength(1);
    expect(onChanged).not.toHaveBeenCalled();

    await user.click(within(dialog).getByRole('button', { name: 'Reload' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(onChanged).toHaveBeenCalled();
    await waitFor(() => expect(api.callsOf('getTenant')).toHaveLength(2));
  });

  it("shows the backend's message when it refuses the change", async () => {
    const api = new FakeEmrOnEksApi();
    api.tenants = [aTenant({ name: 'team-d' })];
    api.fail(
      'updateTenant',
      httpError(400, 'releaseLabel: "emr-0" is not an EMR release label'),
    );
    await renderDetail(api, 'team-d');
    const { user, dialog } = await openEditor('team-d');

    const release = within(dialog).getByLabelText('Default release label');
    await user.clear(release);
    await user.type(release, 'emr-0');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'releaseLabel: "emr-0" is not an EMR release label',
    );
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });

  it('has no edit button for who may not update the tenant', async () => {
    const api = new FakeEmrOnEksApi();
    api.tenants = [aTenant({ name: 'team-ro' })];
    const { permissions } = await renderDetail(api, 'team-ro');
    expect(
      await screen.findByRole('table', { name: 'Reconcile steps' }),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(permissions.answered).toContainEqual({
        permission: 'emr-on-eks.tenant.update',
        resourceRef: 'team-ro',
        allowed: false,
      }),
    );
    await act(async () => {});
    expect(
      screen.queryByRole('button', { name: /^Edit tenant/ }),
    ).not.toBeInTheDocument();
  });
});
