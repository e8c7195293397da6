import { Link } from '@backstage/core-components';
import { CostReportRow } from '@spot-spark/plugin-emr-on-eks-common';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useSearchParams } from 'react-router-dom';
import { writeOpenRun } from '../../lib/filters';
import { formatMoney } from '../../lib/money';

function jobLabel(row: CostReportRow): string {
  return row.jobName || row.emrJobRunId || row.jobRunId || 'Unknown run';
}

/**
 * The costliest runs of the period. A run the plugin knows links to its
 * details on this page (`?run=`, which the job-runs card opens).
 */
export function TopJobs(props: { rows: CostReportRow[]; currency: string }) {
  const { rows, currency } = props;
  const [searchParams] = useSearchParams();
  if (rows.length === 0) {
    return null;
  }
  return (
    <>
      <Typography variant="subtitle1" component="h3" gutterBottom>
        Top jobs by cost
      </Typography>
      <Table size="small" aria-label="Top jobs by cost">
        <TableHead>
          <TableRow>
            <TableCell>Job</TableCell>
            <TableCell>EMR job run</TableCell>
            <TableCell align="right">Cost</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map(row => (
            <TableRow key={`${row.emrJobRunId}|${row.jobRunId}`}>
              <TableCell>
                {row.jobRunId ? (
                  <Link
                    to={`?${writeOpenRun(searchParams, row.jobRunId)}`}
                    aria-label={`Run ${jobLabel(row)} (${row.jobRunId})`}
                  >
                    {jobLabel(row)}
                  </Link>
                ) : (
                  jobLabel(row)
                )}
              </TableCell>
              <TableCell>
                <code>{row.emrJobRunId ?? ''}</code>
              </TableCell>
              <TableCell align="right">
                {row.estimated && (
                  <Chip
                    size="small"
                    variant="outlined"
                    label="estimated"
                    style={{ marginRight: 8 }}
                  />
                )}
                {formatMoney(row.amount, currency)}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
}
