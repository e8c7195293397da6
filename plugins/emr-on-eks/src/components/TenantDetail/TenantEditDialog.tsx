import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  emrOnEksTenantGuardrailsUpdatePermission,
  GUARDED_TENANT_FIELDS,
  LOG_RETENTION_DAYS,
  PRIORITY_TIERS,
  Tenant,
  TenantSpecInput,
} from '@spot-spark/plugin-emr-on-eks-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useId, useState } from 'react';
import { emrOnEksApiRef } from '../../api';
import { backendMessage, statusOf } from '../../lib/errors';

type GuardedField = (typeof GUARDED_TENANT_FIELDS)[number];
type TeamField = 'description' | 'releaseLabel' | 'logRetentionDays';
type Field = TeamField | GuardedField;

const LABELS: Record<Field, string> = {
  description: 'Description',
  releaseLabel: 'Default release label',
  logRetentionDays: 'Log retention (days)',
  owner: 'Owner',
  quota: 'Quota',
  limitRange: 'LimitRange',
  network: 'Network',
  dataAccess: 'Data access',
  priorityTier: 'Priority tier',
  podSecurity: 'Pod Security',
};

const POD_SECURITY_LEVELS = ['baseline', 'restricted'];

/** Guarded fields whose value is an object or a list, edited as JSON. */
function isJsonField(tenant: Tenant, field: GuardedField): boolean {
  return typeof tenant.spec[field] === 'object';
}

function initialValues(tenant: Tenant): Record<Field, string> {
  const values = {
    description: tenant.spec.description ?? '',
    releaseLabel: tenant.spec.releaseLabel,
    logRetentionDays: String(tenant.spec.logRetentionDays),
  } as Record<Field, string>;
  for (const field of GUARDED_TENANT_FIELDS) {
    values[field] = isJsonField(tenant, field)
      ? JSON.stringify(tenant.spec[field], null, 2)
      : String(tenant.spec[field]);
  }
  return values;
}

function oneOf(value: string, allowed: readonly unknown[]): string | undefined {
  return allowed.includes(value)
    ? undefined
    : `must be one of ${allowed.join(', ')}`;
}

/**
 * The changes a form asks for, or the errors of its fields. Guarded fields
 * count only for who may change them.
 */
function parseForm(
  tenant: Tenant,
  values: Record<Field, string>,
  withGuarded: boolean,
):
  | { changes: Partial<TenantSpecInput>; errors?: undefined }
  | { errors: Partial<Record<Field, string>> } {
  const errors: Partial<Record<Field, string>> = {};
  const changes: Record<string, unknown> = {};

  const description = values.description.trim();
  changes.description = description ? values.description : undefined;

  const releaseLabel = values.releaseLabel.trim();
  if (releaseLabel) {
    changes.releaseLabel = releaseLabel;
  } else {
    errors.releaseLabel = 'must not be empty';
  }

  const days = Number(values.logRetentionDays.trim());
  if ((LOG_RETENTION_DAYS as readonly number[]).includes(days)) {
    changes.logRetentionDays = days;
  } else {
    errors.logRetentionDays = `must be one of ${LOG_RETENTION_DAYS.join(
      ', ',
    )} (the values CloudWatch Logs accepts)`;
  }

  if (withGuarded) {
    for (const field of GUARDED_TENANT_FIELDS) {
      const text = values[field];
      if (isJsonField(tenant, field)) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch (e) {
          errors[field] = `Not valid JSON: ${
            e instanceof Error ? e.message : String(e)
          }`;
          continue;
        }
        const wantList = Array.isArray(tenant.spec[field]);
        if (
          typeof parsed !== 'object' ||
          parsed === null ||
          Array.isArray(parsed) !== wantList
        ) {
          errors[field] = wantList
            ? 'must be a JSON list ([...])'
            : 'must be a JSON object ({...})';
          continue;
        }
        changes[field] = parsed;
      } else {
        const value = text.trim();
        let problem: string | undefined;
        if (!value) {
          problem = 'must not be empty';
        } else if (field === 'priorityTier') {
          problem = oneOf(value, PRIORITY_TIERS);
        } else if (field === 'podSecurity') {
          problem = oneOf(value, POD_SECURITY_LEVELS);
        }
        if (problem) {
          errors[field] = problem;
        } else {
          changes[field] = value;
        }
      }
    }
  }

  return Object.keys(errors).length > 0
    ? { errors }
    : { changes: changes as Partial<TenantSpecInput> };
}

/** Props of {@link TenantEditDialog}. */
export interface TenantEditDialogProps {
  /** The tenant as last read; its generation guards the change. */
  tenant: Tenant;
  /** Called after a saved change, and to reload a tenant that moved on. */
  onChanged(): void;
  onClose(): void;
}

