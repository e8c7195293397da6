/*
 * A run's logs, pure: where they are (from stored ids only), what each
 * stream is, bounded pages of their text, and the executors the driver log
 * says were lost.
 */

export {
  runLogLocation,
  runLogStreamPrefix,
  tenantLogKeyPrefix,
  tenantLogUri,
  type RunLogLocation,
} from './locations';
export {
  classifyLogName,
  LOG_STREAM_ID,
  logStreamId,
  publicLogStream,
  runLogStreams,
  type FoundLogStream,
  type RunLogStream,
} from './streams';
export { LogPager, type LogPageRequest, type LogPageText } from './paging';
export {
  ExecutorLossParser,
  LineSplitter,
  log4jTime,
  MAX_LISTED_LOSSES,
} from './executorLosses';
