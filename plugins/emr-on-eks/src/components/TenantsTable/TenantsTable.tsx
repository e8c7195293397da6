import { Tenant } from '@spot-spark/plugin-emr-on-eks-common';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Link from '@material-ui/core/Link';
import Typography from '@material-ui/core/Typography';
import { useMemo } from 'react';
import { DataTable, DataTableColumn } from '../DataTable';
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
}) {
  const { tenants, onSelect } = props;
  const columns = useMemo<DataTableColumn<Tenant>[]>(
    () => [
      // Names, phases, releases and role names stay whole on a phone instead
      // of breaking letter by letter; long values (owner, ids, quota) wrap.
      {
        title: 'Name',
        highlight: true,
        nowrap: true,
        render: tenant => (
          <Link
            component="button"
            variant="body2"
            onClick={() => onSelect(tenant.name)}
            aria-label={`Show tenant ${tenant.name}`}
          >
            {tenant.name}
          </Link>
        ),
      },
      {
        title: 'Phase',
        nowrap: true,
        render: tenant => <TenantPhaseLabel phase={tenant.status.phase} />,
      },
      { title: 'Steps', render: tenant => <StepProgress tenant={tenant} /> },
      { title: 'Owner', render: tenant => tenant.spec.owner },
      {
        title: 'Release',
        nowrap: true,
        render: tenant => tenant.spec.releaseLabel,
      },
      {
        title: 'Virtual cluster',
        render: tenant => tenant.status.virtualClusterId ?? '',
      },
      {
        // The role's name fits a row; its ARN is on the tenant's page.
        title: 'Execution role',
        nowrap: true,
        render: tenant => {
          const arn = tenant.status.executionRoleArn;
          return arn ? <span title={arn}>{arn.split('/').pop()}</span> : '';
        },
      },
      {
        title: 'Quota',
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
    [onSelect],
  );
  return (
    <DataTable
      label="Tenants"
      columns={columns}
      rows={tenants}
      rowKey={tenantKey}
    />
  );
}
