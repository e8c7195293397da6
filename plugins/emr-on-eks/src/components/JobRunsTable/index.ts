export {
  capacityOf,
  JobRunsTable,
  requestedOf,
  runReason,
  RunDuration,
} from './JobRunsTable';
