import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  emrOnEksTenantDeletePermission,
  emrOnEksTenantUpdatePermission,
  Tenant,
  TenantStepStatus,
} from '@spot-spark/plugin-emr-on-eks-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { ReactNode, useState, type JSX } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { emrOnEksApiRef } from '../../api';
import { useTenant } from '../../hooks';
import { isNotVisible } from '../../lib/errors';
import { formatTime } from '../../lib/format';
import { ConfirmDialog } from '../ConfirmDialog';
import { StepStateLabel, TenantPhaseLabel } from '../StatusLabel';
import { quotaText } from '../TenantsTable';
import { TenantAudit } from './TenantAudit';
import { TenantEditDialog } from './TenantEditDialog';
import { FactsTable } from '../FactsTable';
import { CopyableId } from '../CopyableId';
import { EntityName } from '../EntityName';
import { RelativeTime } from '../RelativeTime';
import { TenantBudgetSection } from '../TenantBudget';

/** Characters of a message's first line shown before "Full message". */
const SUMMARY_LENGTH = 160;

/**
 * The first line of a message, for the summary; the rest (a long AWS error,
 * say) stays one click away rather than pushing the steps off screen.
 */
function MessageText(props: { message: string }) {
  const [first, ...rest] = props.message.split('\n');
  // A one-line summary of every file written is a paragraph: its start.
  const long = first.length > SUMMARY_LENGTH;
  return (
    <>
      <span>{long ? `${first.slice(0, SUMMARY_LENGTH)}…` : first}</span>
      {(long || rest.some(line => line.trim())) && (
        <details>
          <summary>Full message</summary>
          <pre style={{ whiteSpace: 'pre-wrap' }}>{props.message}</pre>
        </details>
      )}
    </>
  );
}

/** What failed, first: each failed step's message, or the tenant's. */
function Failures(props: { tenant: Tenant }) {
  const { tenant } = props;
  const failed = tenant.status.steps.filter(step => step.state === 'Failed');
  if (failed.length === 0) {
    return tenant.status.phase === 'Failed' && tenant.status.message ? (
      <Alert severity="error">
        <AlertTitle>Reconcile failed</AlertTitle>
        <MessageText message={tenant.status.message} />
      </Alert>
    ) : null;
  }
  return (
    <>
      {failed.map(step => (
        <Alert severity="error" key={step.name}>
          <AlertTitle>Step {step.name} failed</AlertTitle>
          <MessageText message={step.message} />
        </Alert>
      ))}
    </>
  );
}

const useStepStyles = makeStyles(
  theme => ({
    // Step names and states stay whole; the message takes the rest and
    // wraps between words.
    step: { whiteSpace: 'nowrap', verticalAlign: 'top' },
    message: { overflowWrap: 'break-word', verticalAlign: 'top' },
    updated: {
      whiteSpace: 'nowrap',
      verticalAlign: 'top',
      [theme.breakpoints.down('xs')]: { display: 'none' },
    },
  }),
  { name: 'EmrOnEksTenantSteps' },
);

