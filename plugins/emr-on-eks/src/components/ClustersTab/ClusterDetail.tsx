import { InfoCard } from '@backstage/core-components';
import type { ClusterPreflight } from '@spot-spark/plugin-emr-on-eks-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { ReactNode, useState } from 'react';
import { useFocusRing } from '../../lib/focus';
import { formatTime } from '../../lib/format';
import { CopyableId } from '../CopyableId';
import { FactsTable } from '../FactsTable';
import { RelativeTime } from '../RelativeTime';
import { ClusterReadyLabel } from '../StatusLabel';
import { BootstrapDialog } from './BootstrapDialog';
import { ClusterChecks } from './ClusterChecks';
import { identityText, modeText } from './clusterText';

function Facts(props: { cluster: ClusterPreflight }) {
  const { cluster } = props;
  const facts: Array<[string, ReactNode]> = [
    ['Ready', <ClusterReadyLabel key="ready" ready={cluster.ready} />],
    ['Account', cluster.accountId],
    ['Region', cluster.region],
    ['EKS cluster', cluster.eksClusterName],
    ['Identity', identityText(cluster.identity)],
    ['Kubernetes mode', modeText(cluster.kubernetesMode)],
    [
      'Role',
      cluster.roleArn ? (
        <CopyableId key="role" value={cluster.roleArn} label="role ARN" />
      ) : (
        'The backend’s own credentials'
      ),
    ],
    [
      'Checked',
      <span key="checked">
        <RelativeTime iso={cluster.checkedAt} /> (
        {formatTime(cluster.checkedAt)})
      </span>,
    ],
  ];
  return <FactsTable label={`Facts of ${cluster.name}`} facts={facts} />;
}

/**
 * One cluster: its checks in order (what failed and what to do), its facts,
 * and its bootstrap bundle.
 */
export function ClusterDetail(props: { cluster: ClusterPreflight }) {
  const { cluster } = props;
  const focus = useFocusRing();
  const [bundleOpen, setBundleOpen] = useState(false);
  return (
    <InfoCard title={`Cluster ${cluster.name}`}>
      {/* In the body, not the header: there it wraps on a phone. */}
      <Box display="flex" flexWrap="wrap" mb={2} style={{ gap: 8 }}>
        <Button
          variant="outlined"
          aria-label={`Bootstrap bundle of ${cluster.name}`}
          onClick={() => setBundleOpen(true)}
          disableFocusRipple
          focusVisibleClassName={focus.focusVisible}
        >
          Bootstrap bundle
        </Button>
      </Box>
      <Typography variant="h6" component="h3">
        Checks
      </Typography>
      <ClusterChecks cluster={cluster.name} checks={cluster.checks} />
      <Box mt={2}>
        <Typography variant="h6" component="h3">
          Cluster
        </Typography>
        <Facts cluster={cluster} />
      </Box>
      {bundleOpen && (
        <BootstrapDialog
          cluster={cluster}
          onClose={() => setBundleOpen(false)}
        />
      )}
    </InfoCard>
  );
}