/**
 * Edits a tenant's spec. The team's own fields are inputs; the guarded
 * fields (owner, quota, LimitRange, network, data access, priority tier, Pod
 * Security) are editable only with the guardrails permission, read-only
 * otherwise. Mounted while open, so each opening starts from the tenant.
 */
export function TenantEditDialog(props: TenantEditDialogProps) {
  const { tenant, onChanged, onClose } = props;
  const { name } = tenant;
  const api = useApi(emrOnEksApiRef);
  const canGuard = usePermission({
    permission: emrOnEksTenantGuardrailsUpdatePermission,
    resourceRef: name,
  });
  const baseId = useId();
  const titleId = `${baseId}-title`;
  const [values, setValues] = useState(() => initialValues(tenant));
  const [fieldErrors, setFieldErrors] = useState<
    Partial<Record<Field, string>>
  >({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; stale: boolean }>();

  const close = () => {
    if (!busy) {
      onClose();
    }
  };

  const set = (field: Field) => (text: string) => {
    setValues(v => ({ ...v, [field]: text }));
    setFieldErrors(errors => ({ ...errors, [field]: undefined }));
  };

  const save = async () => {
    setError(undefined);
    const parsed = parseForm(tenant, values, canGuard.allowed);
    if (parsed.errors) {
      setFieldErrors(parsed.errors);
      return;
    }
    setFieldErrors({});
    setBusy(true);
    try {
      await api.updateTenant(
        name,
        { ...tenant.spec, ...parsed.changes },
        { generation: tenant.generation },
      );
    } catch (e) {
      setBusy(false);
      setError(
        statusOf(e) === 409
          ? {
              message: `Tenant ${name} changed meanwhile (it is no longer at generation ${tenant.generation}). Reload it and make your change again.`,
              stale: true,
            }
          : { message: backendMessage(e), stale: false },
      );
      return;
    }
    setBusy(false);
    onClose();
    onChanged();
  };

  const reload = () => {
    onClose();
    onChanged();
  };

  const teamField = (
    field: TeamField,
    extra: { multiline?: boolean; helperText?: string } = {},
  ) => (
    <TextField
      key={field}
      id={`${baseId}-${field}`}
      label={LABELS[field]}
      value={values[field]}
      onChange={e => set(field)(e.target.value)}
      error={!!fieldErrors[field]}
      helperText={fieldErrors[field] ?? extra.helperText}
      multiline={extra.multiline}
      minRows={extra.multiline ? 2 : undefined}
      fullWidth
      margin="normal"
      autoComplete="off"
    />
  );

  const guardedField = (field: GuardedField) => {
    const json = isJsonField(tenant, field);
    const editable = canGuard.allowed;
    return (
      <TextField
        key={field}
        id={`${baseId}-${field}`}
        label={json ? `${LABELS[field]} (JSON)` : LABELS[field]}
        value={values[field]}
        onChange={e => set(field)(e.target.value)}
        error={!!fieldErrors[field]}
        helperText={
          fieldErrors[field] ??
          (editable ? undefined : 'Only platform admins change this')
        }
        InputProps={{
          readOnly: !editable,
          style: json ? { fontFamily: 'monospace' } : undefined,
        }}
        multiline={json}
        minRows={json ? 3 : undefined}
        fullWidth
        margin="normal"
        variant={editable ? 'standard' : 'filled'}
        autoComplete="off"
      />
    );
  };

  return (
    <Dialog
      open
      onClose={close}
      aria-labelledby={titleId}
      fullWidth
      maxWidth="md"
    >
      <DialogTitle id={titleId}>Edit tenant {name}</DialogTitle>
      <DialogContent>
        <Typography variant="subtitle2" component="h4">
          Team settings
        </Typography>
        {teamField('description', { multiline: true })}
        {teamField('releaseLabel', {
          helperText: 'EMR release of job runs that name none',
        })}
        {teamField('logRetentionDays', {
          helperText: `One of ${LOG_RETENTION_DAYS.join(', ')}`,
        })}
        <Typography
          variant="subtitle2"
          component="h4"
          style={{ marginTop: 16 }}
        >
          Guardrails
        </Typography>
        {GUARDED_TENANT_FIELDS.map(guardedField)}
        {error && (
          <Alert
            severity="error"
            role="alert"
            action={
              error.stale ? (
                <Button color="inherit" size="small" onClick={reload}>
                  Reload
                </Button>
              ) : undefined
            }
          >
            {error.message}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={close} disabled={busy}>
          Cancel
        </Button>
        <Button
          onClick={save}
          color="primary"
          variant="contained"
          disabled={busy}
        >
          Save
        </Button>
      </DialogActions>
    </Dialog>
  );
}
