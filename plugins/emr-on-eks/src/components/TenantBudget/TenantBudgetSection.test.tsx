import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  aBudget,
  aForecast,
  aTenant,
  FakeEmrOnEksApi,
  fakePermissionApi,
  httpError,
  Providers,
} from '../../__testUtils__';
import { TenantBudgetSection } from './TenantBudgetSection';

// One answer per permission and tenant for the file: the budgets of
// team-ro may be read, not set.
const permissions = fakePermissionApi(
  (permission, resourceRef) =>
    permission !== 'emr-on-eks.tenant.guardrails.update' ||
    resourceRef !== 'team-ro',
);

function anApi(name = 'team-a') {
  const api = new FakeEmrOnEksApi();
  api.tenants = [aTenant({ name })];
  api.forecasts[name] = aForecast({ tenant: name, currency: 'EUR' });
  return api;
}

async function renderSection(api: FakeEmrOnEksApi, name = 'team-a') {
  await renderInTestApp(
    <Providers api={api} permissions={permissions}>
      <TenantBudgetSection name={name} />
    </Providers>,
  );
}

describe('<TenantBudgetSection />', () => {
  it('shows the budget, its thresholds and the month against it', async () => {
    const api = anApi();
    api.budgets['team-a'] = aBudget({ currency: 'EUR', amount: 800 });
    await renderSection(api);
    const facts = await screen.findByRole('table', {
      name: 'Budget of team-a',
    });
    expect(within(facts).getByText('€800.00 (EUR)')).toBeInTheDocument();
    expect(within(facts).getByText('50%, 80%, 100%')).toBeInTheDocument();
    expect(
      within(facts).getByText('At risk: 78% spent, forecast 116%'),
    ).toBeInTheDocument();
  });

  it('shows the budget loading, then that there is none', async () => {
    const api = anApi();
    api.hold('getTenantBudget');
    await renderSection(api);
    expect(
      screen.getByRole('progressbar', { name: 'Loading the budget' }),
    ).toBeInTheDocument();

    const loaded = anApi();
    await renderSection(loaded);
    expect(
      await screen.findByText('team-a has no monthly budget.'),
    ).toBeInTheDocument();
  });

  it('shows why the budget could not be read', async () => {
    const api = anApi();
    api.fail('getTenantBudget', httpError(500, 'the database is away'));
    await renderSection(api);
    expect(
      (await screen.findAllByText(/the database is away/)).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByRole('button', { name: 'Set a budget' })).toBeNull();
  });

  it('lets an admin set a budget, in the costs’ currency by default', async () => {
    const api = anApi();
    const user = userEvent.setup();
    await renderSection(api);
    await user.click(
      await screen.findByRole('button', { name: 'Set a budget' }),
    );
    const form = screen.getByRole('form', { name: 'Set the budget of team-a' });
    expect(within(form).getByLabelText('Currency')).toHaveValue('EUR');
    expect(within(form).getByLabelText('Alert thresholds (%)')).toHaveValue(
      '50, 80, 100',
    );
    await user.type(within(form).getByLabelText('Amount per month'), '1200');
    await user.clear(within(form).getByLabelText('Alert thresholds (%)'));
    await user.type(
      within(form).getByLabelText('Alert thresholds (%)'),
      '90, 75{Enter}',
    );
    expect(
      await screen.findByText('The budget of team-a is saved.'),
    ).toHaveAttribute('role', 'status');
    expect(api.callsOf('setTenantBudget')).toEqual([
      ['team-a', { amount: 1200, currency: 'EUR', thresholds: [90, 75] }],
    ]);
    // Shown as stored: sorted.
    expect(await screen.findByText('75%, 90%')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Edit budget' }),
    ).toBeInTheDocument();
  });

  it('says under each field what is wrong before asking the API', async () => {
    const api = anApi();
    const user = userEvent.setup();
    await renderSection(api);
    await user.click(
      await screen.findByRole('button', { name: 'Set a budget' }),
    );
    const form = screen.getByRole('form', { name: 'Set the budget of team-a' });
    await user.type(within(form).getByLabelText('Amount per month'), '-5');
    await user.clear(within(form).getByLabelText('Currency'));
    await user.type(within(form).getByLabelText('Currency'), 'euros');
    await user.type(
      within(form).getByLabelText('Alert thresholds (%)'),
      ', ten',
    );
    await user.click(within(form).getByRole('button', { name: 'Save budget' }));
    expect(
      within(form).getByLabelText('Amount per month'),
    ).toHaveAccessibleDescription('must be more than 0');
    expect(within(form).getByLabelText('Currency')).toHaveAccessibleDescription(
      'must be an ISO 4217 code such as USD',
    );
    expect(
      within(form).getByLabelText('Alert thresholds (%)'),
    ).toHaveAccessibleDescription(
      'must be percentages separated by commas, such as 50, 80, 100',
    );
    expect(api.callsOf('setTenantBudget')).toEqual([]);
  });

  it('shows what the API refuses under its field', async () => {
    const api = anApi();
    api.fail(
      'setTenantBudget',
      httpError(
        400,
        'Invalid budget: currency: must be EUR, the currency the costs are reported in',
      ),
    );
    const user = userEvent.setup();
    await renderSection(api);
    await user.click(
      await screen.findByRole('button', { name: 'Set a budget' }),
    );
    const form = screen.getByRole('form', { name: 'Set the budget of team-a' });
    await user.type(within(form).getByLabelText('Amount per month'), '100');
    await user.clear(within(form).getByLabelText('Currency'));
    await user.type(within(form).getByLabelText('Currency'), 'USD');
    await user.click(within(form).getByRole('button', { name: 'Save budget' }));
    await waitFor(() =>
      expect(
        within(form).getByLabelText('Currency'),
      ).toHaveAccessibleDescription(
        'must be EUR, the currency the costs are reported in',
      ),
    );
    // The form stays, with what was typed.
    expect(within(form).getByLabelText('Amount per month')).toHaveValue('100');
  });

  it('lets an admin remove a budget, after a confirmation', async () => {
    const api = anApi();
    api.budgets['team-a'] = aBudget();
    const user = userEvent.setup();
    await renderSection(api);
    await user.click(
      await screen.findByRole('button', { name: 'Remove budget' }),
    );
    const dialog = screen.getByRole('dialog', {
      name: 'Remove the budget of team-a?',
    });
    await user.click(within(dialog).getByRole('button', { name: 'Remove' }));
    expect(
      await screen.findByText('team-a has no monthly budget.'),
    ).toBeInTheDocument();
    expect(api.callsOf('deleteTenantBudget')).toEqual([['team-a']]);
  });

  it('shows who may not set it the budget, without the buttons', async () => {
    const api = anApi('team-ro');
    api.budgets['team-ro'] = aBudget({ tenant: 'team-ro' });
    await renderSection(api, 'team-ro');
    expect(
      await screen.findByRole('table', { name: 'Budget of team-ro' }),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(permissions.answered).toContainEqual({
        permission: 'emr-on-eks.tenant.guardrails.update',
        resourceRef: 'team-ro',
        allowed: false,
      }),
    );
    expect(screen.queryByRole('button', { name: /budget/i })).toBeNull();
    expect(screen.queryByRole('form')).toBeNull();
  });
});
