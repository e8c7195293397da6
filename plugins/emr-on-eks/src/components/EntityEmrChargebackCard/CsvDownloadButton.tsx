import { fetchApiRef, useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import GetAppIcon from '@material-ui/icons/GetApp';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { emrOnEksApiRef } from '../../api';
import { backendMessage } from '../../lib/errors';
import { fetchText, safeFileName, saveBlob } from './download';
import { DayRange } from './periods';
import { mergeCsv } from './reports';
import { CSV_GROUP_BY, CsvScope } from './useChargeback';

/**
 * Downloads the period's rows as CSV (per day, job, category and capacity
 * type), fetched with the user's token; a Group's tenants in one file.
 */
export function CsvDownloadButton(props: {
  scopes: CsvScope[];
  range: DayRange;
  /** Names the file. */
  name: string;
}) {
  const { scopes, range, name } = props;
  const api = useApi(emrOnEksApiRef);
  const fetchApi = useApi(fetchApiRef);
  const [state, download] = useAsyncFn(async () => {
    const files = await Promise.all(
      scopes.map(async scope => ({
        tenant: 'tenant' in scope ? scope.tenant : '',
        csv: await fetchText(
          fetchApi,
          await api.costsCsvUrl(scope, { ...range, groupBy: CSV_GROUP_BY }),
        ),
      })),
    );
    saveBlob(
      new Blob([mergeCsv(files)], { type: 'text/csv;charset=utf-8' }),
      `costs-${safeFileName(name)}-${range.from}-${range.to}.csv`,
    );
  }, [api, fetchApi, scopes, range.from, range.to, name]);

  return (
    <Box display="flex" alignItems="center" style={{ gap: 8 }}>
      {state.error && (
        <Typography role="alert" variant="body2" color="error">
          The download failed: {backendMessage(state.error)}
        </Typography>
      )}
      <Button
        variant="outlined"
        size="small"
        startIcon={<GetAppIcon />}
        onClick={download}
        disabled={state.loading}
      >
        Download CSV
      </Button>
    </Box>
  );
}
