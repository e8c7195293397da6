import {
  ContentHeader,
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import type { ClusterPreflight } from '@spot-spark/plugin-emr-on-eks-common';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Grid from '@material-ui/core/Grid';
import RefreshIcon from '@material-ui/icons/Refresh';
import Alert from '@material-ui/lab/Alert';
import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useClusters } from '../../hooks';
import { isNotVisible } from '../../lib/errors';
import { useFocusRing } from '../../lib/focus';
import { ClusterDetail } from './ClusterDetail';
import { ClustersNotAllowed } from './ClustersNotAllowed';
import { ClustersTable } from './ClustersTable';

const CLUSTER_PARAM = 'cluster';

// Out of sight, still read by screen readers.
const visuallyHidden = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
} as const;

/**
 * The cluster whose checks are shown: the URL's (`?cluster=`), else the
 * first that is not ready (what needs the admin), else the first.
 */
function selectedCluster(
  clusters: ClusterPreflight[],
  named: string | null,
): ClusterPreflight | { missing: string } | undefined {
  if (named !== null) {
    return clusters.find(c => c.name === named) ?? { missing: named };
  }
  return clusters.find(c => !c.ready) ?? clusters[0];
}

function RunChecksButton(props: {
  running: boolean;
  disabled: boolean;
  onClick(): void;
}) {
  const focus = useFocusRing();
  return (
    <Button
      variant="outlined"
      color="primary"
      onClick={props.onClick}
      disabled={props.disabled || props.running}
      startIcon={
        props.running ? (
          <CircularProgress size={16} aria-hidden="true" />
        ) : (
          <RefreshIcon />
        )
      }
      disableFocusRipple
      focusVisibleClassName={focus.focusVisible}
    >
      {props.running ? 'Running checks…' : 'Run checks again'}
    </Button>
  );
}

/**
 * The Clusters tab, for platform admins: every configured cluster, whether
 * it is ready for Spot Spark tenants, each check with what to do about it,
 * and the bundle that makes it ready.
 */
export function ClustersTab() {
  const clusters = useClusters();
  const [searchParams, setSearchParams] = useSearchParams();
  const select = useCallback(
    (name: string) => {
      const next = new URLSearchParams(searchParams);
      next.set(CLUSTER_PARAM, name);
      setSearchParams(next);
    },
    [searchParams, setSearchParams],
  );

  // The backend answers 404 to who may not read the clusters.
  if (clusters.error && isNotVisible(clusters.error)) {
    return <ClustersNotAllowed />;
  }

  let body;
  if (clusters.error) {
    body = <ResponseErrorPanel error={clusters.error} />;
  } else if (!clusters.value) {
    body = <Progress />;
  } else if (clusters.value.items.length === 0) {
    body = (
      <EmptyState
        missing="data"
        title="No clusters are configured"
        description="Clusters are configured under emrOnEks.clusters in the backend's app-config.yaml."
      />
    );
  } else {
    const selected = selectedCluster(
      clusters.value.items,
      searchParams.get(CLUSTER_PARAM),
    );
    body = (
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <ClustersTable
            clusters={clusters.value.items}
            onSelect={select}
            selected={
              selected && !('missing' in selected) ? selected.name : undefined
            }
          />
        </Grid>
        {selected && (
          <Grid item xs={12}>
            {'missing' in selected ? (
              <Alert severity="warning">
                Cluster {selected.missing} is not configured.
              </Alert>
            ) : (
              <ClusterDetail key={selected.name} cluster={selected} />
            )}
          </Grid>
        )}
      </Grid>
    );
  }

  return (
    <>
      <ContentHeader
        title="Clusters"
        description="Whether each cluster is ready for Spot Spark tenants, and what to do when it is not"
      >
        <RunChecksButton
          running={clusters.loading && clusters.value !== undefined}
          disabled={clusters.loading}
          onClick={clusters.runChecksAgain}
        />
      </ContentHeader>
      {/* Announces the checks running and done to screen readers. */}
      <span role="status" style={visuallyHidden}>
        {clusters.loading && clusters.value ? 'Running the checks again' : ''}
      </span>
      {body}
    </>
  );
}
