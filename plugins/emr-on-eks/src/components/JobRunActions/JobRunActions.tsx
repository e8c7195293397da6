import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  emrOnEksJobRunCancelPermission,
  emrOnEksJobRunSubmitPermission,
  JobRun,
  JobRunState,
} from '@spot-spark/plugin-emr-on-eks-common';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import CancelIcon from '@material-ui/icons/Cancel';
import ReplayIcon from '@material-ui/icons/Replay';
import { useState } from 'react';
import { emrOnEksApiRef } from '../../api';
import { newIdempotencyKey } from '../../lib/idempotency';
import { ConfirmDialog } from '../ConfirmDialog';

/** States EMR cancels from (SUBMITTING is not in EMR yet: a 409). */
const CANCELLABLE: ReadonlyArray<JobRunState> = [
  'PENDING',
  'SUBMITTED',
  'RUNNING',
];

/** What an action changed, for the list to refresh. */
export type JobRunChange =
  | { kind: 'cancelled'; run: JobRun }
  | { kind: 'resubmitted'; run: JobRun };

/**
 * Cancel and re-run of one run, each shown only to who may do it and each
 * confirmed in a dialog.
 */
export function JobRunActions(props: {
  run: JobRun;
  onChange(change: JobRunChange): void;
}) {
  const { run, onChange } = props;
  const api = useApi(emrOnEksApiRef);
  const alertApi = useApi(alertApiRef);
  const canCancel = usePermission({
    permission: emrOnEksJobRunCancelPermission,
    resourceRef: run.tenant,
  });
  const canSubmit = usePermission({
    permission: emrOnEksJobRunSubmitPermission,
    resourceRef: run.tenant,
  });
  const [dialog, setDialog] = useState<'cancel' | 'rerun'>();

  const showCancel = canCancel.allowed && CANCELLABLE.includes(run.state);
  // Only runs submitted here have a stored request to submit again.
  const showRerun = canSubmit.allowed && run.source === 'backstage';

  const cancel = async () => {
    const cancelled = await api.cancelJobRun(run.id);
    alertApi.post({
      message: `Cancelling ${run.name}: ${cancelled.state}`,
      severity: 'info',
      display: 'transient',
    });
    onChange({ kind: 'cancelled', run: cancelled });
  };

  const rerun = async () => {
    // Lists leave the request out; only the single-run GET has it.
    const full = await api.getJobRun(run.id);
    if (!full.request) {
      throw new Error(
        `Run ${run.name} has no stored request to submit again (it was started outside Backstage).`,
      );
    }
    const { run: created } = await api.submitJobRun(run.tenant, {
      ...full.request,
      idempotencyKey: newIdempotencyKey(),
    });
    alertApi.post({
      message: `Submitted ${created.name} again (run ${created.id})`,
      severity: 'success',
      display: 'transient',
    });
    onChange({ kind: 'resubmitted', run: created });
  };

  if (!showCancel && !showRerun) {
    return null;
  }
  return (
    <>
      {showCancel && (
        <Tooltip title="Cancel run">
          <IconButton
            size="small"
            aria-label={`Cancel run ${run.name}`}
            onClick={() => setDialog('cancel')}
          >
            <CancelIcon fontSize="small" />
          </IconButton>
        </Tooltip>
      )}
      {showRerun && (
        <Tooltip title="Re-run">
          <IconButton
            size="small"
            aria-label={`Re-run ${run.name}`}
            onClick={() => setDialog('rerun')}
          >
            <ReplayIcon fontSize="small" />
          </IconButton>
        </Tooltip>
      )}
      <ConfirmDialog
        open={dialog === 'cancel'}
        title={`Cancel ${run.name}?`}
        confirmLabel="Cancel run"
        cancelLabel="Keep running"
        onConfirm={cancel}
        onClose={() => setDialog(undefined)}
      >
        <Typography>
          EMR stops the driver and executors of run {run.id} in tenant{' '}
          {run.tenant}. Its logs are kept.
        </Typography>
      </ConfirmDialog>
      <ConfirmDialog
        open={dialog === 'rerun'}
        title={`Re-run ${run.name}?`}
        confirmLabel="Re-run"
        onConfirm={rerun}
        onClose={() => setDialog(undefined)}
      >
        <Typography>
          Submits the request of run {run.id} again to tenant {run.tenant}, with
          a new idempotency key. The new run appears at the top of the list.
        </Typography>
      </ConfirmDialog>
    </>
  );
}
