import { CostEstimateErrorOfMonth } from '@spot-spark/plugin-emr-on-eks-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { formatMoney, formatSignedShare } from '../../lib/money';

/**
 * How far the estimates were from the bill, month by month (the days the
 * bill has covered since): what was estimated, what was billed, the error.
 */
export function EstimateErrors(props: {
  errors: CostEstimateErrorOfMonth[];
  currency: string;
}) {
  const { errors, currency } = props;
  if (errors.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No billed month to compare the estimates with yet.
      </Typography>
    );
  }
  const money = (amount: number) => formatMoney(amount, currency);
  return (
    <Table size="small" aria-label="Estimate against the bill">
      <TableHead>
        <TableRow>
          <TableCell>Month</TableCell>
          <TableCell align="right">Estimated</TableCell>
          <TableCell align="right">Billed</TableCell>
          <TableCell align="right">Error</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {[...errors].reverse().map(e => (
          <TableRow key={e.month}>
            <TableCell component="th" scope="row">
              {e.month}
            </TableCell>
            <TableCell align="right">{money(e.estimated)}</TableCell>
            <TableCell align="right">{money(e.actual)}</TableCell>
            <TableCell align="right">
              {e.error === null ? '—' : formatSignedShare(e.error)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
