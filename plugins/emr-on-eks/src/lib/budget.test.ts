import { budgetErrorsOf, formatPercent, parseBudgetForm } from './budget';

describe('parseBudgetForm', () => {
  it('turns the fields into the budget the API takes', () => {
    expect(
      parseBudgetForm({
        amount: '1,500.50',
        currency: 'eur',
        thresholds: '80 %, 50,100%',
      }),
    ).toEqual({
      input: { amount: 1500.5, currency: 'EUR', thresholds: [80, 50, 100] },
    });
  });

  it('leaves the thresholds to the API when none are typed', () => {
    expect(
      parseBudgetForm({ amount: '10', currency: 'USD', thresholds: ' ' }),
    ).toEqual({ input: { amount: 10, currency: 'USD' } });
  });

  it('says what is wrong with each field', () => {
    const parsed = parseBudgetForm({
      amount: 'lots',
      currency: 'dollars',
      thresholds: '50, eighty',
    });
    expect(parsed).toEqual({
      errors: {
        amount: 'must be a number, such as 1000',
        currency: 'must be an ISO 4217 code such as USD',
        thresholds:
          'must be percentages separated by commas, such as 50, 80, 100',
      },
    });
  });

  it('applies the contract’s bounds', () => {
    expect(
      parseBudgetForm({ amount: '0', currency: 'USD', thresholds: '50, 0.5' }),
    ).toEqual({
      errors: {
        amount: 'must be more than 0',
        thresholds: 'must be a whole percentage',
      },
    });
  });
});

describe('budgetErrorsOf', () => {
  it('puts each of the API’s issues under its field', () => {
    expect(
      budgetErrorsOf(
        'Invalid budget: amount: must be more than 0; thresholds.2: must be at most 1000 (%)',
      ),
    ).toEqual({
      amount: 'must be more than 0',
      thresholds: 'must be at most 1000 (%)',
    });
  });

  it('keeps a message that holds a semicolon whole', () => {
    expect(
      budgetErrorsOf(
        'currency: the bill is in USD (emrOnEks.costs.currency); set the budget in USD, not EUR',
      ),
    ).toEqual({
      currency:
        'the bill is in USD (emrOnEks.costs.currency); set the budget in USD, not EUR',
    });
  });

  it('keeps a message that names no field for the whole form', () => {
    expect(budgetErrorsOf('Tenant team-a is being offboarded')).toEqual({
      form: 'Tenant team-a is being offboarded',
    });
  });
});

describe('formatPercent', () => {
  it('rounds to a whole percentage', () => {
    expect(formatPercent(61.6)).toBe('62%');
  });
});
