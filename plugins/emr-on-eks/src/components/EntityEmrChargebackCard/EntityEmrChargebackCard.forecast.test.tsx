import { Entity } from '@backstage/catalog-model';
import { PermissionApi } from '@backstage/plugin-permission-react';
import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import {
  aBudget,
  aCostFact,
  aForecast,
  anEntity,
  aTenant,
  FakeEmrOnEksApi,
  fakePermissionApi,
  httpError,
  Providers,
} from '../../__testUtils__';
import { EntityEmrChargebackCard } from './EntityEmrChargebackCard';

// The card counts its periods back from today (UTC): a fixed today.
const NOW = Date.parse('2026-11-20T15:00:00Z');

beforeEach(() => {
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
});

afterEach(() => {
  jest.restoreAllMocks();
});

// usePermission keeps one answer per permission and tenant for the file:
// team-a's budget may be set, team-ro's may not.
const permissions = fakePermissionApi(
  (permission, resourceRef) =>
    permission !== 'emr-on-eks.tenant.guardrails.update' ||
    resourceRef !== 'team-ro',
);

async function renderCard(
  api: FakeEmrOnEksApi,
  entity: Entity,
  perms: PermissionApi = permissions,
) {
  return renderInTestApp(
    <Providers api={api} entity={entity} permissions={perms}>
      <EntityEmrChargebackCard />
    </Providers>,
  );
}

/** The chart's horizontal budget lines (dashed 8 4). */
function budgetLines(chart: HTMLElement) {
  return [...chart.querySelectorAll('.recharts-reference-line line')].filter(
    line => line.getAttribute('stroke-dasharray') === '8 4',
  );
}

/** A tenant with a few days of November's costs and a forecast. */
function tenantWithCosts(name = 'team-a') {
  const api = new FakeEmrOnEksApi().configureCosts({
    completeThrough: '2026-11-18',
  });
  api.tenants = [aTenant({ name })];
  api.costFacts = [
    aCostFact({ tenant: name, date: '2026-11-17', amount: 30 }),
    aCostFact({ tenant: name, date: '2026-11-18', amount: 40 }),
  ];
  api.forecasts[name] = aForecast({ tenant: name });
  return api;
}

describe('<EntityEmrChargebackCard /> forecast and budget', () => {
  it('shows the month’s forecast with its band, and the budget’s line and status', async () => {
    const api = tenantWithCosts();
    // $620 so far, $930 forecast against $900: at risk.
    api.budgets['team-a'] = aBudget({ amount: 900 });
    await renderCard(api, anEntity('Resource', 'team-a'));

    const section = await screen.findByRole('region', {
      name: 'Forecast and budget',
    });
    expect(within(section).getByTestId('forecast-amount')).toHaveTextContent(
      '$930.00',
    );
    expect(
      within(section).getByText(
        'Likely between $850.00 and $1,010.00; $620.00 so far (day 20 of 30)',
      ),
    ).toBeInTheDocument();
    expect(
      within(section).getByText(
        'At risk: 69% of the $900.00 monthly budget spent, forecast 103%',
      ),
    ).toBeInTheDocument();
    expect(
      within(section).getByText(
        'The owners are told at 50%, 80%, 100% of the budget.',
      ),
    ).toBeInTheDocument();

    // The chart's line, in the legend and in the chart's description: the
    // monthly budget over the month's 30 days.
    const legend = await screen.findByRole('list', { name: 'Chart legend' });
    expect(
      within(legend).getByText(
        'Budget: $30.00 a day ($900.00 a month over 30 days)',
      ),
    ).toBeInTheDocument();
    const chart = screen.getByRole('img', {
      name: /Budget line at \$30\.00 a day/,
    });
    // The line itself, dashed apart from the billed-through line.
    expect(budgetLines(chart)).toHaveLength(1);
  });

  it('says a month over budget is over, in words', async () => {
    const api = tenantWithCosts();
    api.budgets['team-a'] = aBudget({ amount: 500 });
    await renderCard(api, anEntity('Resource', 'team-a'));
    expect(
      await screen.findByText(
        'Over budget: 124% of the $500.00 monthly budget spent, forecast 186%',
      ),
    ).toBeInTheDocument();
  });

  it('draws no budget line without a budget, and tells an admin where to set one', async () => {
    const api = tenantWithCosts();
    await renderCard(api, anEntity('Resource', 'team-a'));
    expect(await screen.findByTestId('forecast-amount')).toHaveTextContent(
      '$930.00',
    );
    expect(
      await screen.findByText(/^No budget is set for team-a\. Set one on/),
    ).toBeInTheDocument();
    const legend = await screen.findByRole('list', { name: 'Chart legend' });
    expect(within(legend).queryByText(/^Budget/)).not.toBeInTheDocument();
    expect(
      screen.queryByRole('img', { name: /Budget line/ }),
    ).not.toBeInTheDocument();
    expect(
      budgetLines(screen.getByRole('img', { name: /^Daily costs/ })),
    ).toHaveLength(0);
    expect(screen.queryByText(/At risk|Over budget|Within budget/)).toBeNull();
  });

  it('gives who may not set a budget no hint', async () => {
    const api = tenantWithCosts('team-ro');
    await renderCard(api, anEntity('Resource', 'team-ro'));
    expect(await screen.findByTestId('forecast-amount')).toBeInTheDocument();
    await waitFor(() =>
      expect(permissions.answered).toContainEqual({
        permission: 'emr-on-eks.tenant.guardrails.update',
        resourceRef: 'team-ro',
        allowed: false,
      }),
    );
    expect(screen.queryByText(/No budget is set/)).not.toBeInTheDocument();
  });

  it('shows the forecast loading, and the costs meanwhile', async () => {
    const api = tenantWithCosts();
    api.hold('getCostForecast');
    await renderCard(api, anEntity('Resource', 'team-a'));
    expect(await screen.findByTestId('cost-total')).toHaveTextContent('$70.00');
    // Backstage's Progress shows after a short delay.
    expect(
      await screen.findByRole('progressbar', { name: 'Loading the forecast' }),
    ).toBeInTheDocument();
  });

  it('says the forecast failed, and keeps the costs', async () => {
    const api = tenantWithCosts();
    api.fail('getCostForecast', httpError(500, 'the database is away'));
    await renderCard(api, anEntity('Resource', 'team-a'));
    expect(
      await screen.findByText(
        'The forecast could not be loaded: the database is away',
      ),
    ).toBeInTheDocument();
    expect(screen.getByTestId('cost-total')).toHaveTextContent('$70.00');
  });

  it('asks no forecast for a Component, whose runs are part of a tenant', async () => {
    const api = tenantWithCosts();
    api.costFacts = api.costFacts.map(f => ({
      ...f,
      entityRef: 'component:default/daily-sales',
    }));
    await renderCard(api, anEntity('Component', 'team-a'));
    expect(await screen.findByTestId('cost-total')).toBeInTheDocument();
    expect(api.callsOf('getCostForecast')).toEqual([]);
    expect(
      screen.queryByRole('region', { name: 'Forecast and budget' }),
    ).not.toBeInTheDocument();
  });
});
