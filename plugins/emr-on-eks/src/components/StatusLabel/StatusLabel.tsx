import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import type {
  BudgetState,
  ClusterCheckStatus,
  JobRunState,
  StepState,
  TenantPhase,
} from '@spot-spark/plugin-emr-on-eks-common';
import { makeStyles } from '@material-ui/core/styles';
import type { JSX } from 'react';
import { BUDGET_STATES } from '../../lib/budget';

type Kind = 'ok' | 'error' | 'pending' | 'running' | 'aborted' | 'warning';

const ICONS: Record<Kind, () => JSX.Element> = {
  ok: () => <StatusOK />,
  error: () => <StatusError />,
  pending: () => <StatusPending />,
  running: () => <StatusRunning />,
  aborted: () => <StatusAborted />,
  warning: () => <StatusWarning />,
};

const JOB_RUN_KINDS: Record<JobRunState, Kind> = {
  SUBMITTING: 'pending',
  PENDING: 'pending',
  SUBMITTED: 'pending',
  RUNNING: 'running',
  COMPLETED: 'ok',
  FAILED: 'error',
  CANCEL_PENDING: 'aborted',
  CANCELLED: 'aborted',
};

const PHASE_KINDS: Record<TenantPhase, Kind> = {
  Pending: 'pending',
  Reconciling: 'running',
  Ready: 'ok',
  Failed: 'error',
  Deleting: 'warning',
};

const STEP_KINDS: Record<StepState, Kind> = {
  Pending: 'pending',
  Running: 'running',
  Succeeded: 'ok',
  Failed: 'error',
  Deleted: 'aborted',
};

// What a check's status reads as: words, not the icon's colour alone.
const CHECK_LABELS: Record<ClusterCheckStatus, { kind: Kind; label: string }> =
  {
    pass: { kind: 'ok', label: 'Passed' },
    fail: { kind: 'error', label: 'Failed' },
    warn: { kind: 'warning', label: 'Warning' },
    skipped: { kind: 'aborted', label: 'Skipped' },
  };

// A static class, not a Box: a Box per row of a long table costs a style
// rule each.
const useStyles = makeStyles(
  {
    label: { display: 'inline-flex', alignItems: 'baseline' },
  },
  { name: 'EmrOnEksStatusLabel' },
);

/**
 * A status icon and its text. Backstage's Status* components hide their
 * content from screen readers, so the text is rendered beside the icon.
 */
function StatusLabel(props: { kind: Kind; label: string }) {
  const classes = useStyles();
  const Icon = ICONS[props.kind];
  return (
    <span className={classes.label}>
      <Icon />
      <span>{props.label}</span>
    </span>
  );
}

/** A job run's state with its icon. */
export function JobRunStateLabel(props: { state: JobRunState }) {
  return (
    <StatusLabel
      kind={JOB_RUN_KINDS[props.state] ?? 'warning'}
      label={props.state}
    />
  );
}

/** A tenant's phase with its icon. */
export function TenantPhaseLabel(props: { phase: TenantPhase }) {
  return (
    <StatusLabel
      kind={PHASE_KINDS[props.phase] ?? 'warning'}
      label={props.phase}
    />
  );
}

/** A reconcile step's state with its icon. */
export function StepStateLabel(props: { state: StepState }) {
  return (
    <StatusLabel
      kind={STEP_KINDS[props.state] ?? 'warning'}
      label={props.state}
    />
  );
}

/** A cluster preflight check's status with its icon (`Passed`, `Failed`, ...). */
export function ClusterCheckStatusLabel(props: { status: ClusterCheckStatus }) {
  const { kind, label } = CHECK_LABELS[props.status] ?? {
    kind: 'warning',
    label: props.status,
  };
  return <StatusLabel kind={kind} label={label} />;
}

/** Whether a cluster is ready for tenants (no check failed), with its icon. */
export function ClusterReadyLabel(props: { ready: boolean }) {
  return props.ready ? (
    <StatusLabel kind="ok" label="Ready" />
  ) : (
    <StatusLabel kind="error" label="Not ready" />
  );
}

/**
 * Where a month stands against its budget, in words beside the icon
 * (`Within budget`, `At risk`, `Over budget`), with `detail` right after it
 * (`: 62% spent`).
 */
export function BudgetStateLabel(props: {
  state: BudgetState;
  detail?: string;
}) {
  const { kind, label } = BUDGET_STATES[props.state] ?? {
    kind: 'warning',
    label: props.state,
  };
  return <StatusLabel kind={kind} label={`${label}${props.detail ?? ''}`} />;
}
