import { FetchApi } from '@backstage/core-plugin-api';
import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import {
  aCostOverview,
  anOverviewRow,
  aTenant,
  catchDownloads,
  currentSearch,
  FAKE_API_BASE_URL,
  FakeEmrOnEksApi,
  fakePermissionApi,
  httpError,
  Providers,
} from '../../__testUtils__';
import { EmrOnEksPage } from '../EmrOnEksPage';

const NOW = Date.parse('2026-11-20T15:00:00Z');
const { createObjectURL, revokeObjectURL } = URL;

beforeEach(() => {
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
});

afterEach(() => {
  jest.restoreAllMocks();
  Object.assign(URL, { createObjectURL, revokeObjectURL });
});

// A platform admin: every permission.
async function renderAsAdmin(
  api: FakeEmrOnEksApi,
  path = '/emr-on-eks/costs',
  fetchApi?: FetchApi,
) {
  await renderInTestApp(
    <Providers api={api} permissions={fakePermissionApi()} fetchApi={fetchApi}>
      <Routes>
        <Route path="/emr-on-eks/*" element={<EmrOnEksPage />} />
      </Routes>
    </Providers>,
    { routeEntries: [path] },
  );
}

function location() {
  return currentSearch(screen.getByLabelText('location'));
}

function anApi(count = 3) {
  const api = new FakeEmrOnEksApi();
  api.tenants = [aTenant({ name: 'tenant-0001' })];
  api.costOverviews['2026-11'] = aCostOverview({ count });
  return api;
}

