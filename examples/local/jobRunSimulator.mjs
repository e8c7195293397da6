// LOCAL ONLY: a stand-in for the job runs of EMR on EKS, for `npm start`.
//
// moto (the AWS emulator) keeps every job run RUNNING forever, so on moto
// alone the example app would never show a run finish. This proxy sits
// between the backend and moto: every AWS call goes through to moto
// unchanged (IAM, S3, CloudWatch Logs, STS, virtual clusters), except the
// four emr-containers job-run operations, which the backend tests' EMR
// emulator (plugins/emr-on-eks-backend/src/__testUtils__/emrEmulator/)
// answers with runs that move through EMR's states on a clock:
//
//   PENDING -> SUBMITTED -> RUNNING -> COMPLETED or FAILED (jobRunOutcomes.mjs)
//   with a retry policy, a second driver attempt (jobRunRetries.mjs)
//   CancelJobRun: CANCEL_PENDING -> CANCELLED
//
// It checks the virtual cluster with moto and honours `clientToken` as EMR
// does. It also answers the EMR API's persistent app UI calls (a run's
// Spark UI button), with a link to a page of its own (localSparkUi.mjs). Nothing here is ever used outside a laptop. With `stateFile`, its
// runs outlive a restart like the backend's database does (moto forgets
// everything), so a run that was RUNNING when `npm start` stopped still ends
// as it would have.
//
// Standalone: node examples/local/jobRunSimulator.mjs --upstream http://127.0.0.1:5000
//   [--port 5001] [--speed 2] [--state-file runs.json]
import { pathToFileURL } from 'node:url';
import {
  ClockLifecycle,
  accountOfArn,
  createEmrRequestHandler,
  JobRuns,
  listen,
  PersistentAppUis,
} from '../../plugins/emr-on-eks-backend/src/__testUtils__/emrEmulator/index.mjs';
import { jobRunLogWriter } from './jobRunLogs.mjs';
import {
  EVENTS_ACCOUNT_ID,
  EVENTS_REGION,
  jobRunEventPublisher,
} from './jobRunEvents.mjs';
import { loadRuns, saveRuns } from './jobRunStateFile.mjs';
import { outcomePlanner, timingAt } from './jobRunOutcomes.mjs';
import { withRetries } from './jobRunRetries.mjs';
import { LOCAL_SPARK_UI_PATH, serveLocalSparkUi } from './localSparkUi.mjs';
import { motoUpstream } from './motoUpstream.mjs';

export { OUTCOME_TAG } from './jobRunOutcomes.mjs';

/**
 * Starts the simulator on a loopback port, in front of moto at `upstream`.
 *
 * @param {{ upstream: string, port?: number, speed?: number,
 *   stateFile?: string, log?: (message: string) => void }} options `speed`
 *   divides every duration (2 runs twice as fast); `stateFile` keeps the
 *   runs across restarts.
 * @returns {Promise<{ endpoint: string, stop(): Promise<void> }>}
 */
export async function startJobRunSimulator(options) {
  const timing = timingAt(options.speed ?? 1);
  const log = options.log ?? (() => {});
  // Logs like EMR's in moto's S3 under each run's logUri (jobRunLogs.mjs).
  const runLogs = jobRunLogWriter({ upstream: options.upstream, log });
  const moto = motoUpstream(options.upstream);
  // The account of each virtual cluster, from the ARN moto describes it
  // with: moto keeps emr-containers per account and region, and the second
  // account's cluster (examples/local/awsAccounts.mjs) has its own.
  /** @type {Map<string, string>} */
  const accountOf = new Map();
  // Each change as EMR's event, to moto's EventBridge (jobRunEvents.mjs):
  // the bus of the default account and region, so only their runs' events.
  const runEvents = jobRunEventPublisher({
    upstream: options.upstream,
    statusOf: run => jobRuns.status(run),
    cancelPendingSeconds: timing.cancelPending,
    publishes: run =>
      (run.region ?? EVENTS_REGION) === EVENTS_REGION &&
      (accountOf.get(run.virtualClusterId) ?? EVENTS_ACCOUNT_ID) ===
        EVENTS_ACCOUNT_ID,
    log,
  });
  const save = () => saveRuns(options.stateFile, jobRuns.all());
  const jobRuns = new JobRuns({
    lifecycle: new ClockLifecycle({
      planFor: withRetries(outcomePlanner(timing)),
      cancelPendingSeconds: timing.cancelPending,
    }),
    onChange(change, run) {
      save();
      runLogs.onChange(change, run);
      runEvents.onChange(change, run);
      if (change === 'started') {
        const end = run.progress.plan[run.progress.plan.length - 1];
        log(
          `StartJobRun ${run.name} -> ${run.id} (${
            end.state
          } after ${Math.round(end.at)} s)`,
        );
      } else {
        log(`CancelJobRun ${run.name} (${run.id})`);
      }
    },
  });
  loadRuns(options.stateFile).forEach(run => jobRuns.restore(run));
  runEvents.resume(jobRuns.all());
  // Virtual clusters of an earlier session: moto has forgotten them, but
  // their runs still answer (a fresh moto cannot have deleted them). New
  // runs go to the tenant's current virtual cluster.
  const earlierClusters = new Set(
    jobRuns.all().map(run => run.virtualClusterId),
  );

  // The Spark UI: EMR's persistent app UIs, whose presigned URL here opens
  // a page of this simulator saying it stands in for the Spark UI.
  let endpoint = '';
  const persistentAppUis = new PersistentAppUis({
    jobRunExists: (virtualClusterId, jobRunId) =>
      jobRuns.get(jobRunId)?.virtualClusterId === virtualClusterId,
    urlFor: ui => `${endpoint}${LOCAL_SPARK_UI_PATH}${ui.id}`,
  });
  persistentAppUis.pendingDescribes = 1;

  const handler = createEmrRequestHandler({
    jobRuns,
    virtualClusters: {
      async find(id, operation, req) {
        const described = await moto.virtualCluster(req, id);
        if (described) {
          const account = accountOfArn(described.arn);
          if (account) accountOf.set(id, account);
          return described;
        }
        return earlierClusters.has(id) && operation !== 'StartJobRun'
          ? { state: 'RUNNING' }
          : undefined;
      },
    },
    requestIdPrefix: 'local-simulator',
    passThrough: moto.proxy,
    persistentAppUis,
  });
  const listening = await listen(
    (req, res) =>
      req.url?.startsWith(LOCAL_SPARK_UI_PATH)
        ? serveLocalSparkUi(req, res, persistentAppUis)
        : handler(req, res),
    options.port ?? 0,
  );
  endpoint = listening.endpoint;
  return listening;
}

// Run on its own (see the usage line at the top).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const option = name => {
    const index = args.indexOf(`--${name}`);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const upstream = option('upstream');
  if (!upstream) {
    console.error(
      'usage: node examples/local/jobRunSimulator.mjs --upstream http://127.0.0.1:<moto port> [--port <port>] [--speed <factor>] [--state-file <file>]',
    );
    process.exit(2);
  }
  const simulator = await startJobRunSimulator({
    upstream,
    port: option('port') ? Number(option('port')) : undefined,
    speed: option('speed') ? Number(option('speed')) : undefined,
    stateFile: option('state-file'),
    log: message => console.log(`[job-run simulator] ${message}`),
  });
  console.log(
    `[job-run simulator] LOCAL ONLY: ${simulator.endpoint} -> moto at ${upstream}`,
  );
}
