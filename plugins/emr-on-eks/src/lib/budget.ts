import {
  budgetInputSchema,
  BudgetInput,
  BudgetState,
  zodIssues,
} from '@spot-spark/plugin-emr-on-eks-common';

/** What a budget's state reads as, and the icon it takes. */
export const BUDGET_STATES: Record<
  BudgetState,
  { label: string; kind: 'ok' | 'warning' | 'error' }
> = {
  ok: { label: 'Within budget', kind: 'ok' },
  'at-risk': { label: 'At risk', kind: 'warning' },
  over: { label: 'Over budget', kind: 'error' },
};

/** A percentage for people, whole: `62%`, `104%`. */
export function formatPercent(percent: number): string {
  return `${Math.round(percent)}%`;
}

/** The budget form's fields, as typed. */
export interface BudgetFormValues {
  amount: string;
  currency: string;
  /** Comma-separated percentages: `50, 80, 100`. */
  thresholds: string;
}

/** A field of the budget form. */
export type BudgetField = keyof BudgetFormValues;

/** A message per field of the form, and one for the whole. */
export type BudgetFormErrors = Partial<Record<BudgetField | 'form', string>>;

const FIELDS: BudgetField[] = ['amount', 'currency', 'thresholds'];

/**
 * The field a message of the API names (`amount: must be more than 0`,
 * `thresholds.1: must be ...`), and the message without it.
 */
function fieldOf(issue: string): { field: BudgetField | 'form'; text: string } {
  const match = /^([A-Za-z]+)(?:\.\d+)?: (.*)$/s.exec(issue.trim());
  const field = match?.[1] as BudgetField | undefined;
  if (match && field && FIELDS.includes(field)) {
    return { field, text: match[2] };
  }
  return { field: 'form', text: issue.trim() };
}

/**
 * The API's answer to a budget it refused, by field: the backend words its
 * 400s `Invalid budget: amount: must be more than 0; currency: ...`. What
 * names no field goes to `form`.
 */
export function budgetErrorsOf(message: string): BudgetFormErrors {
  const errors: BudgetFormErrors = {};
  const body = message.replace(/^Invalid budget:\s*/i, '');
  // Issues are joined with `; `, and a message may hold one itself: a new
  // issue starts where a field name follows.
  for (const issue of body.split(/;\s+(?=[A-Za-z]+(?:\.\d+)?: )/)) {
    if (!issue.trim()) {
      continue;
    }
    const { field, text } = fieldOf(issue);
    errors[field] = errors[field] ? `${errors[field]}; ${text}` : text;
  }
  if (Object.keys(errors).length === 0) {
    errors.form = message;
  }
  return errors;
}

/**
 * The budget a form asks for, or what is wrong with it, by field: the
 * contract's own schema, so the form says what the API would.
 */
export function parseBudgetForm(
  values: BudgetFormValues,
): { input: BudgetInput } | { errors: BudgetFormErrors } {
  const errors: BudgetFormErrors = {};
  const amountText = values.amount.trim().replace(/,/g, '');
  const amount = Number(amountText);
  if (!amountText || !Number.isFinite(amount)) {
    errors.amount = 'must be a number, such as 1000';
  }
  const parts = values.thresholds
    .split(',')
    .map(part => part.trim().replace(/%$/, '').trim())
    .filter(Boolean);
  const thresholds = parts.map(Number);
  if (thresholds.some(t => !Number.isFinite(t))) {
    errors.thresholds =
      'must be percentages separated by commas, such as 50, 80, 100';
  }
  const currency = values.currency.trim().toUpperCase();
  const candidate = {
    amount,
    currency,
    // Empty: the API's default percentages.
    ...(parts.length > 0 ? { thresholds } : {}),
  };
  const parsed = budgetInputSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of zodIssues(parsed.error)) {
      const { field, text } = fieldOf(`${issue.path}: ${issue.message}`);
      errors[field] ??= text;
    }
  }
  if (Object.keys(errors).length > 0) {
    return { errors };
  }
  return { input: candidate };
}
