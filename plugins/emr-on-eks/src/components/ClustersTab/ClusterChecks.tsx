import {
  CLUSTER_CHECKS,
  ClusterCheck,
} from '@spot-spark/plugin-emr-on-eks-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ClusterCheckStatusLabel } from '../StatusLabel';
import { CheckAdvice } from './CheckAdvice';

/** The checks in the order of {@link CLUSTER_CHECKS}; unknown ones last. */
export function inCheckOrder(checks: ClusterCheck[]): ClusterCheck[] {
  const rank = (check: ClusterCheck) => {
    const index = (CLUSTER_CHECKS as readonly string[]).indexOf(check.id);
    return index === -1 ? CLUSTER_CHECKS.length : index;
  };
  return checks
    .map((check, position) => ({ check, position }))
    .sort((a, b) => rank(a.check) - rank(b.check) || a.position - b.position)
    .map(entry => entry.check);
}

const useStyles = makeStyles(
  theme => ({
    list: { listStyle: 'none', margin: 0, padding: 0 },
    item: {
      padding: theme.spacing(1.5, 0),
      borderBottom: `1px solid ${theme.palette.divider}`,
      '&:last-child': { borderBottom: 0 },
      minWidth: 0,
    },
    head: {
      display: 'flex',
      flexWrap: 'wrap',
      alignItems: 'baseline',
      columnGap: theme.spacing(2),
    },
    status: { whiteSpace: 'nowrap', minWidth: '9ch' },
    detail: { overflowWrap: 'anywhere', margin: theme.spacing(0.5, 0, 1) },
  }),
  { name: 'EmrOnEksClusterChecks' },
);

/**
 * A cluster's preflight checks in order: each one's status (icon and word),
 * what it is about, what was found, and for one that did not pass, what to
 * do.
 */
export function ClusterChecks(props: {
  cluster: string;
  checks: ClusterCheck[];
}) {
  const classes = useStyles();
  return (
    <ol className={classes.list} aria-label={`Checks of ${props.cluster}`}>
      {inCheckOrder(props.checks).map(check => (
        <li key={check.id} className={classes.item}>
          <div className={classes.head}>
            <span className={classes.status}>
              <ClusterCheckStatusLabel status={check.status} />
            </span>
            <Typography variant="subtitle2" component="h4">
              {check.title}
            </Typography>
          </div>
          <Typography variant="body2" className={classes.detail}>
            {check.detail}
          </Typography>
          {check.advice && check.status !== 'pass' && (
            <CheckAdvice advice={check.advice} checkTitle={check.title} />
          )}
        </li>
      ))}
    </ol>
  );
}
