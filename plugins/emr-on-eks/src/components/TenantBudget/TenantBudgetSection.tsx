import { ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { emrOnEksTenantGuardrailsUpdatePermission } from '@spot-spark/plugin-emr-on-eks-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { useId, useState, type JSX } from 'react';
import { emrOnEksApiRef } from '../../api';
import { formatPercent } from '../../lib/budget';
import { isNotVisible } from '../../lib/errors';
import { formatTime } from '../../lib/format';
import { formatMoney } from '../../lib/money';
import { useFocusRing } from '../../lib/focus';
import { ConfirmDialog } from '../ConfirmDialog';
import { EntityName } from '../EntityName';
import { FactsTable } from '../FactsTable';
import { BudgetStateLabel } from '../StatusLabel';
import { BudgetEditor } from './BudgetEditor';
import { useTenantBudget } from './useTenantBudget';

/**
 * A tenant's monthly budget on its detail: the amount, thresholds and this
 * month's standing for its readers; for platform admins (the guardrails
 * permission) the form that sets it, and removing it.
 */
export function TenantBudgetSection(props: { name: string }) {
  const { name } = props;
  const api = useApi(emrOnEksApiRef);
  const state = useTenantBudget(name);
  const canSet = usePermission({
    permission: emrOnEksTenantGuardrailsUpdatePermission,
    resourceRef: name,
  });
  const focus = useFocusRing();
  const [editing, setEditing] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [saved, setSaved] = useState<string>();
  const headingId = useId();

  let body;
  if (state.error) {
    body = isNotVisible(state.error) ? (
      <Typography variant="body2">You may not see this budget.</Typography>
    ) : (
      <ResponseErrorPanel error={state.error} />
    );
  } else if (!state.value) {
    body = <LinearProgress aria-label="Loading the budget" />;
  } else {
    const { budget, forecast } = state.value;
    const status = forecast?.status;
    body = (
      <>
        {budget ? (
          <FactsTable
            label={`Budget of ${name}`}
            facts={[
              [
                'Per month',
                `${formatMoney(budget.amount, budget.currency)} (${
                  budget.currency
                })`,
              ],
              ['Alerts at', budget.thresholds.map(t => `${t}%`).join(', ')],
              ...(status
                ? ([
                    [
                      'This month',
                      <BudgetStateLabel
                        state={status.state}
                        detail={`: ${formatPercent(
                          status.actualPercent,
                        )} spent, forecast ${formatPercent(
                          status.forecastPercent,
                        )}`}
                      />,
                    ],
                  ] as Array<[string, JSX.Element]>)
                : []),
              [
                'Set by',
                <>
                  <EntityName entityRef={budget.updatedBy} />
                  {`, ${formatTime(budget.updatedAt)}`}
                </>,
              ],
            ]}
          />
        ) : (
          <Typography variant="body2">
            {`${name} has no monthly budget.`}
          </Typography>
        )}
        {saved && (
          <Typography variant="body2" role="status">
            {saved}
          </Typography>
        )}
        {canSet.allowed && !editing && (
          <Box display="flex" flexWrap="wrap" mt={1} style={{ gap: 8 }}>
            <Button
              variant="outlined"
              onClick={() => {
                setSaved(undefined);
                setEditing(true);
              }}
              disableFocusRipple
              focusVisibleClassName={focus.focusVisible}
            >
              {budget ? 'Edit budget' : 'Set a budget'}
            </Button>
            {budget && (
              <Button
                variant="outlined"
                color="secondary"
                onClick={() => setRemoving(true)}
                disableFocusRipple
                focusVisibleClassName={focus.focusVisible}
              >
                Remove budget
              </Button>
            )}
          </Box>
        )}
        {canSet.allowed && editing && (
          <BudgetEditor
            tenant={name}
            budget={budget}
            defaultCurrency={forecast?.currency ?? 'USD'}
            onSaved={() => {
              setEditing(false);
              setSaved(`The budget of ${name} is saved.`);
              state.reload();
            }}
            onCancel={() => setEditing(false)}
          />
        )}
        <ConfirmDialog
          open={removing}
          title={`Remove the budget of ${name}?`}
          confirmLabel="Remove"
          onConfirm={async () => {
            await api.deleteTenantBudget(name);
            setSaved(`The budget of ${name} is removed.`);
            state.reload();
          }}
          onClose={() => setRemoving(false)}
        >
          <Typography>
            Its owners are no longer told when the month's costs near a budget.
            The costs themselves are kept.
          </Typography>
        </ConfirmDialog>
      </>
    );
  }

  return (
    <Box mt={2} component="section" aria-labelledby={headingId}>
      <Typography variant="h6" component="h3" id={headingId}>
        Budget
      </Typography>
      {body}
    </Box>
  );
}
