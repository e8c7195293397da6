import { Tenant } from '@spot-spark/plugin-emr-on-eks-common';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Link from '@material-ui/core/Link';
import Typography from '@material-ui/core/Typography';
import { useMemo } from 'react';
import { useFocusRing } from '../../lib/focus';
import { CopyableId } from '../CopyableId';
import { DataTable, DataTableColumn } from '../DataTable';
import { EntityName } from '../EntityName';
import { TenantPhaseLabel } from '../StatusLabel';

/** Succeeded steps out of all, for the progress bar. */
export function stepProgress(tenant: Tenant): {
  succeeded: number;
  total: number;
} {
  const steps = tenant.status.steps ?? [];
  return {
    succeeded: steps.filter(step => step.state === 'Succeeded').length,
    total: steps.length,
  };
}

/** `requests.cpu 32`, `limits.memory 256Gi`, ... */
function quotaEntries(tenant: Tenant): string[] {
  return Object.entries(tenant.spec.quota ?? {}).map(
    ([key, value]) => `${key} ${value}`,
  );
}

/** `requests.cpu 32, limits.memory 256Gi, ...` */
export function quotaText(tenant: Tenant): string {
  return quotaEntries(tenant).join(', ');
}

function StepProgress(props: { tenant: Tenant }) {
  const { succeeded, total } = stepProgress(props.tenant);
  const value = total === 0 ? 0 : (succeeded / total) * 100;
  return (
    <Box minWidth={120}>
      <LinearProgress
        variant="determinate"
        value={value}
        aria-label={`Reconcile steps of ${props.tenant.name}`}
        aria-valuetext={`${succeeded} of ${total} steps succeeded`}
      />
      <Typography variant="caption">
        {succeeded}/{total} steps
      </Typography>
    </Box>
  );
}

const tenantKey = (tenant: Tenant) => tenant.name;

/** A page of tenants. */
export function TenantsTable(props: {
  tenants: Tenant[];
  onSelect(name: string): void;
  /** The tenant whose details are shown. */
  selected?: string;
}) {
  const { tenants, onSelect, selected } = props;
  const focus = useFocusRing();
  const columns = useMemo<DataTableColumn<Tenant>[]>(
    () => [
      // Names, phases, releases and owners stay whole on a phone instead of
      // breaking letter by letter; ids wrap in monospace, with a copy button.
      {
        title: 'Name',
        highlight: true,
        nowrap: true,
        sortValue: tenant => tenant.name,
        // The row opens the tenant on a click; this button is the keyboard's
        // way (its click reaches the row).
        render: tenant => (
          <Link
            component="button"
            variant="body2"
            className={focus.root}
            aria-label={`Show tenant ${tenant.name}`}
          >
            {tenant.name}
          </Link>
        ),
      },
      {
        title: 'Phase',
        nowrap: true,
        sortValue: tenant => tenant.status.phase,
        render: tenant => <TenantPhaseLabel phase={tenant.status.phase} />,
      },
      {
        title: 'Owner',
        sortValue: tenant => tenant.spec.owner,
        render: tenant => (
          <EntityName entityRef={tenant.spec.owner} defaultKind="group" />
        ),
      },
      {
        title: 'Steps',
        hideBelow: 'sm',
        sortValue: tenant => stepProgress(tenant).succeeded,
        render: tenant => <StepProgress tenant={tenant} />,
      },
      {
        title: 'Release',
        nowrap: true,
        hideBelow: 'md',
        sortValue: tenant => tenant.spec.releaseLabel,
        render: tenant => tenant.spec.releaseLabel,
      },
      {
        title: 'Virtual cluster',
        hideBelow: 'lg',
        render: tenant => (
          <CopyableId
            value={tenant.status.virtualClusterId}
            label={`virtual cluster id of ${tenant.name}`}
          />
        ),
      },
      {
        // The role and the quota are on the tenant's own card too.
        title: 'Execution role',
        hideBelow: 'xl',
        render: tenant => (
          <CopyableId
            value={tenant.status.executionRoleArn}
            label={`execution role ARN of ${tenant.name}`}
          />
        ),
      },
      {
        title: 'Quota',
        hideBelow: 'xl',
        // One limit a line: a narrow column of them stays short.
        render: tenant => (
          <Box component="span" display="block">
            {quotaEntries(tenant).map(entry => (
              <Box component="span" display="block" key={entry}>
                {entry}
              </Box>
            ))}
          </Box>
        ),
      },
    ],
    [focus.root],
  );
  return (
    <DataTable
      label="Tenants"
      columns={columns}
      rows={tenants}
      rowKey={tenantKey}
      onRowClick={tenant => onSelect(tenant.name)}
      selectedKey={selected}
    />
  );
}
