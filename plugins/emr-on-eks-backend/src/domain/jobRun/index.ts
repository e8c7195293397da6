/*
 * Turns a short job-run request into a Spot-ready StartJobRun for a tenant,
 * and checks it against the tenant's LimitRange, quota and S3 prefixes first.
 * Pure: no I/O, so every rule here is tested directly.
 */

export { composeJobTemplate, composeStartJobRun } from './compose';
export { emrContainerRequests } from './quota';
export { allowedS3Prefixes } from './s3Paths';
export { runPodTemplates } from './runPodTemplates';
export {
  DEFAULT_MAX_EXECUTORS,
  DEFAULT_MIN_EXECUTORS,
  jobShape,
  memoryOverheadMiB,
  parseReleaseLabel,
  releaseFeatures,
  requestedResources,
} from './shape';
export type { JobShape } from './shape';
export { forbiddenSparkKeyReason } from './sparkKeys';
export { JOB_TAGS } from './tags';
export { validateJobRun } from './validate';
export { jobRunClientToken, requestFingerprint } from './identity';
