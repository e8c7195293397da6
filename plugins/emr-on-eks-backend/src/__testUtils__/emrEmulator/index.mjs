// @ts-check
// One emulator of the EMR on EKS job-run API (emr-containers), for the
// backend's tests (scripted runs, ../scriptedEmr.ts) and for the local stack
// (clock-driven runs in front of moto, examples/local/jobRunSimulator.mjs).
// It does what moto cannot: runs walk through PENDING, SUBMITTED, RUNNING
// and end COMPLETED, FAILED or CANCELLED, `clientToken` makes StartJobRun
// idempotent, and the EMR API's persistent app UI calls (a run's Spark UI)
// are answered. Plain ESM with checked JSDoc types, so Jest and
// a plain `node` both import it as it is; keep it importing nothing but
// Node's built-ins and its own files, since the local stack loads it from
// outside this package.
export {
  ACCOUNT,
  DEFAULT_REGION,
  accountOfArn,
  jobRunArn,
  virtualClusterArn,
} from './arns.mjs';
export { ClockLifecycle, planOf } from './clockLifecycle.mjs';
export { createEmrRequestHandler } from './dispatch.mjs';
export {
  EmrError,
  invalid,
  noSuchVirtualCluster,
  notFound,
} from './errors.mjs';
export { JobRuns } from './jobRuns.mjs';
export { APP_UI_OPERATIONS, PersistentAppUis } from './persistentAppUis.mjs';
export { DEFAULT_SCRIPT, ScriptedLifecycle } from './scriptedLifecycle.mjs';
export { listen } from './server.mjs';
export { CANCELLED, isTerminal } from './states.mjs';

/**
 * @typedef {import('./states.mjs').JobRunStateName} JobRunStateName
 * @typedef {import('./states.mjs').FailureReason} FailureReason
 * @typedef {import('./states.mjs').JobRunStatus} JobRunStatus
 * @typedef {import('./states.mjs').RunStatus} RunStatus
 * @typedef {import('./jobRuns.mjs').RunFields} RunFields
 * @typedef {import('./clockLifecycle.mjs').PlannedStep} PlannedStep
 * @typedef {import('./clockLifecycle.mjs').TimedStep} TimedStep
 * @typedef {import('./clockLifecycle.mjs').ClockProgress} ClockProgress
 * @typedef {import('./scriptedLifecycle.mjs').ScriptProgress} ScriptProgress
 * @typedef {import('./wire.mjs').EmrCall} EmrCall
 * @typedef {import('./wire.mjs').EmrFault} EmrFault
 * @typedef {import('./dispatch.mjs').VirtualClusterDirectory} VirtualClusterDirectory
 * @typedef {import('./server.mjs').Listening} Listening
 * @typedef {import('./persistentAppUis.mjs').PersistentAppUi} PersistentAppUi
 */
/**
 * @template P
 * @typedef {import('./jobRuns.mjs').Run<P>} Run
 */
