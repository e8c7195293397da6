import { useApi } from '@backstage/core-plugin-api';
import type { ClusterPreflight } from '@spot-spark/plugin-emr-on-eks-common';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { emrOnEksApiRef } from '../../api';
import { useFocusRing } from '../../lib/focus';
import { ConfirmDialog } from '../ConfirmDialog';

/** Why the button is off for a cluster in direct mode. */
export const DIRECT_MODE_REASON =
  'This cluster is in direct mode: the backend writes no GitOps repository for it. Download the bundle and apply it with kubectl.';

/**
 * "Write to the GitOps repository": after a confirmation, the backend writes
 * the bundle under the cluster's GitOps output, and `onWritten` gets where.
 * Off, with the reason, for a cluster in direct mode.
 */
export function WriteBundleButton(props: {
  cluster: ClusterPreflight;
  onWritten(writtenTo: string): void;
}) {
  const { cluster, onWritten } = props;
  const api = useApi(emrOnEksApiRef);
  const focus = useFocusRing();
  const [confirming, setConfirming] = useState(false);
  const gitops = cluster.kubernetesMode === 'gitops';

  const button = (
    <Button
      variant="outlined"
      color="primary"
      disabled={!gitops}
      onClick={() => setConfirming(true)}
      disableFocusRipple
      focusVisibleClassName={focus.focusVisible}
    >
      Write to the GitOps repository
    </Button>
  );
  if (!gitops) {
    // A disabled button gets no pointer events: the tooltip sits on a span.
    return (
      <Tooltip title={DIRECT_MODE_REASON}>
        <span>{button}</span>
      </Tooltip>
    );
  }
  return (
    <>
      {button}
      <ConfirmDialog
        open={confirming}
        title={`Write the bundle of ${cluster.name} to the GitOps repository?`}
        confirmLabel="Write"
        onConfirm={async () => {
          const written = await api.getClusterBootstrap(cluster.name, {
            write: true,
          });
          onWritten(written.writtenTo ?? '');
        }}
        onClose={() => setConfirming(false)}
      >
        <Typography>
          The files go under the cluster&apos;s directory of the GitOps output,
          replacing the bundle written before; your GitOps tool applies them
          from there.
        </Typography>
      </ConfirmDialog>
    </>
  );
}
