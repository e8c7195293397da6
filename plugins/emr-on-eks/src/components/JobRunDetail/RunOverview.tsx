import { CodeSnippet, Progress } from '@backstage/core-components';
import { JobRun } from '@spot-spark/plugin-emr-on-eks-common';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import { FactsTable } from '../FactsTable';
import { capacityOf, requestedOf } from '../JobRunsTable';
import { SectionErrorBoundary } from '../SectionErrorBoundary';
import { JobRunStateLabel } from '../StatusLabel';
import { ConsoleLinks } from './ConsoleLinks';
import { DetailSection } from './DetailSection';
import { RunReason } from './RunReason';
import { SpotLosses } from './SpotLosses';
import { StateHistory } from './StateHistory';

function Facts(props: { run: JobRun }) {
  const { run } = props;
  const facts: Array<[string, ReactNode]> = [
    ['State', <JobRunStateLabel state={run.state} />],
    ['Id', run.id],
    ['EMR job run id', run.emrJobRunId ?? 'not accepted by EMR yet'],
    ['Tenant', run.tenant],
    ['Virtual cluster', run.virtualClusterId],
    ['Release', run.releaseLabel],
    ['Executors', capacityOf(run)],
    ['Requested', requestedOf(run) || 'unknown'],
    ['Entity', run.entityRef ?? ''],
    ['Idempotency key', run.idempotencyKey ?? ''],
    ['ARN', run.arn ?? ''],
  ];
  return <FactsTable label="Run facts" facts={facts} />;
}

function Json(props: { value: unknown; missing: string }) {
  if (props.value === undefined) {
    return <Typography variant="body2">{props.missing}</Typography>;
  }
  return (
    <CodeSnippet
      text={JSON.stringify(props.value, null, 2)}
      language="json"
      showCopyCodeButton
      wrapLongLines
    />
  );
}

/** The Overview tab of a run's drawer: everything but the logs. */
export function RunOverview(props: {
  run: JobRun;
  /** Whether `run` is still the list's row, without the request. */
  summaryOnly: boolean;
  onShowErrorLine(): void;
}) {
  const { run, summaryOnly, onShowErrorLine } = props;
  return (
    <>
      <SectionErrorBoundary title="Reason">
        <RunReason run={run} onShowErrorLine={onShowErrorLine} />
      </SectionErrorBoundary>
      <DetailSection title="State history">
        <StateHistory run={run} />
      </DetailSection>
      {run.emrJobRunId && run.spot !== false && (
        <DetailSection title="Executors lost">
          <SpotLosses run={run} />
        </DetailSection>
      )}
      <DetailSection title="Console">
        <ConsoleLinks run={run} />
      </DetailSection>
      <DetailSection title="Run">
        <Facts run={run} />
      </DetailSection>
      <DetailSection title="Request as submitted">
        {summaryOnly ? (
          <Progress />
        ) : (
          <Json
            value={run.request}
            missing="No stored request: the run was started outside Backstage."
          />
        )}
      </DetailSection>
      <DetailSection title="StartJobRun sent to EMR">
        {summaryOnly ? (
          <Progress />
        ) : (
          <Json
            value={run.startJobRun}
            missing="Not known for runs started outside Backstage."
          />
        )}
      </DetailSection>
    </>
  );
}
