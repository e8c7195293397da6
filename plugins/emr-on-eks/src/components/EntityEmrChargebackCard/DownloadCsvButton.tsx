import Button from '@material-ui/core/Button';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import GetAppIcon from '@material-ui/icons/GetApp';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { backendMessage } from '../../lib/errors';
import { saveBlob } from './download';

const useStyles = makeStyles(
  { root: { display: 'flex', alignItems: 'center', gap: 8 } },
  { name: 'EmrOnEksDownloadCsvButton' },
);

/**
 * A button that fetches CSV text and saves it as `fileName`, saying why
 * when the download fails (the backend's message).
 */
export function DownloadCsvButton(props: {
  label: string;
  size?: 'small' | 'medium';
  fileName: string;
  /** The file's text, fetched with the user's token. */
  csv(): Promise<string>;
}) {
  const { label, size, fileName, csv } = props;
  const classes = useStyles();
  const [state, download] = useAsyncFn(async () => {
    saveBlob(
      new Blob([await csv()], { type: 'text/csv;charset=utf-8' }),
      fileName,
    );
  }, [csv, fileName]);
  return (
    <div className={classes.root}>
      {state.error && (
        <Typography role="alert" variant="body2" color="error">
          The download failed: {backendMessage(state.error)}
        </Typography>
      )}
      <Button
        variant="outlined"
        size={size}
        startIcon={<GetAppIcon />}
        onClick={download}
        disabled={state.loading}
      >
        {label}
      </Button>
    </div>
  );
}
