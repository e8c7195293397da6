export { JobRunsTable } from './JobRunsTable';
export { RunDuration } from './RunDuration';
export type { JobRunsTableCosts } from './RunCost';
export { capacityOf, requestedOf, requestedShort, runReason } from './runText';
