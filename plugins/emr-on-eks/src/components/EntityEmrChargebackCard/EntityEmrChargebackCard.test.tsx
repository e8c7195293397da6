import { Entity } from '@backstage/catalog-model';
import { FetchApi } from '@backstage/core-plugin-api';
import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  aCostFact,
  anEntity,
  blobText,
  catchDownloads,
  aTenant,
  currentSearch,
  FAKE_API_BASE_URL,
  FakeEmrOnEksApi,
  httpError,
  Providers,
} from '../../__testUtils__';
import { EntityEmrChargebackCard } from './EntityEmrChargebackCard';
import { isEmrChargebackAvailable } from './costTarget';

// The card counts its periods back from today (UTC): a fixed today.
const NOW = Date.parse('2026-11-20T15:00:00Z');
const COMPONENT = 'component:default/daily-sales';

// jsdom has no object URLs; the CSV tests put their own in place.
const { createObjectURL, revokeObjectURL } = URL;

beforeEach(() => {
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
});

afterEach(() => {
  jest.restoreAllMocks();
  Object.assign(URL, { createObjectURL, revokeObjectURL });
});

function location() {
  return currentSearch(screen.getByLabelText('location'));
}

async function renderCard(
  api: FakeEmrOnEksApi,
  entity: Entity,
  options: { fetchApi?: FetchApi; routeEntries?: string[] } = {},
) {
  return renderInTestApp(
    <Providers api={api} entity={entity} fetchApi={options.fetchApi}>
      <EntityEmrChargebackCard />
    </Providers>,
    { routeEntries: options.routeEntries },
  );
}

/** A component with a week of costs: billed through the 18th, then estimated. */
function componentWithCosts() {
  const api = new FakeEmrOnEksApi().configureCosts({
    completeThrough: '2026-11-18',
    spotSavings: 12.5,
  });
  const run = { entityRef: COMPONENT };
  api.costFacts = [
    aCostFact({ ...run, date: '2026-11-17', capacityType: 'spot', amount: 10 }),
    aCostFact({ ...run, date: '2026-11-17', amount: 5 }),
    aCostFact({
      ...run,
      date: '2026-11-17',
      category: 'emr-uplift',
      amount: 2,
    }),
    aCostFact({ ...run, date: '2026-11-18', capacityType: 'spot', amount: 8 }),
    aCostFact({
      ...run,
      date: '2026-11-19',
      category: 'emr-uplift',
      amount: 3,
      estimated: true,
    }),
    aCostFact({ ...run, date: '2026-11-19', capacityType: 'spot', amount: 12 }),
  ];
  return api;
}

describe('isEmrChargebackAvailable', () => {
  it('is true for Groups, tenant Resources and entities naming a tenant', () => {
    expect(isEmrChargebackAvailable(anEntity('Component', 'team-a'))).toBe(
      true,
    );
    expect(isEmrChargebackAvailable(anEntity('Group'))).toBe(true);
    expect(
      isEmrChargebackAvailable({
        ...anEntity('Resource'),
        spec: { type: 'emr-virtual-cluster' },
      }),
    ).toBe(true);
    expect(isEmrChargebackAvailable(anEntity('Component'))).toBe(false);
    expect(isEmrChargebackAvailable(anEntity('System'))).toBe(false);
  });
});

