import { useApi } from '@backstage/core-plugin-api';
import { JobRun } from '@spot-spark/plugin-emr-on-eks-common';
import Button from '@material-ui/core/Button';
import Link from '@material-ui/core/Link';
import Typography from '@material-ui/core/Typography';
import OpenInNewIcon from '@material-ui/icons/OpenInNew';
import { useState } from 'react';
import { emrOnEksApiRef } from '../../api';
import { backendMessage, statusOf } from '../../lib/errors';
import { useFocusRing } from '../../lib/focus';

type State =
  | { kind: 'idle' }
  | { kind: 'opening' }
  | { kind: 'blocked'; url: string }
  | { kind: 'failed'; message: string };

function failureMessage(error: unknown): string {
  const status = statusOf(error);
  if (status === 404 || status === 403) {
    return 'The Spark UI is not available: the run is not found, or you may not see it.';
  }
  // 409 and 400: what the backend says (for example, no UI yet).
  return `The Spark UI could not be opened: ${backendMessage(error)}`;
}

/**
 * Opens the run's Spark UI (EMR's persistent application UI) in a new tab.
 * The tab is opened on the click itself, blank, and pointed at the URL once
 * the backend answers: a tab opened after an await is a popup that browsers
 * block. If the browser blocks it anyway, the link is shown instead.
 */
export function SparkUiButton(props: { run: JobRun }) {
  const { run } = props;
  const api = useApi(emrOnEksApiRef);
  const focus = useFocusRing();
  const [state, setState] = useState<State>({ kind: 'idle' });

  const open = async () => {
    const tab = window.open('', '_blank');
    if (tab) {
      // The URL is EMR's, but the tab need not reach back to this page.
      tab.opener = null;
    }
    setState({ kind: 'opening' });
    try {
      const link = await api.openSparkUi(run.id);
      if (tab && !tab.closed) {
        tab.location.href = link.url;
        setState({ kind: 'idle' });
      } else {
        setState({ kind: 'blocked', url: link.url });
      }
    } catch (error) {
      tab?.close();
      setState({ kind: 'failed', message: failureMessage(error) });
    }
  };

  return (
    <>
      <Button
        variant="outlined"
        size="small"
        startIcon={<OpenInNewIcon />}
        disableFocusRipple
        focusVisibleClassName={focus.focusVisible}
        disabled={!run.emrJobRunId || state.kind === 'opening'}
        title={
          run.emrJobRunId
            ? 'Opens in a new tab'
            : 'EMR has not accepted the run yet'
        }
        onClick={open}
      >
        {state.kind === 'opening' ? 'Opening Spark UI…' : 'Open Spark UI'}
      </Button>
      {state.kind === 'blocked' && (
        <Typography variant="body2" role="status">
          The browser blocked the new tab:{' '}
          <Link href={state.url} target="_blank" rel="noopener noreferrer">
            open the Spark UI
          </Link>{' '}
          (the link works for a short while).
        </Typography>
      )}
      {state.kind === 'failed' && (
        <Typography variant="body2" role="alert" color="error">
          {state.message}
        </Typography>
      )}
    </>
  );
}
