import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import {
  aCostFact,
  anEntity,
  aTenant,
  FakeEmrOnEksApi,
  httpError,
  Providers,
} from '../../__testUtils__';
import { EntityEmrGroupCostsCard } from './EntityEmrGroupCostsCard';
import { tenantShares } from './groupShares';

const NOW = Date.parse('2026-11-20T15:00:00Z');

beforeEach(() => {
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
});

afterEach(() => {
  jest.restoreAllMocks();
});

async function renderCard(api: FakeEmrOnEksApi, entity: Entity) {
  return renderInTestApp(
    <Providers api={api} entity={entity}>
      <EntityEmrGroupCostsCard />
    </Providers>,
  );
}

/** Group team-a owns team-a and team-a-ml; team-b is another's. */
function anApi() {
  const api = new FakeEmrOnEksApi().configureCosts();
  api.tenants = [
    aTenant({ name: 'team-a' }),
    {
      ...aTenant({ name: 'team-a-ml' }),
      spec: {
        ...aTenant().spec,
        name: 'team-a-ml',
        owner: 'group:default/team-a',
      },
    },
    aTenant({ name: 'team-b' }),
  ];
  api.costFacts = [
    aCostFact({ tenant: 'team-a', date: '2026-11-10', amount: 75 }),
    aCostFact({ tenant: 'team-a-ml', date: '2026-11-12', amount: 25 }),
    aCostFact({ tenant: 'team-b', date: '2026-11-12', amount: 1000 }),
  ];
  return api;
}

describe('<EntityEmrGroupCostsCard />', () => {
  it('sums the Group’s tenants and shows each one’s share, from one request', async () => {
    const api = anApi();
    await renderCard(api, anEntity('Group'));
    expect(await screen.findByTestId('group-cost-total')).toHaveTextContent(
      '$100.00',
    );
    const table = screen.getByRole('table', {
      name: 'Costs of team-a by tenant',
    });
    const first = within(table).getAllByRole('row')[1];
    expect(first).toHaveTextContent('team-a');
    expect(within(first).getByText('$75.00')).toBeInTheDocument();
    expect(within(first).getByText('75%')).toBeInTheDocument();
    expect(
      within(table).getByRole('progressbar', { name: 'Share of team-a-ml' }),
    ).toHaveAttribute('aria-valuetext', '25%');
    expect(screen.queryByText('team-b')).toBeNull();
    expect(api.callsOf('getOwnerCosts')).toEqual([
      [
        'group:default/team-a',
        { from: '2026-10-22', to: '2026-11-20', groupBy: ['tenant'] },
      ],
    ]);
    expect(api.callsOf('getTenantCosts')).toEqual([]);
  });

  it('shows it loading', async () => {
    const api = anApi().hold('getOwnerCosts');
    await renderCard(api, anEntity('Group'));
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
  });

  it('says when the Group’s tenants have no costs in the period', async () => {
    const api = anApi();
    api.costFacts = [];
    await renderCard(api, anEntity('Group'));
    expect(
      await screen.findByText('No costs for team-a in this period'),
    ).toBeInTheDocument();
  });

  it('says when costs are not configured', async () => {
    const api = new FakeEmrOnEksApi();
    await renderCard(api, anEntity('Group'));
    expect(
      await screen.findByText('Costs are not configured'),
    ).toBeInTheDocument();
  });

  it('shows an error, and a refusal as not yours', async () => {
    const failing = anApi().fail('getOwnerCosts', httpError(500, 'boom'));
    await renderCard(failing, anEntity('Group'));
    expect((await screen.findAllByText(/boom/)).length).toBeGreaterThan(0);

    const refused = anApi().fail('getOwnerCosts', httpError(403));
    await renderCard(refused, anEntity('Group'));
    expect(
      await screen.findByText('You may not see these costs'),
    ).toBeInTheDocument();
  });

  it('asks nothing on an entity that is not a Group', async () => {
    const api = anApi();
    await renderCard(api, anEntity('Component', 'team-a'));
    expect(await screen.findByText('Not a Group')).toBeInTheDocument();
    expect(api.callsOf('getOwnerCosts')).toEqual([]);
  });
});

describe('tenantShares', () => {
  it('keeps an offboarded incarnation apart from the name onboarded again', () => {
    const shares = tenantShares({
      currency: 'USD',
      from: '2026-11-01',
      to: '2026-11-30',
      groupBy: ['tenant'],
      total: 4,
      estimatedTotal: 0,
      estimatedRange: { low: 0, high: 0 },
      completeThrough: null,
      spotSavings: null,
      sources: { uplift: 'duckdb', compute: 'duckdb' },
      refreshedAt: null,
      rows: [
        {
          tenant: 'x',
          tenantUid: 'old',
          offboarded: true,
          amount: 1,
          estimated: false,
        },
        { tenant: 'x', tenantUid: 'new', amount: 3, estimated: true },
      ],
    });
    expect(shares).toEqual([
      {
        key: 'new',
        tenant: 'x',
        offboarded: false,
        amount: 3,
        share: 0.75,
        estimated: true,
      },
      {
        key: 'old',
        tenant: 'x',
        offboarded: true,
        amount: 1,
        share: 0.25,
        estimated: false,
      },
    ]);
  });
});
