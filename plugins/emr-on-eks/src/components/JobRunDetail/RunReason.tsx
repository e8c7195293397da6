import { JobRun } from '@spot-spark/plugin-emr-on-eks-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { useFocusRing } from '../../lib/focus';

/**
 * EMR's reason for the run's state, whole (the table shows it cut), first,
 * as it is what people look for; for a failed run, a way to the line of the
 * driver's log that tells the failure.
 */
export function RunReason(props: {
  run: JobRun;
  /** Opens the driver's stderr at its first error line. */
  onShowErrorLine?: () => void;
}) {
  const { run, onShowErrorLine } = props;
  const focus = useFocusRing();
  if (!run.failureReason && !run.stateDetails) {
    return null;
  }
  const failed = run.state === 'FAILED';
  return (
    <Alert
      severity={failed ? 'error' : 'info'}
      style={{ overflowWrap: 'anywhere' }}
    >
      <AlertTitle>{run.failureReason ?? run.state}</AlertTitle>
      <span style={{ whiteSpace: 'pre-wrap' }}>{run.stateDetails}</span>
      {failed && run.emrJobRunId && onShowErrorLine && (
        <Box mt={1}>
          <Button
            variant="outlined"
            color="inherit"
            size="small"
            disableFocusRipple
            focusVisibleClassName={focus.focusVisible}
            onClick={onShowErrorLine}
          >
            Show the error line in the driver log
          </Button>
        </Box>
      )}
    </Alert>
  );
}
