import { makeStyles, Theme, useTheme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { useId, useMemo } from 'react';
import {
  Bar,
  BarChart,
  BarShapeProps,
  CartesianGrid,
  Rectangle,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  TooltipContentProps,
  XAxis,
  YAxis,
} from 'recharts';
import { formatMoney, formatMoneyCompact } from '../../lib/money';
import {
  chartSummary,
  CostDay,
  CostSeriesKey,
  isEstimatedDay,
  seriesPresent,
} from './chartData';
import { CostLegend } from './CostLegend';

const CHART_HEIGHT = 240;

const useStyles = makeStyles(
  theme => ({
    // Read by screen readers, not shown: the chart's figures as a table.
    visuallyHidden: {
      position: 'absolute',
      width: 1,
      height: 1,
      padding: 0,
      margin: -1,
      overflow: 'hidden',
      clip: 'rect(0 0 0 0)',
      whiteSpace: 'nowrap',
      border: 0,
    },
    tooltip: {
      backgroundColor: theme.palette.background.paper,
      border: `1px solid ${theme.palette.divider}`,
      borderRadius: theme.shape.borderRadius,
      padding: theme.spacing(1, 1.5),
      boxShadow: theme.shadows[2],
    },
    tooltipRow: {
      display: 'flex',
      justifyContent: 'space-between',
      gap: theme.spacing(2),
    },
    swatch: {
      display: 'inline-block',
      width: 10,
      height: 10,
      marginRight: theme.spacing(0.75),
      borderRadius: 2,
    },
  }),
  { name: 'EmrOnEksCostChart' },
);

/** A colour of the theme per series: Spot green, On-Demand primary, uplift warning. */
export function seriesColors(theme: Theme): Record<CostSeriesKey, string> {
  return {
    computeSpot: theme.palette.success.main,
    computeOnDemand: theme.palette.primary.main,
    computeUnknown: theme.palette.grey[500],
    uplift: theme.palette.warning.main,
    storage: theme.palette.secondary.main,
    other: theme.palette.grey[700],
  };
}

function CostTooltip(
  props: Pick<TooltipContentProps, 'active' | 'payload'> & {
    currency: string;
    colors: Record<CostSeriesKey, string>;
    classes: ReturnType<typeof useStyles>;
  },
) {
  const { active, payload, currency, colors, classes } = props;
  const day = payload?.[0]?.payload as CostDay | undefined;
  if (!active || !day) {
    return null;
  }
  return (
    <div className={classes.tooltip}>
      <Typography variant="subtitle2">
        {day.date}
        {isEstimatedDay(day) ? ' (estimated)' : ''}
      </Typography>
      {seriesPresent([day]).map(series => (
        <Typography
          key={series.key}
          variant="body2"
          className={classes.tooltipRow}
        >
          <span>
            <span
              className={classes.swatch}
              style={{ backgroundColor: colors[series.key] }}
            />
            {series.label}
            {day.estimated[series.key] ? ' (est.)' : ''}
          </span>
          <span>{formatMoney(day.amounts[series.key], currency)}</span>
        </Typography>
      ))}
      <Typography variant="body2" className={classes.tooltipRow}>
        <strong>Total</strong>
        <strong>{formatMoney(day.total, currency)}</strong>
      </Typography>
    </div>
  );
}

/**
 * The daily costs as stacked bars, a stack per series in the theme's
 * colours; the estimated part of a day hatched (an SVG pattern of its
 * colour), a line at the last day the bill covers. An image to assistive
 * technology, named by a summary, with the figures in a hidden table.
 */
export function CostChart(props: {
  days: CostDay[];
  total: number;
  currency: string;
  completeThrough: string | null;
  /**
   * The tenant's monthly budget spread over the month's days: a horizontal
   * line at the daily amount that keeps the month within it.
   */
  budgetLine?: { perDay: number; monthly: number; daysInMonth: number };
}) {
  const { days, total, currency, completeThrough, budgetLine } = props;
  const classes = useStyles();
  const theme = useTheme();
  const colors = seriesColors(theme);
  // Pattern ids must be unique on the page (several cards) and valid in url().
  const idBase = `emr-cost-${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;
  const series = useMemo(() => seriesPresent(days), [days]);
  const format = (amount: number) => formatMoney(amount, currency);
  const summary = `${chartSummary({
    days,
    total,
    completeThrough,
    format,
  })}${
    budgetLine
      ? ` Budget line at ${format(budgetLine.perDay)} a day (${format(
          budgetLine.monthly,
        )} a month).`
      : ''
  }`;
  const budgetColor = theme.palette.error.main;
  const anyEstimated = days.some(isEstimatedDay);
  const lineDay =
    completeThrough &&
    days.some(day => day.date === completeThrough) &&
    completeThrough !== days[days.length - 1]?.date
      ? completeThrough
      : undefined;

  return (
    <>
      <div role="img" aria-label={summary}>
        <ResponsiveContainer
          width="100%"
          height={CHART_HEIGHT}
          // The size until it is measured (and in tests, where nothing is).
          initialDimension={{ width: 640, height: CHART_HEIGHT }}
        >
          <BarChart
            data={days}
            stackOffset="sign"
            accessibilityLayer={false}
            margin={{ top: 16, right: 8, bottom: 0, left: 8 }}
          >
            <defs>
              {series.map(s => (
                <pattern
                  key={s.key}
                  id={`${idBase}-${s.key}`}
                  data-testid={`hatch-${s.key}`}
                  width={6}
                  height={6}
                  patternUnits="userSpaceOnUse"
                  patternTransform="rotate(45)"
                >
                  <rect
                    width={6}
                    height={6}
                    fill={colors[s.key]}
                    fillOpacity={0.3}
                  />
                  <line
                    x1={0}
                    y1={0}
                    x2={0}
                    y2={6}
                    stroke={colors[s.key]}
                    strokeWidth={3}
                  />
                </pattern>
              ))}
            </defs>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="date"
              tickFormatter={(date: string) => date.slice(5)}
              tick={{ fill: theme.palette.text.secondary, fontSize: 12 }}
            />
            <YAxis
              width={64}
              tickFormatter={(amount: number) =>
                formatMoneyCompact(amount, currency)
              }
              tick={{ fill: theme.palette.text.secondary, fontSize: 12 }}
            />
            <Tooltip
              cursor={{ fill: theme.palette.action.hover }}
              content={({ active, payload }) => (
                <CostTooltip
                  active={active}
                  payload={payload}
                  currency={currency}
                  colors={colors}
                  classes={classes}
                />
              )}
            />
            {lineDay && (
              <ReferenceLine
                x={lineDay}
                stroke={theme.palette.text.secondary}
                strokeDasharray="4 2"
                label={{
                  value: `billed through ${lineDay}`,
                  position: 'insideTopRight',
                  fill: theme.palette.text.secondary,
                  fontSize: 12,
                }}
              />
            )}
            {budgetLine && (
              <ReferenceLine
                y={budgetLine.perDay}
                stroke={budgetColor}
                strokeWidth={2}
                strokeDasharray="8 4"
                // The axis grows to show the line above low bars.
                ifOverflow="extendDomain"
                data-testid="budget-line"
              />
            )}
            {series.map(s => (
              <Bar
                key={s.key}
                name={s.label}
                dataKey={(day: CostDay) => day.amounts[s.key]}
                stackId="cost"
                fill={colors[s.key]}
                isAnimationActive={false}
                shape={(bar: BarShapeProps) => {
                  const estimated = Boolean(
                    (bar.payload as CostDay | undefined)?.estimated[s.key],
                  );
                  return (
                    <Rectangle
                      {...bar}
                      fill={
                        estimated ? `url(#${idBase}-${s.key})` : colors[s.key]
                      }
                      stroke={estimated ? colors[s.key] : undefined}
                      data-estimated={estimated}
                    />
                  );
                }}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      {/* The clip is on a wrapper: a table's own width and overflow give
          way to its content, which made a phone's page scroll sideways. */}
      <div className={classes.visuallyHidden}>
        <table aria-label="Daily costs">
          <thead>
            <tr>
              <th scope="col">Day</th>
              {series.map(s => (
                <th key={s.key} scope="col">
                  {s.label}
                </th>
              ))}
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {days.map(day => (
              <tr key={day.date}>
                <th scope="row">
                  {day.date}
                  {isEstimatedDay(day) ? ' (estimated)' : ''}
                </th>
                {series.map(s => (
                  <td key={s.key}>{format(day.amounts[s.key])}</td>
                ))}
                <td>{format(day.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <CostLegend
        series={series}
        colors={colors}
        estimated={anyEstimated}
        billedLine={Boolean(lineDay)}
        budgetLine={
          budgetLine && {
            color: budgetColor,
            text: `Budget: ${format(budgetLine.perDay)} a day (${format(
              budgetLine.monthly,
            )} a month over ${budgetLine.daysInMonth} days)`,
          }
        }
      />
    </>
  );
}
