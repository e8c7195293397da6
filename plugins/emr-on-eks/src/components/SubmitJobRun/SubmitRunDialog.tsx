import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { JobRun, Tenant } from '@spot-spark/plugin-emr-on-eks-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Switch from '@material-ui/core/Switch';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { FormEvent, useId, useMemo, useState } from 'react';
import { emrOnEksApiRef } from '../../api';
import { newIdempotencyKey } from '../../lib/idempotency';
import {
  checkValues,
  defaultValues,
  issuesOfError,
  MAX_RETRIES,
  podLimitsOf,
  SubmitField,
  SubmitFormValues,
  SubmitIssues,
  toRequest,
} from './submitForm';

/** Props of {@link SubmitRunDialog}. */
export interface SubmitRunDialogProps {
  tenant: string;
  /** The tenant, for its limits; undefined when the user may not read it. */
  tenantInfo?: Tenant;
  /** The catalog entity the run belongs to (a Component's card). */
  entityRef?: string;
  onClose(): void;
  onSubmitted(run: JobRun): void;
}

type Busy = 'preview' | 'submit' | undefined;

/**
 * A form for one run, bounded by the tenant's limits: a preview of the
 * StartJobRun the backend would send (its dry run), then the submission,
 * with one idempotency key per dialog so a double click submits once.
 * The backend's objections are shown on their fields.
 */
export function SubmitRunDialog(props: SubmitRunDialogProps) {
  const { tenant, tenantInfo, entityRef, onClose, onSubmitted } = props;
  const api = useApi(emrOnEksApiRef);
  const alertApi = useApi(alertApiRef);
  const titleId = useId();
  const formId = useId();
  const limits = useMemo(() => podLimitsOf(tenantInfo), [tenantInfo]);
  const [values, setValues] = useState(() => defaultValues(limits));
  const [issues, setIssues] = useState<SubmitIssues>({});
  const [preview, setPreview] = useState<Record<string, unknown>>();
  const [busy, setBusy] = useState<Busy>();
  const [idempotencyKey] = useState(() => newIdempotencyKey('submit'));

  const set = <K extends SubmitField>(field: K, value: SubmitFormValues[K]) => {
    setValues(before => ({ ...before, [field]: value }));
    // The preview and the field's problem are of the old values.
    setPreview(undefined);
    setIssues(({ [field]: _fixed, form: _form, ...rest }) => rest);
  };

  const validRequest = () => {
    const local = checkValues(values);
    setIssues(local);
    return Object.keys(local).length === 0
      ? toRequest(values, entityRef)
      : undefined;
  };

  const run = async (what: 'preview' | 'submit') => {
    const request = validRequest();
    if (!request) {
      return;
    }
    setBusy(what);
    try {
      if (what === 'preview') {
        const dryRun = await api.dryRunJobRun(tenant, request);
        setPreview(dryRun.startJobRun);
      } else {
        const { run: created } = await api.submitJobRun(tenant, {
          ...request,
          idempotencyKey,
        });
        alertApi.post({
          message: `Submitted ${created.name} (run ${created.id})`,
          severity: 'success',
          display: 'transient',
        });
        onSubmitted(created);
        onClose();
      }
    } catch (error) {
      setIssues(issuesOfError(error));
    } finally {
      setBusy(undefined);
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    run('submit');
  };

  const field = (
    name: SubmitField,
    label: string,
    extra: {
      helperText?: string;
      type?: string;
      max?: number;
      min?: number;
      multiline?: boolean;
      required?: boolean;
    } = {},
  ) => (
    <TextField
      id={`${formId}-${name}`}
      label={label}
      value={values[name] as string}
      onChange={e => set(name, e.target.value)}
      error={!!issues[name]}
      helperText={issues[name] ?? extra.helperText}
      type={extra.type}
      required={extra.required}
      multiline={extra.multiline}
      minRows={extra.multiline ? 2 : undefined}
      inputProps={{ min: extra.min, max: extra.max }}
      fullWidth
      margin="dense"
    />
  );

  const coresHint = limits.maxCores
    ? `1-${limits.maxCores} (the tenant's most per pod)`
    : undefined;
  const memoryHint = limits.maxMemory
    ? `Like 4g; with Spark's overhead at most ${limits.maxMemory} per pod`
    : 'Like 4g';

  return (
    <Dialog open onClose={onClose} aria-labelledby={titleId} fullWidth>
      <form onSubmit={onSubmit} noValidate>
        <DialogTitle id={titleId}>Submit a run to {tenant}</DialogTitle>
        <DialogContent>
          {issues.form && (
            <Alert severity="error" role="alert">
              {issues.form}
            </Alert>
          )}
          {field('name', 'Job name', {
            required: true,
            helperText: 'Letters, digits and . - _ / #',
          })}
          {field('entryPoint', 'Entry point', {
            required: true,
            helperText: 's3://… inside the tenant’s prefixes, or local:///…',
          })}
          {field('arguments', 'Arguments', {
            multiline: true,
            helperText: 'One argument a line',
          })}
          <Box display="flex" flexWrap="wrap" style={{ columnGap: 16 }}>
            <Box flex="1 1 200px">
              {field('driverCores', 'Driver cores', {
                type: 'number',
                min: 1,
                max: limits.maxCores,
                helperText: coresHint,
              })}
              {field('driverMemory', 'Driver memory', {
                helperText: memoryHint,
              })}
            </Box>
            <Box flex="1 1 200px">
              {field('executorCores', 'Executor cores', {
                type: 'number',
                min: 1,
                max: limits.maxCores,
                helperText: coresHint,
              })}
              {field('executorMemory', 'Executor memory', {
                helperText: memoryHint,
              })}
            </Box>
          </Box>
          <Box display="flex" flexWrap="wrap" style={{ columnGap: 16 }}>
            <Box flex="1 1 200px">
              {field('executors', 'Executors', {
                type: 'number',
                min: 1,
                helperText: 'A fixed number of executors',
              })}
            </Box>
            <Box flex="1 1 200px">
              {field('retries', 'Retries', {
                type: 'number',
                min: 0,
                max: MAX_RETRIES,
                helperText: `Driver restarts after a failure, 0-${MAX_RETRIES} (the cluster may allow fewer)`,
              })}
            </Box>
          </Box>
          <FormControlLabel
            control={
              <Switch
                checked={values.spot}
                onChange={e => set('spot', e.target.checked)}
              />
            }
            label="Executors on Spot (the driver is always On-Demand)"
          />
          {issues.spot && (
            <Typography color="error" variant="caption" component="p">
              {issues.spot}
            </Typography>
          )}
          {preview && (
            <Box mt={2}>
              <Typography variant="subtitle2" component="h3">
                StartJobRun the backend would send
              </Typography>
              <Box
                component="pre"
                aria-label="StartJobRun preview"
                tabIndex={0}
                maxHeight={320}
                overflow="auto"
                fontSize={12}
                p={1}
                bgcolor="background.default"
              >
                {JSON.stringify(preview, null, 2)}
              </Box>
            </Box>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            variant="outlined"
            disabled={busy !== undefined}
            onClick={() => run('preview')}
          >
            {busy === 'preview' ? 'Previewing…' : 'Preview'}
          </Button>
          <Button
            type="submit"
            color="primary"
            variant="contained"
            disabled={busy !== undefined}
          >
            {busy === 'submit' ? 'Submitting…' : 'Submit run'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