describe('<EntityEmrChargebackCard /> states', () => {
  it('shows progress while the costs load', async () => {
    const api = new FakeEmrOnEksApi().hold('getEntityCosts');
    await renderCard(api, anEntity('Component', 'team-a'));
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('says costs are not configured when the backend has no sources', async () => {
    const api = new FakeEmrOnEksApi();
    api.costFacts = [aCostFact({ entityRef: COMPONENT })];
    await renderCard(api, anEntity('Component', 'team-a'));
    expect(
      await screen.findByText(
        'Costs are not configured: a platform admin sets emrOnEks.costs',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Download CSV' }),
    ).not.toBeInTheDocument();
  });

  it('says there are no costs yet, and when the rollup last ran', async () => {
    const api = new FakeEmrOnEksApi().configureCosts();
    api.tenants = [aTenant()];
    await renderCard(api, anEntity('Component', 'team-a'));
    expect(
      await screen.findByText('No costs for daily-sales in this period yet'),
    ).toBeInTheDocument();
    expect(screen.getByText(/^Costs were last rolled up at /)).toBeVisible();
  });

  it("tells someone who may not see a Component's tenant so, as the tenant's page does", async () => {
    // bob on team-a's daily-sales: the entity's report leaves team-a's
    // costs out, and the tenant answers 404.
    const api = new FakeEmrOnEksApi().configureCosts();
    await renderCard(api, anEntity('Component', 'team-a'));
    expect(
      await screen.findByText('You may not see these costs'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/No costs/)).not.toBeInTheDocument();
  });

  it('says the rollup has not run yet when it never did', async () => {
    const api = new FakeEmrOnEksApi().configureCosts({ refreshedAt: null });
    await renderCard(api, anEntity('Resource', 'team-a'));
    expect(
      await screen.findByText('No costs for tenant team-a in this period yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'The cost rollup has not run yet: costs appear after its first run.',
      ),
    ).toBeInTheDocument();
  });

  it('says the costs are not visible on a 404, naming no tenant', async () => {
    const api = new FakeEmrOnEksApi().configureCosts();
    api.hiddenCostTenants.add('team-secret');
    await renderCard(api, anEntity('Resource', 'team-secret'));
    expect(
      await screen.findByText('You may not see these costs'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/team-secret/)).not.toBeInTheDocument();
    expect(api.callsOf('getTenantCosts')[0][0]).toBe('team-secret');
  });

  it('shows the error of a failed call', async () => {
    const api = new FakeEmrOnEksApi().fail(
      'getEntityCosts',
      httpError(503, 'The cost store is unavailable'),
    );
    await renderCard(api, anEntity('Component', 'team-a'));
    expect(
      await screen.findByText('The cost store is unavailable', {
        selector: 'p',
      }),
    ).toBeInTheDocument();
  });

  it('explains the annotation on an entity that names no tenant', async () => {
    const api = new FakeEmrOnEksApi();
    await renderCard(api, anEntity('System'));
    expect(
      screen.getByText('emr-on-eks.spot-spark.io/tenant', { selector: 'code' }),
    ).toBeInTheDocument();
    expect(api.calls).toEqual([]);
  });
});

describe('<EntityEmrChargebackCard /> figures', () => {
  it("shows a Component's total, Spot savings and estimated part for the last 30 days", async () => {
    const api = componentWithCosts();
    await renderCard(api, anEntity('Component', 'team-a'));
    expect(await screen.findByTestId('cost-total')).toHaveTextContent('$40.00');
    expect(screen.getByText('Total, 2026-10-22 to 2026-11-20')).toBeVisible();
    expect(
      screen.getByText('Spot saved $12.50 against On-Demand'),
    ).toBeVisible();
    // 2026-11-19, after the bill: 3 of uplift (estimated) + 12 of Spot compute.
    expect(
      screen.getByText('Of which $15.00 not billed yet (after 2026-11-18)'),
    ).toBeVisible();
    expect(
      screen.getByText(
        'EMR uplift estimated at $3.00 ($2.40 to $3.60) until the bill covers its days',
      ),
    ).toBeVisible();
    const [entityRef, query] = api.callsOf('getEntityCosts')[0];
    expect(entityRef).toBe(COMPONENT);
    expect(query).toEqual({
      from: '2026-10-22',
      to: '2026-11-20',
      groupBy: ['day', 'category', 'capacityType'],
    });
  });

  it('compares the total with the period of the same length before it', async () => {
    const api = componentWithCosts();
    // 40 now against 32 in the 30 days before: +25%.
    api.costFacts.push(
      aCostFact({ entityRef: COMPONENT, date: '2026-10-21', amount: 30 }),
      aCostFact({ entityRef: COMPONENT, date: '2026-09-22', amount: 2 }),
      // Before the previous period: not counted.
      aCostFact({ entityRef: COMPONENT, date: '2026-09-21', amount: 1000 }),
    );
    await renderCard(api, anEntity('Component', 'team-a'));
    expect(
      await screen.findByText('+25% against the previous 30 days ($32.00)'),
    ).toBeVisible();
    expect(api.callsOf('getEntityCosts').map(([, q]) => q)).toContainEqual({
      from: '2026-09-22',
      to: '2026-10-21',
      groupBy: 'category',
    });
  });

  it('shows no change when the previous period cost nothing', async () => {
    const api = componentWithCosts();
    await renderCard(api, anEntity('Component', 'team-a'));
    await screen.findByTestId('cost-total');
    expect(screen.queryByText(/against the previous/)).not.toBeInTheDocument();
  });

  it('asks for the period chosen, keeps it in the URL and compares it', async () => {
    const api = componentWithCosts();
    api.costFacts.push(
      aCostFact({ entityRef: COMPONENT, date: '2026-11-10', amount: 50 }),
    );
    await renderCard(api, anEntity('Component', 'team-a'));
    expect(await screen.findByTestId('cost-total')).toHaveTextContent('$90.00');
    await userEvent.selectOptions(
      screen.getByLabelText('Period'),
      'Last 7 days',
    );
    // 14-20 November: 40; 7-13 November: 50.
    await waitFor(() =>
      expect(screen.getByTestId('cost-total')).toHaveTextContent('$40.00'),
    );
    expect(
      screen.getByText('-20% against the previous 7 days ($50.00)'),
    ).toBeVisible();
    expect(location().get('costPeriod')).toBe('7d');
    const queries = api.callsOf('getEntityCosts').map(([, q]) => q);
    expect(queries).toContainEqual({
      from: '2026-11-14',
      to: '2026-11-20',
      groupBy: ['day', 'category', 'capacityType'],
    });
    expect(queries).toContainEqual({
      from: '2026-11-07',
      to: '2026-11-13',
      groupBy: 'category',
    });
  });

  it('reads the calendar month from the URL: from the 1st (UTC) to today', async () => {
    const api = componentWithCosts();
    await renderCard(api, anEntity('Component', 'team-a'), {
      routeEntries: ['/?costPeriod=month'],
    });
    expect(await screen.findByTestId('cost-total')).toHaveTextContent('$40.00');
    expect(screen.getByLabelText('Period')).toHaveValue('month');
    expect(api.callsOf('getEntityCosts').map(([, q]) => q)).toContainEqual({
      from: '2026-11-01',
      to: '2026-11-20',
      groupBy: ['day', 'category', 'capacityType'],
    });
  });
});

describe('<EntityEmrChargebackCard /> chart', () => {
  it('draws the days stacked, names the chart, and hatches the estimated days', async () => {
    const api = componentWithCosts();
    const { container } = await renderCard(
      api,
      anEntity('Component', 'team-a'),
    );
    const chart = await screen.findByRole('img', { name: /^Daily costs/ });
    expect(chart).toHaveAccessibleName(
      'Daily costs from 2026-10-22 to 2026-11-20, stacked by Compute (Spot), ' +
        'Compute (On-Demand), EMR uplift; total $40.00; highest on 2026-11-17 at ' +
        '$17.00; billed through 2026-11-18; 1 day is estimated.',
    );
    expect(
      screen.getByText(
        'Billed through 2026-11-18: hatched amounts are estimates until the bill covers their day.',
      ),
    ).toBeVisible();

    // The bars: one per day and series with an amount; the 19th's are
    // hatched (after the bill), the others filled.
    const bars = [
      ...container.querySelectorAll<SVGPathElement>('path[data-estimated]'),
    ];
    expect(bars.length).toBe(6);
    const hatched = bars.filter(
      bar => bar.getAttribute('data-estimated') === 'true',
    );
    expect(hatched).toHaveLength(2);
    for (const bar of hatched) {
      expect(bar.getAttribute('fill')).toMatch(/^url\(#emr-cost-.*\)$/);
      const id = bar.getAttribute('fill')!.slice(5, -1);
      expect(container.querySelector(`pattern[id="${id}"]`)).not.toBeNull();
    }
    expect(
      bars
        .filter(bar => bar.getAttribute('data-estimated') === 'false')
        .every(bar => !bar.getAttribute('fill')!.startsWith('url(')),
    ).toBe(true);
    expect(container.querySelector('.recharts-reference-line')).not.toBeNull();
  });

  it('lists every day in a table for screen readers', async () => {
    const api = componentWithCosts();
    await renderCard(api, anEntity('Component', 'team-a'));
    const table = await screen.findByRole('table', { name: 'Daily costs' });
    expect(within(table).getAllByRole('row')).toHaveLength(1 + 30);
    const estimated = within(table).getByRole('row', {
      name: /2026-11-19 \(estimated\)/,
    });
    expect(
      within(estimated)
        .getAllByRole('cell')
        .map(cell => cell.textContent),
    ).toEqual(['$12.00', '$0.00', '$3.00', '$15.00']);
    expect(
      within(table).getByRole('columnheader', { name: 'EMR uplift' }),
    ).toBeInTheDocument();
  });
});

describe('<EntityEmrChargebackCard /> top jobs', () => {
  it('groups runs by job name, with their count and days, costliest first', async () => {
    const api = componentWithCosts();
    // Five daily runs of one job, and one run of each of five other jobs.
    for (let day = 14; day <= 18; day++) {
      api.costFacts.push(
        aCostFact({
          entityRef: COMPONENT,
          date: `2026-11-${day}`,
          amount: 2,
          emrJobRunId: `emr-daily-${day}`,
          jobRunId: `run-daily-${day}`,
          jobName: 'daily-sales',
          estimated: day === 18,
        }),
      );
    }
    for (let i = 1; i <= 5; i++) {
      api.costFacts.push(
        aCostFact({
          entityRef: COMPONENT,
          date: '2026-11-18',
          amount: i,
          emrJobRunId: `emr-${i}`,
          jobRunId: `run-${i}`,
          jobName: `job-${i}`,
        }),
      );
    }
    api.costFacts.push(
      aCostFact({
        entityRef: COMPONENT,
        date: '2026-11-18',
        amount: 100,
        emrJobRunId: 'emr-outside',
        jobRunId: null,
        jobName: null,
      }),
    );
    await renderCard(api, anEntity('Component', 'team-a'), {
      routeEntries: ['/?runState=FAILED&run=run-1'],
    });
    const table = await screen.findByRole('table', {
      name: 'Top jobs by cost',
    });
    const rows = within(table).getAllByRole('row');
    expect(
      rows.map(row =>
        within(row)
          .getAllByRole(row === rows[0] ? 'columnheader' : 'cell')
          .map(cell => cell.textContent),
      ),
    ).toEqual([
      ['Job', 'Cost'],
      ['emr-outside1 run, 2026-11-18', '$100.00'],
      ['daily-sales5 runs, 2026-11-14 to 2026-11-18', '$10.00estimated'],
      ['job-51 run, 2026-11-18', '$5.00'],
      ['job-41 run, 2026-11-18', '$4.00'],
      ['job-31 run, 2026-11-18', '$3.00'],
    ]);
    // A run started outside Backstage has no name to search by.
    expect(within(rows[1]).queryByRole('link')).not.toBeInTheDocument();
    expect(api.callsOf('getEntityCosts').map(([, q]) => q)).toContainEqual({
      from: '2026-10-22',
      to: '2026-11-20',
      groupBy: ['job', 'day'],
    });

    await userEvent.click(
      within(table).getByRole('link', { name: 'Runs of daily-sales' }),
    );
    // The job-runs card searches the job's runs; the other filters stay.
    expect(location().get('runName')).toBe('daily-sales');
    expect(location().get('runState')).toBe('FAILED');
    expect(location().get('run')).toBeNull();
  });

  it('shows a legend of the chart under it', async () => {
    await renderCard(componentWithCosts(), anEntity('Component', 'team-a'));
    const legend = await screen.findByRole('list', { name: 'Chart legend' });
    const items = within(legend)
      .getAllByRole('listitem')
      .map(item => item.textContent);
    expect(items).toEqual(
      expect.arrayContaining(['EMR uplift', 'Estimated (not billed yet)']),
    );
    expect(items.length).toBeGreaterThanOrEqual(3);
  });

  it('clips the hidden data table, so that a phone does not scroll sideways', async () => {
    await renderCard(componentWithCosts(), anEntity('Component', 'team-a'));
    const table = await screen.findByRole('table', { name: 'Daily costs' });
    // The wrapper clips: a table's own width gives way to its content.
    const wrapper = table.parentElement!;
    expect(getComputedStyle(wrapper).position).toBe('absolute');
    expect(getComputedStyle(wrapper).overflow).toBe('hidden');
    expect(getComputedStyle(wrapper).width).toBe('1px');
  });
});

describe('<EntityEmrChargebackCard /> CSV', () => {
  function fakeFetch(body: string, status = 200) {
    const requested: string[] = [];
    const fetchApi: FetchApi = {
      fetch: (async (url: string) => {
        requested.push(url);
        return {
          ok: status < 400,
          status,
          statusText: `Status ${status}`,
          url,
          headers: { get: () => 'text/csv' },
          text: async () => body,
        };
      }) as unknown as typeof fetch,
    };
    return { fetchApi, requested };
  }

  it("fetches the entity's CSV with the user's token and saves it", async () => {
    const api = componentWithCosts();
    const csv = 'date,amount\r\n2026-11-17,17.000000\r\n';
    const { fetchApi, requested } = fakeFetch(csv);
    const saved = catchDownloads();
    await renderCard(api, anEntity('Component', 'team-a'), { fetchApi });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Download CSV' }),
    );
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(requested).toEqual([
      `${FAKE_API_BASE_URL}/costs?entityRef=component%3Adefault%2Fdaily-sales` +
        '&from=2026-10-22&to=2026-11-20&groupBy=day%2Cjob%2Ccategory%2CcapacityType&format=csv',
    ]);
    expect(saved[0].name).toBe('costs-daily-sales-2026-10-22-2026-11-20.csv');
    expect(saved[0].blob.type).toBe('text/csv;charset=utf-8');
    expect(await blobText(saved[0].blob)).toBe(csv);
  });

  it('says why a download failed', async () => {
    const api = componentWithCosts();
    const { fetchApi } = fakeFetch('', 502);
    const saved = catchDownloads();
    await renderCard(api, anEntity('Component', 'team-a'), { fetchApi });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Download CSV' }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      /^The download failed: /,
    );
    expect(saved).toEqual([]);
  });

  it("saves a Group's tenants in one file, a tenant column first", async () => {
    const api = new FakeEmrOnEksApi().configureCosts();
    api.tenants = [aTenant({ name: 'team-a' }), aTenant({ name: 'team-a2' })];
    api.tenants[1].spec.owner = 'group:default/team-a';
    api.costFacts = [
      aCostFact({ tenant: 'team-a', amount: 1 }),
      aCostFact({ tenant: 'team-a2', amount: 2 }),
    ];
    const { fetchApi, requested } = fakeFetch(
      'date,amount\r\n2026-11-20,1.000000\r\n',
    );
    const saved = catchDownloads();
    await renderCard(api, anEntity('Group'), { fetchApi });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Download CSV' }),
    );
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(requested.map(url => new URL(url).pathname)).toEqual([
      '/api/emr-on-eks/tenants/team-a/costs',
      '/api/emr-on-eks/tenants/team-a2/costs',
    ]);
    expect(await blobText(saved[0].blob)).toBe(
      'tenant,date,amount\r\nteam-a,2026-11-20,1.000000\r\nteam-a2,2026-11-20,1.000000\r\n',
    );
  });
});

describe('<EntityEmrChargebackCard /> scopes', () => {
  it('sums the costs of the tenants a Group owns and whose costs the user may read', async () => {
    const api = new FakeEmrOnEksApi().configureCosts({
      completeThrough: '2026-11-19',
    });
    api.tenants = [
      aTenant({ name: 'team-a' }),
      aTenant({ name: 'team-a-batch' }),
      aTenant({ name: 'team-a-hidden' }),
      aTenant({ name: 'team-b' }),
    ];
    api.tenants[1].spec.owner = 'team-a';
    api.tenants[2].spec.owner = 'group:default/team-a';
    api.hiddenCostTenants.add('team-a-hidden');
    api.costFacts = [
      aCostFact({ tenant: 'team-a', amount: 10 }),
      aCostFact({ tenant: 'team-a-batch', amount: 5 }),
      aCostFact({ tenant: 'team-a-hidden', amount: 100 }),
      aCostFact({ tenant: 'team-b', amount: 1000 }),
    ];
    await renderCard(api, anEntity('Group'));
    expect(await screen.findByTestId('cost-total')).toHaveTextContent('$15.00');
    expect([
      ...new Set(api.callsOf('getTenantCosts').map(([tenant]) => tenant)),
    ]).toEqual(['team-a', 'team-a-batch', 'team-a-hidden']);
  });

  it('says a Group owns no tenant whose costs the user may see', async () => {
    const api = new FakeEmrOnEksApi().configureCosts();
    api.tenants = [aTenant({ name: 'team-b' })];
    await renderCard(api, anEntity('Group'));
    expect(
      await screen.findByText(
        'team-a owns no EMR on EKS tenant whose costs you may see.',
      ),
    ).toBeInTheDocument();
  });

  it("shows a tenant Resource's costs by its name without the annotation", async () => {
    const api = new FakeEmrOnEksApi().configureCosts();
    api.costFacts = [aCostFact({ tenant: 'team-a', amount: 7 })];
    await renderCard(api, {
      ...anEntity('Resource'),
      spec: { type: 'emr-virtual-cluster', owner: 'group:default/team-a' },
    });
    expect(await screen.findByTestId('cost-total')).toHaveTextContent('$7.00');
    expect(api.callsOf('getTenantCosts')[0][0]).toBe('team-a');
  });

  it("uses a Group's annotation when it names its tenant", async () => {
    const api = new FakeEmrOnEksApi().configureCosts();
    api.costFacts = [aCostFact({ tenant: 'team-a', amount: 7 })];
    await renderCard(api, anEntity('Group', 'team-a'));
    expect(await screen.findByTestId('cost-total')).toHaveTextContent('$7.00');
    expect(api.callsOf('listTenants')).toEqual([]);
  });
});
