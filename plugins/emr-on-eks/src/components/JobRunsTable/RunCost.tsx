import { JobRun } from '@spot-spark/plugin-emr-on-eks-common';
import { formatMoney } from '../../lib/money';

/** What a run cost, from a `groupBy=job` cost report. */
export interface JobRunsTableCosts {
  currency: string;
  /** A run's cost; undefined when the report has none for it. */
  of(run: JobRun): { amount: number; estimated: boolean } | undefined;
}

/** A run's cost, marked `est.` while the bill does not cover it; `—` for none. */
export function RunCost(props: { run: JobRun; costs: JobRunsTableCosts }) {
  const cost = props.costs.of(props.run);
  if (!cost) {
    return <span title="No cost recorded for this run">—</span>;
  }
  return (
    <>
      {formatMoney(cost.amount, props.costs.currency)}
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
