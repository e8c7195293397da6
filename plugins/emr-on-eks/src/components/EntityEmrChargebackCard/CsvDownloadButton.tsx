import { fetchApiRef, useApi } from '@backstage/core-plugin-api';
import { useCallback } from 'react';
import { emrOnEksApiRef } from '../../api';
import { fetchText, safeFileName } from './download';
import { DownloadCsvButton } from './DownloadCsvButton';
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
  const { from, to } = range;
  const api = useApi(emrOnEksApiRef);
  const fetchApi = useApi(fetchApiRef);
  const csv = useCallback(
    async () =>
      mergeCsv(
        await Promise.all(
          scopes.map(async scope => ({
            tenant: 'tenant' in scope ? scope.tenant : '',
            csv: await fetchText(
              fetchApi,
              await api.costsCsvUrl(scope, { from, to, groupBy: CSV_GROUP_BY }),
            ),
          })),
        ),
      ),
    [api, fetchApi, scopes, from, to],
  );
  return (
    <DownloadCsvButton
      label="Download CSV"
      size="small"
      fileName={`costs-${safeFileName(name)}-${from}-${to}.csv`}
      csv={csv}
    />
  );
}
