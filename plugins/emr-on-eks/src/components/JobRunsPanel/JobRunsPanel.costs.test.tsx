import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  aCostFact,
  aRun,
  FakeEmrOnEksApi,
  Providers,
} from '../../__testUtils__';
import { JobRunsPanel } from './JobRunsPanel';
import { runCostRange } from './useRunCosts';

const NOW = Date.parse('2026-11-21T09:00:00Z');

beforeEach(() => {
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
});

afterEach(() => {
  jest.restoreAllMocks();
});

function table() {
  return screen.getByRole('table', { name: 'EMR job runs' });
}

/** The cells of the Cost column, by run name. */
function costCells(): Record<string, string> {
  const headers = within(table())
    .getAllByRole('columnheader')
    .map(h => h.textContent);
  const cost = headers.indexOf('Cost');
  const name = headers.indexOf('Name');
  return Object.fromEntries(
    within(table())
      .getAllByRole('row')
      .slice(1)
      .map(row => {
        const cells = within(row).getAllByRole('cell');
        return [cells[name].textContent, cells[cost].textContent];
      }),
  );
}

function threeRuns(api: FakeEmrOnEksApi) {
  api.runs = [
    aRun({ id: 'r1', name: 'billed-run' }),
    aRun({
      id: 'r2',
      name: 'estimated-run',
      createdAt: '2026-11-19T23:30:00.000Z',
    }),
    aRun({ id: 'r3', name: 'run-without-cost' }),
  ];
  api.costFacts = [
    // r1: compute and uplift, billed.
    aCostFact({ emrJobRunId: 'emrr1', jobRunId: 'r1', amount: 1.5 }),
    aCostFact({
      emrJobRunId: 'emrr1',
      jobRunId: 'r1',
      category: 'emr-uplift',
      amount: 0.25,
    }),
    // r2 ran over midnight: a billed day and an estimated one.
    aCostFact({
      emrJobRunId: 'emrr2',
      jobRunId: 'r2',
      date: '2026-11-19',
      amount: 2,
    }),
    aCostFact({
      emrJobRunId: 'emrr2',
      jobRunId: 'r2',
      date: '2026-11-20',
      amount: 1,
      estimated: true,
    }),
  ];
}

async function renderPanel(
  api: FakeEmrOnEksApi,
  scope: 'tenant' | 'entity' = 'tenant',
) {
  await renderInTestApp(
    <Providers api={api}>
      <JobRunsPanel
        scope={
          scope === 'entity'
            ? { kind: 'entity', entityRef: 'component:default/daily-sales' }
            : { kind: 'tenant', tenant: 'team-a' }
        }
        tenant="team-a"
        refreshIntervalMs={0}
      />
    </Providers>,
  );
  await screen.findByText('billed-run');
}

describe('runCostRange', () => {
  const today = '2026-11-21';
  it('covers the runs from the UTC day the earliest was created to today, and at least 30 days', () => {
    expect(
      runCostRange(
        [
          aRun({ createdAt: '2026-11-20T10:00:00.000Z' }),
          aRun({ createdAt: '2026-10-10T23:59:00-02:00' }),
        ],
        today,
      ),
    ).toEqual({ from: '2026-10-11', to: today });
    expect(
      runCostRange([aRun({ createdAt: '2026-11-20T10:00:00.000Z' })], today),
    ).toEqual({ from: '2026-10-23', to: today });
  });

  it('asks for at most 366 days, and nothing for no runs', () => {
    expect(
      runCostRange([aRun({ createdAt: '2020-01-01T00:00:00.000Z' })], today),
    ).toEqual({ from: '2025-11-21', to: today });
    expect(runCostRange([], today)).toBeUndefined();
    expect(runCostRange([aRun({ createdAt: 'not a time' })], today)).toBe(
      undefined,
    );
  });
});

describe('<JobRunsPanel /> cost column', () => {
  it("shows each run's cost from one report per page, estimates marked", async () => {
    const api = new FakeEmrOnEksApi().configureCosts();
    threeRuns(api);
    await renderPanel(api);
    await waitFor(() =>
      expect(
        within(table()).getByRole('columnheader', { name: 'Cost' }),
      ).toBeInTheDocument(),
    );
    expect(costCells()).toEqual({
      'billed-run': '$1.75',
      'estimated-run': '$3.00 est.',
      'run-without-cost': '—',
    });
    expect(api.callsOf('getTenantCosts')).toEqual([
      ['team-a', { from: '2026-10-23', to: '2026-11-21', groupBy: 'job' }],
    ]);

    // Refreshing the list does not ask for the costs again.
    await userEvent.click(
      screen.getByRole('button', { name: 'Refresh job runs' }),
    );
    await waitFor(() =>
      expect(api.callsOf('listTenantJobRuns')).toHaveLength(2),
    );
    expect(api.callsOf('getTenantCosts')).toHaveLength(1);
  });

  it("asks for an entity's costs on a Component", async () => {
    const api = new FakeEmrOnEksApi().configureCosts();
    threeRuns(api);
    api.costFacts.forEach(fact => {
      fact.entityRef = 'component:default/daily-sales';
    });
    await renderPanel(api, 'entity');
    await waitFor(() => expect(costCells()['billed-run']).toBe('$1.75'));
    expect(api.callsOf('getEntityCosts')).toEqual([
      [
        'component:default/daily-sales',
        { from: '2026-10-23', to: '2026-11-21', groupBy: 'job' },
      ],
    ]);
  });

  it('has no cost column when costs are not configured', async () => {
    const api = new FakeEmrOnEksApi();
    threeRuns(api);
    await renderPanel(api);
    await waitFor(() => expect(api.callsOf('getTenantCosts')).toHaveLength(1));
    expect(
      within(table()).queryByRole('columnheader', { name: 'Cost' }),
    ).not.toBeInTheDocument();
  });

  it('has no cost column, and no error, when the costs are not permitted', async () => {
    const api = new FakeEmrOnEksApi().configureCosts();
    threeRuns(api);
    api.hiddenCostTenants.add('team-a');
    await renderPanel(api);
    await waitFor(() => expect(api.callsOf('getTenantCosts')).toHaveLength(1));
    expect(
      within(table()).queryByRole('columnheader', { name: 'Cost' }),
    ).not.toBeInTheDocument();
    expect(screen.getByText('estimated-run')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
