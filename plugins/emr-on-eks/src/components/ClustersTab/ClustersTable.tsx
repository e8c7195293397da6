import type { ClusterPreflight } from '@spot-spark/plugin-emr-on-eks-common';
import Link from '@material-ui/core/Link';
import { useMemo } from 'react';
import { useFocusRing } from '../../lib/focus';
import { CopyableId } from '../CopyableId';
import { DataTable, DataTableColumn } from '../DataTable';
import { RelativeTime, RelativeTimeClock } from '../RelativeTime';
import { ClusterReadyLabel } from '../StatusLabel';
import { identityText, modeText } from './clusterText';

const clusterKey = (cluster: ClusterPreflight) => cluster.name;

/**
 * The configured clusters, one a row; a click on a row (or its name's
 * button) shows its checks. On a phone only the name, readiness and check
 * time stay; the rest is in the cluster's panel.
 */
export function ClustersTable(props: {
  clusters: ClusterPreflight[];
  onSelect(name: string): void;
  /** The cluster whose checks are shown. */
  selected?: string;
}) {
  const { clusters, onSelect, selected } = props;
  const focus = useFocusRing();
  const columns = useMemo<DataTableColumn<ClusterPreflight>[]>(
    () => [
      {
        title: 'Name',
        highlight: true,
        nowrap: true,
        sortValue: cluster => cluster.name,
        // The keyboard's way to the row's click.
        render: cluster => (
          <Link
            component="button"
            variant="body2"
            className={focus.root}
            aria-label={`Show checks of cluster ${cluster.name}`}
          >
            {cluster.name}
          </Link>
        ),
      },
      {
        title: 'Ready',
        nowrap: true,
        sortValue: cluster => (cluster.ready ? 1 : 0),
        render: cluster => <ClusterReadyLabel ready={cluster.ready} />,
      },
      {
        title: 'Account',
        nowrap: true,
        hideBelow: 'sm',
        sortValue: cluster => cluster.accountId,
        render: cluster => cluster.accountId,
      },
      {
        title: 'Region',
        nowrap: true,
        hideBelow: 'md',
        sortValue: cluster => cluster.region,
        render: cluster => cluster.region,
      },
      {
        title: 'EKS cluster',
        hideBelow: 'md',
        sortValue: cluster => cluster.eksClusterName,
        render: cluster => cluster.eksClusterName,
      },
      {
        title: 'Identity',
        nowrap: true,
        hideBelow: 'lg',
        sortValue: cluster => identityText(cluster.identity),
        render: cluster => identityText(cluster.identity),
      },
      {
        title: 'Mode',
        nowrap: true,
        hideBelow: 'lg',
        sortValue: cluster => modeText(cluster.kubernetesMode),
        render: cluster => modeText(cluster.kubernetesMode),
      },
      {
        title: 'Role',
        hideBelow: 'lg',
        render: cluster =>
          cluster.roleArn ? (
            <CopyableId
              value={cluster.roleArn}
              label={`role ARN of ${cluster.name}`}
            />
          ) : (
            'The backend’s own'
          ),
      },
      {
        title: 'Checked',
        nowrap: true,
        hideBelow: 'sm',
        sortValue: cluster => cluster.checkedAt,
        render: cluster => <RelativeTime iso={cluster.checkedAt} />,
      },
    ],
    [focus.root],
  );
  return (
    <RelativeTimeClock>
      <DataTable
        label="Clusters"
        columns={columns}
        rows={clusters}
        rowKey={clusterKey}
        onRowClick={cluster => onSelect(cluster.name)}
        selectedKey={selected}
      />
    </RelativeTimeClock>
  );
}