/** The steps: name and state in one cell, so a phone keeps the message readable. */
function Steps(props: { steps: TenantStepStatus[] }) {
  const classes = useStepStyles();
  return (
    <Table size="small" aria-label="Reconcile steps">
      <TableHead>
        <TableRow>
          <TableCell>Step</TableCell>
          <TableCell>Message</TableCell>
          <TableCell className={classes.updated}>Updated</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.steps.map(step => (
          <TableRow key={step.name}>
            <TableCell className={classes.step}>
              {step.name}
              <div>
                <StepStateLabel state={step.state} />
              </div>
            </TableCell>
            <TableCell className={classes.message}>
              <MessageText message={step.message} />
            </TableCell>
            <TableCell className={classes.updated}>
              <RelativeTime iso={step.updatedAt} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function Facts(props: { tenant: Tenant }) {
  const { tenant } = props;
  const rows: Array<[string, ReactNode]> = [
    ['Phase', <TenantPhaseLabel key="phase" phase={tenant.status.phase} />],
    [
      'Owner',
      <EntityName
        key="owner"
        entityRef={tenant.spec.owner}
        defaultKind="group"
      />,
    ],
    ['Cluster', tenant.spec.cluster],
    ['Namespace', tenant.status.namespace],
    [
      'Virtual cluster',
      <CopyableId
        key="vc"
        value={tenant.status.virtualClusterId}
        label="virtual cluster id"
      />,
    ],
    [
      'Role ARN',
      <CopyableId
        key="role"
        value={tenant.status.executionRoleArn}
        label="role ARN"
      />,
    ],
    [
      'Log group',
      <CopyableId
        key="logs"
        value={tenant.status.logGroupName}
        label="log group"
      />,
    ],
    [
      'Assets',
      <CopyableId
        key="assets"
        value={tenant.status.assetsPrefix}
        label="assets prefix"
      />,
    ],
    ['Release', tenant.spec.releaseLabel],
    ['Priority tier', tenant.spec.priorityTier],
    ['Quota', quotaText(tenant)],
    [
      'Generation',
      `${tenant.generation} (reconciled: ${tenant.status.observedGeneration})`,
    ],
    ['Last reconciled', formatTime(tenant.status.lastReconciledAt)],
  ];
  return <FactsTable label="Tenant facts" facts={rows} />;
}

function Actions(props: { tenant: Tenant; onChanged(): void }) {
  const { tenant, onChanged } = props;
  const { name } = tenant;
  const api = useApi(emrOnEksApiRef);
  const canUpdate = usePermission({
    permission: emrOnEksTenantUpdatePermission,
    resourceRef: name,
  });
  const canDelete = usePermission({
    permission: emrOnEksTenantDeletePermission,
    resourceRef: name,
  });
  const [dialog, setDialog] = useState<'edit' | 'reconcile' | 'offboard'>();
  if (!canUpdate.allowed && !canDelete.allowed) {
    return null;
  }
  return (
    <Box display="flex" flexWrap="wrap" mb={2} style={{ gap: 8 }}>
      {canUpdate.allowed && (
        <Button
          variant="outlined"
          aria-label={`Edit tenant ${name}`}
          onClick={() => setDialog('edit')}
        >
          Edit
        </Button>
      )}
      {canUpdate.allowed && (
        <Button variant="outlined" onClick={() => setDialog('reconcile')}>
          Retry reconcile
        </Button>
      )}
      {canDelete.allowed && (
        <Button
          variant="outlined"
          color="secondary"
          onClick={() => setDialog('offboard')}
        >
          Offboard
        </Button>
      )}
      {dialog === 'edit' && (
        <TenantEditDialog
          tenant={tenant}
          onChanged={onChanged}
          onClose={() => setDialog(undefined)}
        />
      )}
      <ConfirmDialog
        open={dialog === 'reconcile'}
        title={`Reconcile ${name} now?`}
        confirmLabel="Reconcile"
        onConfirm={async () => {
          await api.reconcileTenant(name);
          onChanged();
        }}
        onClose={() => setDialog(undefined)}
      >
        <Typography>
          Runs every step again, starting at the first one that did not succeed.
          Steps that are up to date change nothing.
        </Typography>
      </ConfirmDialog>
      <ConfirmDialog
        open={dialog === 'offboard'}
        title={`Offboard ${name}?`}
        confirmLabel="Offboard"
        confirmationText={name}
        onConfirm={async () => {
          await api.deleteTenant(name);
          onChanged();
        }}
        onClose={() => setDialog(undefined)}
      >
        <Typography>
          Deletes the virtual cluster, log group, assets (pod templates and
          logs), IAM role and namespace of {name}. Its audit trail and job runs
          are kept. Running jobs stop.
        </Typography>
      </ConfirmDialog>
    </Box>
  );
}

/** One tenant: what failed, its steps, its facts, its audit trail, actions. */
export function TenantDetail(props: { name: string; onChanged(): void }) {
  const { name, onChanged } = props;
  const tenant = useTenant(name);
  const [auditToken, setAuditToken] = useState(0);
  const changed = () => {
    tenant.reload();
    setAuditToken(t => t + 1);
    onChanged();
  };

  let body: JSX.Element;
  if (tenant.error) {
    body = isNotVisible(tenant.error) ? (
      <Alert severity="warning">
        Tenant {name} is not found, or you may not see it.
      </Alert>
    ) : (
      <ResponseErrorPanel error={tenant.error} />
    );
  } else if (!tenant.value) {
    body = <Progress />;
  } else {
    body = (
      <>
        <Failures tenant={tenant.value} />
        {tenant.value.status.phase !== 'Failed' &&
          tenant.value.status.message && (
            <Typography variant="body2">
              {tenant.value.status.message}
            </Typography>
          )}
        <Box mt={2}>
          <Typography variant="h6" component="h3">
            Reconcile steps
          </Typography>
          <Steps steps={tenant.value.status.steps} />
        </Box>
        <Box mt={2}>
          <Typography variant="h6" component="h3">
            Tenant
          </Typography>
          <Facts tenant={tenant.value} />
        </Box>
        <TenantBudgetSection name={name} />
        <Box mt={2}>
          <Typography variant="h6" component="h3">
            Audit trail
          </Typography>
          <TenantAudit name={name} reloadToken={auditToken} />
        </Box>
      </>
    );
  }

  return (
    // The actions open the body, not the header: there they wrap on a
    // phone instead of pushing the card wider than the screen.
    <InfoCard title={`Tenant ${name}`}>
      {tenant.value && <Actions tenant={tenant.value} onChanged={changed} />}
      {body}
    </InfoCard>
  );
}
