// Fakes and fixtures of the frontend tests, one concern per file.
export {
  aBootstrap,
  aCheck,
  aCluster,
  aFailedNodePoolsCheck,
  aNotReadyCluster,
} from './clusters';
export { aCostFact } from './costs';
export { blobText, catchDownloads } from './downloads';
export type { FakeCostFact, FakeCostSettings } from './costs';
export { anEntity } from './entities';
export { FAKE_API_BASE_URL, FakeEmrOnEksApi } from './FakeEmrOnEksApi';
export { httpError } from './httpError';
export { aRun } from './jobRuns';
export { currentSearch, LocationProbe } from './LocationProbe';
export { fakePermissionApi, readOnlyPolicy } from './permissions';
export type { FakePermissionApi } from './permissions';
export { Providers } from './Providers';
export { FakeSignalApi } from './signals';
export { aTenant } from './tenants';
export {
  aLogStream,
  failedDriverStderr,
  logPage,
  numberedLines,
  someSpotLosses,
  sparkRunStreams,
} from './jobRunLogs';
export { FixedAutoSizer, renderRunDetail } from './runDetail';
export {
  aBudget,
  aCostOverview,
  aForecast,
  anOverviewRow,
  budgetStatusOf,
} from './budgets';
