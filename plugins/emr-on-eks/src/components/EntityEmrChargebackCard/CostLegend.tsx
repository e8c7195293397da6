import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { CostSeriesKey } from './chartData';

const useStyles = makeStyles(
  theme => ({
    root: {
      display: 'flex',
      flexWrap: 'wrap',
      gap: theme.spacing(0.5, 2),
      listStyle: 'none',
      margin: theme.spacing(1, 0, 0),
      padding: 0,
    },
    item: { display: 'inline-flex', alignItems: 'center' },
    swatch: {
      display: 'inline-block',
      flex: 'none',
      width: 12,
      height: 12,
      marginRight: theme.spacing(0.75),
      borderRadius: 2,
    },
    hatched: {
      border: `1px solid ${theme.palette.text.secondary}`,
      background: `repeating-linear-gradient(45deg, ${theme.palette.text.secondary} 0 2px, transparent 2px 5px)`,
    },
    line: {
      display: 'inline-block',
      flex: 'none',
      width: 16,
      marginRight: theme.spacing(0.75),
      borderTop: `2px dashed ${theme.palette.text.secondary}`,
    },
    budgetLine: {
      display: 'inline-block',
      flex: 'none',
      width: 20,
      marginRight: theme.spacing(0.75),
      borderTop: '2px dashed',
    },
  }),
  { name: 'EmrOnEksCostLegend' },
);

/**
 * What the chart's colours, hatching and dashed line mean, shown under it
 * (the same series as the bars, in their colours).
 */
export function CostLegend(props: {
  series: Array<{ key: CostSeriesKey; label: string }>;
  colors: Record<CostSeriesKey, string>;
  estimated: boolean;
  billedLine: boolean;
  /** The budget's line: its colour and what it says. */
  budgetLine?: { color: string; text: string };
}) {
  const { series, colors, estimated, billedLine, budgetLine } = props;
  const classes = useStyles();
  return (
    <ul className={classes.root} aria-label="Chart legend">
      {series.map(s => (
        <Typography
          component="li"
          variant="body2"
          key={s.key}
          className={classes.item}
        >
          <span
            className={classes.swatch}
            style={{ backgroundColor: colors[s.key] }}
            aria-hidden
          />
          {s.label}
        </Typography>
      ))}
      {estimated && (
        <Typography component="li" variant="body2" className={classes.item}>
          <span
            className={`${classes.swatch} ${classes.hatched}`}
            aria-hidden
          />
          Estimated (not billed yet)
        </Typography>
      )}
      {billedLine && (
        <Typography component="li" variant="body2" className={classes.item}>
          <span className={classes.line} aria-hidden />
          Last day the bill covers
        </Typography>
      )}
      {budgetLine && (
        <Typography component="li" variant="body2" className={classes.item}>
          <span
            className={classes.budgetLine}
            style={{ borderColor: budgetLine.color }}
            aria-hidden
          />
          {budgetLine.text}
        </Typography>
      )}
    </ul>
  );
}
