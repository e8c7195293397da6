import { JobRun } from '@spot-spark/plugin-emr-on-eks-common';
import { formatMoney } from '../../lib/money';

/** What a run cost, from a `groupBy=job` cost report. */
export interface JobRunsTableCosts {
  currency: string;
  /** A run's cost; undefined when the report has none for it. */
  of(run: JobRun): { amount: number; estimated: boolean } | undefined;
}

/**
 * A run's cost, marked `est.` while the bill does not cover it; `—` for none.
 * The amount stays on one line; `est.` may go under it in a narrow column.
 */
export function RunCost(props: { run: JobRun; costs: JobRunsTableCosts }) {
  const cost = props.costs.of(props.run);
  if (!cost) {
    return <span title="No cost recorded for this run">—</span>;
  }
  return (
    <>
      <span style={{ whiteSpace: 'nowrap' }}>
        {formatMoney(cost.amount, props.costs.currency)}
      </span>
      {cost.estimated && (
        <>
          {' '}
          <abbr title="Estimated: the bill does not cover this run's days yet">
            est.
          </abbr>
        </>
      )}
    </>
  );
}
