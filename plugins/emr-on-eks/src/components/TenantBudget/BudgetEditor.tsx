import { useApi } from '@backstage/core-plugin-api';
import {
  DEFAULT_BUDGET_THRESHOLDS,
  TenantBudget,
} from '@spot-spark/plugin-emr-on-eks-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import { FormEvent, useId, useState } from 'react';
import { emrOnEksApiRef } from '../../api';
import {
  BudgetField,
  BudgetFormErrors,
  BudgetFormValues,
  budgetErrorsOf,
  parseBudgetForm,
} from '../../lib/budget';
import { backendMessage, statusOf } from '../../lib/errors';
import { useFocusRing } from '../../lib/focus';

function initialValues(
  budget: TenantBudget | null,
  currency: string,
): BudgetFormValues {
  return {
    amount: budget ? String(budget.amount) : '',
    currency: budget?.currency ?? currency,
    thresholds: (budget?.thresholds ?? DEFAULT_BUDGET_THRESHOLDS).join(', '),
  };
}

/** Props of {@link BudgetEditor}. */
export interface BudgetEditorProps {
  tenant: string;
  budget: TenantBudget | null;
  /** A new budget's currency: the one the costs are reported in. */
  defaultCurrency: string;
  /** After a save; the budget as stored. */
  onSaved(budget: TenantBudget): void;
  onCancel(): void;
}

/**
 * The form that sets a tenant's monthly budget (platform admins): amount,
 * currency and alert thresholds, checked as the API checks them; what the
 * API still refuses is shown under its field.
 */
export function BudgetEditor(props: BudgetEditorProps) {
  const { tenant, budget, defaultCurrency, onSaved, onCancel } = props;
  const api = useApi(emrOnEksApiRef);
  const baseId = useId();
  const focus = useFocusRing();
  const [values, setValues] = useState(() =>
    initialValues(budget, defaultCurrency),
  );
  const [errors, setErrors] = useState<BudgetFormErrors>({});
  const [busy, setBusy] = useState(false);

  const set = (field: BudgetField) => (text: string) => {
    setValues(v => ({ ...v, [field]: text }));
    setErrors(e => ({ ...e, [field]: undefined, form: undefined }));
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseBudgetForm(values);
    if ('errors' in parsed) {
      setErrors(parsed.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const saved = await api.setTenantBudget(tenant, parsed.input);
      setBusy(false);
      onSaved(saved);
    } catch (e) {
      setBusy(false);
      setErrors(
        statusOf(e) === 400
          ? budgetErrorsOf(backendMessage(e))
          : { form: backendMessage(e) },
      );
    }
  };

  const field = (
    name: BudgetField,
    label: string,
    helperText: string,
    extra: { inputMode?: 'decimal' | 'text'; width?: number } = {},
  ) => (
    <TextField
      id={`${baseId}-${name}`}
      label={label}
      value={values[name]}
      onChange={e => set(name)(e.target.value)}
      error={!!errors[name]}
      helperText={errors[name] ?? helperText}
      inputProps={{ inputMode: extra.inputMode ?? 'text' }}
      style={{ width: extra.width, maxWidth: '100%' }}
      margin="dense"
      autoComplete="off"
      disabled={busy}
    />
  );

  return (
    <form
      aria-label={`Set the budget of ${tenant}`}
      onSubmit={save}
      noValidate
      style={{ marginTop: 8 }}
    >
      <Box display="flex" flexWrap="wrap" style={{ gap: 16 }}>
        {field('amount', 'Amount per month', 'More than 0', {
          inputMode: 'decimal',
          width: 180,
        })}
        {field('currency', 'Currency', 'ISO 4217 code, such as USD', {
          width: 140,
        })}
        {field(
          'thresholds',
          'Alert thresholds (%)',
          'Percentages of the budget, separated by commas',
          { width: 260 },
        )}
      </Box>
      {errors.form && (
        <Alert severity="error" role="alert">
          {errors.form}
        </Alert>
      )}
      <Box display="flex" flexWrap="wrap" mt={1} style={{ gap: 8 }}>
        <Button
          type="submit"
          color="primary"
          variant="contained"
          disabled={busy}
          disableFocusRipple
          focusVisibleClassName={focus.focusVisible}
        >
          Save budget
        </Button>
        <Button
          onClick={onCancel}
          disabled={busy}
          disableFocusRipple
          focusVisibleClassName={focus.focusVisible}
        >
          Cancel
        </Button>
      </Box>
    </form>
  );
}
