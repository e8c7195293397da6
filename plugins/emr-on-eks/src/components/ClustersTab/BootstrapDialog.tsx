import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { ClusterPreflight } from '@spot-spark/plugin-emr-on-eks-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import useMediaQuery from '@material-ui/core/useMediaQuery';
import GetAppIcon from '@material-ui/icons/GetApp';
import Alert from '@material-ui/lab/Alert';
import { useId, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { emrOnEksApiRef } from '../../api';
import { useFocusRing } from '../../lib/focus';
import { saveBlob } from '../EntityEmrChargebackCard/download';
import { BundleFile } from './BundleFile';
import { bundleAsOneYaml, bundleFileName } from './bundleFiles';
import { WriteBundleButton } from './WriteBundleButton';

const useStyles = makeStyles(
  theme => ({
    actions: { flexWrap: 'wrap', gap: theme.spacing(1) },
  }),
  { name: 'EmrOnEksBootstrapDialog' },
);

/**
 * A cluster's bootstrap bundle: what it needs for Spot-first Spark, file by
 * file, to download as one YAML or (GitOps mode) write to the repository.
 * Full screen on a phone.
 */
export function BootstrapDialog(props: {
  cluster: ClusterPreflight;
  onClose(): void;
}) {
  const { cluster, onClose } = props;
  const api = useApi(emrOnEksApiRef);
  const theme = useTheme();
  const phone = useMediaQuery(theme.breakpoints.down('xs'));
  const classes = useStyles();
  const focus = useFocusRing();
  const titleId = useId();
  const [writtenTo, setWrittenTo] = useState<string>();
  const bundle = useAsync(
    () => api.getClusterBootstrap(cluster.name),
    [api, cluster.name],
  );

  let body;
  if (bundle.error) {
    body = <ResponseErrorPanel error={bundle.error} />;
  } else if (!bundle.value) {
    body = <Progress />;
  } else {
    body = (
      <>
        <Typography variant="body2">
          Karpenter node pools (executors on Spot, drivers and job submitters
          On-Demand), the priority classes, the storage class and EMR&apos;s
          access, with labels and taints that match the jobs&apos; pod
          templates. Download them as one file for <code>kubectl apply -f</code>
          , or copy the files into a directory and run{' '}
          <code>kubectl apply -k</code>. Karpenter must be installed.
        </Typography>
        {writtenTo !== undefined && (
          <Alert severity="success" role="status">
            Written to <code>{writtenTo || 'the GitOps output'}</code>
          </Alert>
        )}
        {bundle.value.files.map(file => (
          <BundleFile key={file.path} file={file} />
        ))}
      </>
    );
  }

  const download = () => {
    if (bundle.value) {
      saveBlob(
        new Blob([bundleAsOneYaml(bundle.value)], {
          type: 'application/yaml;charset=utf-8',
        }),
        bundleFileName(cluster.name),
      );
    }
  };

  return (
    <Dialog
      open
      onClose={onClose}
      aria-labelledby={titleId}
      fullWidth
      maxWidth="md"
      fullScreen={phone}
    >
      <DialogTitle id={titleId}>Bootstrap bundle of {cluster.name}</DialogTitle>
      <DialogContent dividers>{body}</DialogContent>
      <DialogActions className={classes.actions}>
        <Button
          startIcon={<GetAppIcon />}
          onClick={download}
          disabled={!bundle.value}
          disableFocusRipple
          focusVisibleClassName={focus.focusVisible}
        >
          Download as one YAML
        </Button>
        <WriteBundleButton cluster={cluster} onWritten={setWrittenTo} />
        <Button
          onClick={onClose}
          color="primary"
          variant="contained"
          disableFocusRipple
          focusVisibleClassName={focus.focusVisible}
        >
          Close
        </Button>
      </DialogActions>
    </Dialog>
  );
}
