import { CostOverview } from '@spot-spark/plugin-emr-on-eks-common';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { formatChange, formatMoney, formatShare } from '../../lib/money';
import { monthName } from '../EntityEmrChargebackCard/ForecastSummary';
import { CAPACITY_LABELS } from './overviewRows';

// Static classes, not Boxes: each Box instance adds a style sheet of its
// own to the document, which made the tab's first render slower.
const useStyles = makeStyles(
  theme => ({
    totals: {
      display: 'flex',
      flexWrap: 'wrap',
      gap: 24,
      marginBottom: theme.spacing(2),
    },
    figure: { minWidth: 112 },
    capacity: { listStyle: 'none', padding: 0, margin: 0 },
    capacityItem: { marginBottom: theme.spacing(1) },
  }),
  { name: 'EmrOnEksCostTotals' },
);

function Figure(props: { label: string; value: string; note?: string }) {
  const classes = useStyles();
  return (
    <div className={classes.figure}>
      <Typography variant="overline" component="h3">
        {props.label}
      </Typography>
      <Typography variant="h6" component="p">
        {props.value}
      </Typography>
      {props.note && (
        <Typography variant="caption" color="textSecondary" component="p">
          {props.note}
        </Typography>
      )}
    </div>
  );
}

/** The month's totals: amounts, change, Spot savings, idle and unallocated. */
export function Totals(props: { overview: CostOverview }) {
  const { overview } = props;
  const { totals, currency } = overview;
  const classes = useStyles();
  const money = (amount: number) => formatMoney(amount, currency);
  const change = formatChange(totals.total, totals.previousTotal);
  const shareOf = (amount: number) =>
    totals.total > 0
      ? `${formatShare(amount / totals.total)} of the total`
      : undefined;
  return (
    <section className={classes.totals} aria-label="Totals of the month">
      <Figure
        label="Total"
        value={money(totals.total)}
        note={
          change
            ? `${change} against ${monthName(overview.previousMonth)}`
            : undefined
        }
      />
      <Figure label="Compute" value={money(totals.compute)} />
      <Figure label="EMR uplift" value={money(totals.uplift)} />
      <Figure label="Storage" value={money(totals.storage)} />
      {totals.spotSavings !== null && (
        <Figure
          label="Spot savings"
          value={money(totals.spotSavings)}
          note="against On-Demand"
        />
      )}
      <Figure
        label={CAPACITY_LABELS.__idle__.title}
        value={money(totals.idle)}
        note={shareOf(totals.idle)}
      />
      <Figure
        label={CAPACITY_LABELS.__unallocated__.title}
        value={money(totals.unallocated)}
        note={shareOf(totals.unallocated)}
      />
    </section>
  );
}

/** What the idle and unallocated capacity cost, and what each stands for. */
export function Capacity(props: { overview: CostOverview }) {
  const { overview } = props;
  const classes = useStyles();
  const money = (amount: number) => formatMoney(amount, overview.currency);
  return (
    <ul className={classes.capacity}>
      {(['__idle__', '__unallocated__'] as const).map(key => (
        <li key={key} className={classes.capacityItem}>
          <Typography variant="subtitle2" component="span">
            {`${CAPACITY_LABELS[key].title}: ${money(
              key === '__idle__'
                ? overview.totals.idle
                : overview.totals.unallocated,
            )}`}
          </Typography>
          <Typography variant="body2" color="textSecondary">
            {CAPACITY_LABELS[key].text}
          </Typography>
        </li>
      ))}
    </ul>
  );
}
