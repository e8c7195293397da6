import { Link } from '@backstage/core-components';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useSearchParams } from 'react-router-dom';
import { FILTER_PARAMS } from '../../lib/filters';
import { formatMoney } from '../../lib/money';
import { datesText, JobGroup } from './jobGroups';

/** This page with the job-runs card searching for the job's runs. */
function searchLink(params: URLSearchParams, name: string): string {
  const next = new URLSearchParams(params);
  next.set(FILTER_PARAMS.name, name);
  next.delete('run');
  return `?${next}`;
}

/** `5 runs, 2026-11-14 to 2026-11-18`. */
function runsText(group: JobGroup): string {
  const runs = `${group.runs} ${group.runs === 1 ? 'run' : 'runs'}`;
  const dates = datesText(group);
  return dates ? `${runs}, ${dates}` : runs;
}

/**
 * The costliest jobs of the period, by job name: how many runs, on which
 * days, what they cost. Two columns, the runs and days under the name, so
 * that a phone shows them whole. A job's name searches its runs in the
 * job-runs card of this page.
 */
export function TopJobs(props: { groups: JobGroup[]; currency: string }) {
  const { groups, currency } = props;
  const [searchParams] = useSearchParams();
  if (groups.length === 0) {
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
            <TableCell align="right">Cost</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {groups.map(group => (
            <TableRow key={`${group.named}|${group.name}`}>
              <TableCell style={{ overflowWrap: 'break-word' }}>
                {group.named ? (
                  <Link
                    to={searchLink(searchParams, group.name)}
                    aria-label={`Runs of ${group.name}`}
                  >
                    {group.name}
                  </Link>
                ) : (
                  // Started outside Backstage: EMR's id is all there is.
                  <code title="A run started outside Backstage">
                    {group.name}
                  </code>
                )}
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="div"
                >
                  {runsText(group)}
                </Typography>
              </TableCell>
              <TableCell align="right" style={{ whiteSpace: 'nowrap' }}>
                {formatMoney(group.amount, currency)}
                {group.estimated && (
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    component="div"
                  >
                    estimated
                  </Typography>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
}