describe('the Costs tab', () => {
  it('shows every tenant side by side, with the month’s totals', async () => {
    const api = anApi();
    await renderAsAdmin(api);
    const table = await screen.findByRole('table', { name: 'Costs by tenant' });
    const rows = within(table).getAllByRole('row');
    // The header and the three tenants; idle and unallocated apart.
    expect(rows).toHaveLength(4);
    const first = within(table).getByRole('row', { name: /tenant-0001/ });
    for (const text of [
      '$10,000.00',
      '+25%',
      '75%',
      '$40.00',
      // Uplift against compute: 1,500 of 8,000.
      '19%',
      // $15,000 forecast against $12,000.
      'At risk',
      '83% of $12,000.00',
      '$15,000.00',
    ]) {
      expect(within(first).getByText(text)).toBeInTheDocument();
    }
    // The owner by its catalog name, the whole ref on hover.
    expect(
      within(first).getByTitle('group:default/tenant-0001'),
    ).toHaveTextContent(/^tenant-0001$/);
    // A tenant without a budget has none, nor a forecast.
    const third = within(table).getByRole('row', { name: /tenant-0003/ });
    expect(within(third).queryByText(/budget/)).toBeNull();

    const totals = screen.getByRole('region', { name: 'Totals of the month' });
    expect(within(totals).getByText('Idle capacity')).toBeInTheDocument();
    expect(within(totals).getByText('$50.00')).toBeInTheDocument();
    expect(within(totals).getByText('Unallocated')).toBeInTheDocument();
    expect(within(totals).getByText('$20.00')).toBeInTheDocument();
    expect(screen.getByText('Idle capacity: $50.00')).toBeInTheDocument();
    expect(api.callsOf('getCostOverview')).toEqual([[{ month: '2026-11' }]]);
  });

  it('marks offboarded tenants, which do not open', async () => {
    const api = anApi();
    await renderAsAdmin(api);
    const table = await screen.findByRole('table', { name: 'Costs by tenant' });
    const offboarded = within(table).getByRole('row', { name: /tenant-0002/ });
    expect(within(offboarded).getByText('(offboarded)')).toBeInTheDocument();
    expect(within(offboarded).queryByRole('button')).toBeNull();
  });

  it('shows how far the estimates were from the bill', async () => {
    const api = anApi();
    await renderAsAdmin(api);
    const errors = await screen.findByRole('table', {
      name: 'Estimate against the bill',
    });
    const october = within(errors).getByRole('row', { name: /2026-10/ });
    expect(within(october).getByText('-3%')).toBeInTheDocument();
    expect(
      within(within(errors).getByRole('row', { name: /2026-09/ })).getByText(
        '+5%',
      ),
    ).toBeInTheDocument();
  });

  it('opens a tenant on the Tenants tab', async () => {
    const api = anApi();
    const user = userEvent.setup();
    await renderAsAdmin(api);
    await user.click(
      await screen.findByRole('button', { name: 'Show tenant tenant-0001' }),
    );
    expect(location().get('tenant')).toBe('tenant-0001');
    expect(
      await screen.findByRole('table', { name: 'Tenants' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Tenants' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
  });

  it('shows another month when picked, and keeps it in the URL', async () => {
    const api = anApi();
    api.costOverviews['2026-10'] = aCostOverview({
      count: 1,
      month: '2026-10',
    });
    const user = userEvent.setup();
    await renderAsAdmin(api);
    await screen.findByRole('table', { name: 'Costs by tenant' });
    await user.selectOptions(screen.getByLabelText('Month'), '2026-10');
    await waitFor(() =>
      expect(
        within(
          screen.getByRole('table', { name: 'Costs by tenant' }),
        ).getAllByRole('row'),
      ).toHaveLength(2),
    );
    expect(location().get('month')).toBe('2026-10');
    expect(api.callsOf('getCostOverview')).toContainEqual([
      { month: '2026-10' },
    ]);
  });

  it('shows 1,000 tenants a page at a time, and filters them', async () => {
    const api = anApi(1000);
    const user = userEvent.setup();
    await renderAsAdmin(api);
    const table = await screen.findByRole('table', { name: 'Costs by tenant' });
    expect(within(table).getAllByRole('row')).toHaveLength(51);
    expect(screen.getByText('Tenants 1–50 of 1000')).toBeInTheDocument();
    await user.click(
      screen.getByRole('button', { name: 'Next page of tenants' }),
    );
    expect(
      within(table).getByRole('row', { name: /tenant-0051/ }),
    ).toBeInTheDocument();
    await user.click(screen.getByLabelText('Filter by tenant or owner'));
    await user.paste('tenant-0999');
    expect(within(table).getAllByRole('row')).toHaveLength(2);
    expect(screen.getByText('Tenants 1–1 of 1')).toBeInTheDocument();
    // One request, whatever the pages.
    expect(api.callsOf('getCostOverview')).toHaveLength(1);
  });

  it('exports the month as CSV with the user’s token', async () => {
    const api = anApi();
    const requested: string[] = [];
    const fetchApi: FetchApi = {
      fetch: (async (url: string) => {
        requested.push(url);
        return {
          ok: true,
          status: 200,
          url,
          headers: { get: () => 'text/csv' },
          text: async () => 'tenant,total\r\ntenant-0001,10000\r\n',
        };
      }) as unknown as typeof fetch,
    };
    const saved = catchDownloads();
    const user = userEvent.setup();
    await renderAsAdmin(api, '/emr-on-eks/costs', fetchApi);
    await user.click(await screen.findByRole('button', { name: 'Export CSV' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(requested).toEqual([
      `${FAKE_API_BASE_URL}/costs/overview?month=2026-11&format=csv`,
    ]);
    expect(saved[0].name).toBe('costs-overview-2026-11.csv');
  });

  it('says when a month has no costs', async () => {
    const api = new FakeEmrOnEksApi().configureCosts();
    await renderAsAdmin(api);
    expect(
      await screen.findByText('No costs for November 2026'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Export CSV' })).toBeNull();
  });

  it('shows the loading and the errors', async () => {
    const held = anApi().hold('getCostOverview');
    await renderAsAdmin(held);
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();

    const failing = anApi().fail(
      'getCostOverview',
      httpError(500, 'the rollup table is locked'),
    );
    await renderAsAdmin(failing);
    expect(
      (await screen.findAllByText(/the rollup table is locked/)).length,
    ).toBeGreaterThan(0);
  });

  it('says the costs are not available when the backend refuses them', async () => {
    const api = anApi().fail('getCostOverview', httpError(404, 'Not found'));
    await renderAsAdmin(api);
    expect(
      await screen.findByText(/Costs are not available/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table', { name: 'Costs by tenant' })).toBeNull();
  });

  it('keeps a name onboarded again apart from its offboarded incarnation', async () => {
    const api = anApi(0);
    api.costOverviews['2026-11'].rows = [
      anOverviewRow({ tenant: 'team-x', tenantUid: 'uid-new', total: 5 }),
      anOverviewRow({
        tenant: 'team-x',
        tenantUid: 'uid-old',
        offboarded: true,
        total: 3,
      }),
    ];
    await renderAsAdmin(api);
    const table = await screen.findByRole('table', { name: 'Costs by tenant' });
    expect(within(table).getAllByRole('row', { name: /team-x/ })).toHaveLength(
      2,
    );
  });
});
