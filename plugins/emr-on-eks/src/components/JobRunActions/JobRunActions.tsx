import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  emrOnEksJobRunCancelPermission,
  emrOnEksJobRunSubmitPermission,
  JobRun,
  JobRunState,
} from '@spot-spark/plugin-emr-on-eks-common';
import Button from '@material-ui/core/Button';
import IconButton from '@material-ui/core/IconButton';
import Typography from '@material-ui/core/Typography';
import CancelIcon from '@material-ui/icons/Cancel';
import ReplayIcon from '@material-ui/icons/Replay';
import {
  createContext,
  ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from 'react';
import { emrOnEksApiRef } from '../../api';
import { useFocusRing } from '../../lib/focus';
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

type Action = 'cancel' | 'rerun';

/** What the user may do with the runs of one tenant. */
interface Allowed {
  cancel: boolean;
  submit: boolean;
}

interface ActionsContext {
  /** By tenant; a tenant without an answer yet has no actions. */
  allowed: Readonly<Record<string, Allowed>>;
  request(action: Action, run: JobRun): void;
}

// Rows read the permissions and open the dialogs through a context, so a
// permission answer re-renders the action cells only, not memoised rows.
const JobRunActionsContext = createContext<ActionsContext>({
  allowed: {},
  request: () => {},
});

/** Props of {@link JobRunActions}. */
export interface JobRunActionsProps {
  run: JobRun;
  /**
   * `icons` (default): small icon buttons for a table row; `buttons`: labelled
   * buttons, for the run's drawer.
   */
  variant?: 'icons' | 'buttons';
}

/**
 * Cancel and re-run buttons of one run, each shown only to who may do it;
 * inside a {@link JobRunActionsProvider}, which checks the permissions and
 * confirms the actions.
 */
export function JobRunActions(props: JobRunActionsProps) {
  const { run, variant = 'icons' } = props;
  const { allowed, request } = useContext(JobRunActionsContext);
  const focus = useFocusRing();
  const tenant = allowed[run.tenant];
  const showCancel = !!tenant?.cancel && CANCELLABLE.includes(run.state);
  // Only runs submitted here have a stored request to submit again.
  const showRerun = !!tenant?.submit && run.source === 'backstage';
  if (!showCancel && !showRerun) {
    return null;
  }
  if (variant === 'buttons') {
    // No focus ripple (see ConfirmDialog): the focus ring shows focus.
    return (
      <>
        {showCancel && (
          <Button
            variant="outlined"
            size="small"
            startIcon={<CancelIcon />}
            disableFocusRipple
            focusVisibleClassName={focus.focusVisible}
            onClick={() => request('cancel', run)}
          >
            Cancel run
          </Button>
        )}
        {showRerun && (
          <Button
            variant="outlined"
            size="small"
            startIcon={<ReplayIcon />}
            disableFocusRipple
            focusVisibleClassName={focus.focusVisible}
            onClick={() => request('rerun', run)}
          >
            Re-run
          </Button>
        )}
      </>
    );
  }
  // On a page of hundreds of runs, a Material UI Tooltip per button was about
  // half of the render time and the ripples (each button mounts its own in a
  // second render) about a sixth: the native title (which a closed Tooltip
  // leaves on its button too) and no ripple instead.
  return (
    <>
      {showCancel && (
        <IconButton
          size="small"
          disableRipple
          focusVisibleClassName={focus.focusVisible}
          aria-label={`Cancel run ${run.name}`}
          title="Cancel run"
          onClick={() => request('cancel', run)}
        >
          <CancelIcon fontSize="small" />
        </IconButton>
      )}
      {showRerun && (
        <IconButton
          size="small"
          disableRipple
          focusVisibleClassName={focus.focusVisible}
          aria-label={`Re-run ${run.name}`}
          title="Re-run"
          onClick={() => request('rerun', run)}
        >
          <ReplayIcon fontSize="small" />
        </IconButton>
      )}
    </>
  );
}

/** Asks once whether the user may cancel and submit runs of a tenant. */
function TenantPermissions(props: {
  tenant: string;
  onAnswer(tenant: string, allowed: Allowed): void;
}) {
  const { tenant, onAnswer } = props;
  const cancel = usePermission({
    permission: emrOnEksJobRunCancelPermission,
    resourceRef: tenant,
  });
  const submit = usePermission({
    permission: emrOnEksJobRunSubmitPermission,
    resourceRef: tenant,
  });
  const answered = !cancel.loading && !submit.loading;
  useEffect(() => {
    if (answered) {
      onAnswer(tenant, { cancel: cancel.allowed, submit: submit.allowed });
    }
  }, [answered, tenant, onAnswer, cancel.allowed, submit.allowed]);
  return null;
}

/**
 * The actions of the {@link JobRunActions} inside: one permission check per
 * tenant and action (the runs of a tenant share them; an entity's card may
 * show several tenants), and one confirmation dialog per action, rather than
 * checks and dialogs in every row.
 */
export function JobRunActionsProvider(props: {
  /** The tenants of the runs shown. */
  tenants: ReadonlyArray<string>;
  onChange(change: JobRunChange): void;
  children: ReactNode;
}) {
  const { tenants, onChange, children } = props;
  const api = useApi(emrOnEksApiRef);
  const alertApi = useApi(alertApiRef);
  const [allowed, setAllowed] = useState<Record<string, Allowed>>({});
  // The run stays while the dialog closes, for its exit transition.
  const [pending, setPending] = useState<{
    action: Action;
    run: JobRun;
    open: boolean;
  }>();

  const onAnswer = useCallback(
    (tenant: string, answer: Allowed) =>
      setAllowed(before =>
        before[tenant]?.cancel === answer.cancel &&
        before[tenant]?.submit === answer.submit
          ? before
          : { ...before, [tenant]: answer },
      ),
    [],
  );
  const request = useCallback(
    (action: Action, run: JobRun) => setPending({ action, run, open: true }),
    [],
  );
  const context = useMemo(() => ({ allowed, request }), [allowed, request]);
  const close = () => setPending(p => p && { ...p, open: false });

  const cancel = async (run: JobRun) => {
    const cancelled = await api.cancelJobRun(run.id);
    alertApi.post({
      message: `Cancelling ${run.name}: ${cancelled.state}`,
      severity: 'info',
      display: 'transient',
    });
    onChange({ kind: 'cancelled', run: cancelled });
  };

  const rerun = async (run: JobRun) => {
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

  return (
    <JobRunActionsContext.Provider value={context}>
      {[...new Set(tenants)].map(tenant => (
        <TenantPermissions key={tenant} tenant={tenant} onAnswer={onAnswer} />
      ))}
      {children}
      {pending && (
        <>
          <ConfirmDialog
            open={pending.open && pending.action === 'cancel'}
            title={`Cancel ${pending.run.name}?`}
            confirmLabel="Cancel run"
            cancelLabel="Keep running"
            onConfirm={() => cancel(pending.run)}
            onClose={close}
          >
            <Typography>
              EMR stops the driver and executors of run {pending.run.id} in
              tenant {pending.run.tenant}. Its logs are kept.
            </Typography>
          </ConfirmDialog>
          <ConfirmDialog
            open={pending.open && pending.action === 'rerun'}
            title={`Re-run ${pending.run.name}?`}
            confirmLabel="Re-run"
            onConfirm={() => rerun(pending.run)}
            onClose={close}
          >
            <Typography>
              Submits the request of run {pending.run.id} again to tenant{' '}
              {pending.run.tenant}, with a new idempotency key. The new run
              appears at the top of the list.
            </Typography>
          </ConfirmDialog>
        </>
      )}
    </JobRunActionsContext.Provider>
  );
}
