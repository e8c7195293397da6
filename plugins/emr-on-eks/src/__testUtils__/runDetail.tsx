import { FetchApi } from '@backstage/core-plugin-api';
import { renderInTestApp } from '@backstage/test-utils';
import { JobRunDetail } from '../components/JobRunDetail';
import { FakeEmrOnEksApi } from './FakeEmrOnEksApi';
import { Providers } from './Providers';

/**
 * LogViewer sizes itself to its box, which jsdom does not lay out: test files
 * that show logs mock `react-virtualized-auto-sizer` with this, a box tall
 * enough for every line of the test logs.
 */
export function FixedAutoSizer(props: {
  children(size: { width: number; height: number }): JSX.Element;
}) {
  return props.children({ width: 800, height: 4000 });
}

/** The run's drawer on its own, as the job-runs card opens it. */
export async function renderRunDetail(
  api: FakeEmrOnEksApi,
  runId: string,
  options: { fetchApi?: FetchApi; routeEntries?: string[] } = {},
) {
  return renderInTestApp(
    <Providers api={api} fetchApi={options.fetchApi}>
      <JobRunDetail runId={runId} refreshIntervalMs={0} onClose={() => {}} />
    </Providers>,
    { routeEntries: options.routeEntries },
  );
}
