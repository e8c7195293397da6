// LOCAL ONLY: the logs of the job-run simulator's runs, for `npm start`.
//
// EMR on EKS writes each container's stdout and stderr, gzipped, under the
// run's logUri (s3MonitoringConfiguration):
//
//   <logUri>/<virtual cluster>/jobs/<job id>/containers/<job runner pod>/stdout.gz
//   <logUri>/<virtual cluster>/jobs/<job id>/containers/<spark app>/<driver pod>/stderr.gz
//   <logUri>/<virtual cluster>/jobs/<job id>/containers/<spark app>/<executor pod>/stderr.gz
//
// The simulator's runs do nothing, so this writes logs that look like a real
// run's into moto's S3 at the same keys: the job submitter's spark-submit
// output, a driver log in Spark's log4j format (with a Python or Java stack
// trace when the run fails), and executor logs, with the decommission and
// lost-executor lines of a Spot interruption on runs whose executors ran on
// Spot. Partial logs once the run is RUNNING, the whole ones when it ends.
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/** Spark's default log4j time: `yy/MM/dd HH:mm:ss`, in UTC as on EMR's nodes. */
function log4jTime(time) {
  const iso = new Date(time).toISOString();
  return `${iso.slice(2, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)} ${iso.slice(
    11,
    19,
  )}`;
}

function hashOf(text) {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

/** `s3://bucket/key/` -> { bucket, prefix }, or undefined. */
function parseLogUri(uri) {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri ?? '');
  if (!match) return undefined;
  const prefix =
    match[2] === '' || match[2].endsWith('/') ? match[2] : `${match[2]}/`;
  return { bucket: match[1], prefix };
}

function sparkDefaultsOf(run) {
  const configs = run.configurationOverrides?.applicationConfiguration ?? [];
  return (
    configs.find(c => c.classification === 'spark-defaults')?.properties ?? {}
  );
}

/**
 * The text of each container's logs at `phase` (`running` or the end state).
 * @param {any} run The simulator's run (what StartJobRun was sent, and its plan).
 * @param {{ state: string, stateDetails?: string, failureReason?: string }} end
 * @param {'running' | 'ended'} phase
 */
export function runLogs(run, end, phase) {
  const t0 = run.createdAt;
  const plan = run.progress?.plan ?? [];
  const runningAt =
    t0 + 1000 * (plan.find(s => s.state === 'RUNNING')?.at ?? 15);
  const endAt = t0 + 1000 * (plan[plan.length - 1]?.at ?? 75);
  const at = seconds => log4jTime(runningAt + seconds * 1000);
  const app = `spark-${createHash('md5').update(run.id).digest('hex')}`;
  const driver = `spark-${run.id}-driver`;
  const execPrefix = `${String(run.name)
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 30)}-${run.id.slice(0, 6)}`;
  const defaults = sparkDefaultsOf(run);
  const spot = String(
    defaults['spark.kubernetes.executor.podTemplateFile'] ?? '',
  ).includes('executor-spot');
  const entryPoint =
    run.jobDriver?.sparkSubmitJobDriver?.entryPoint ?? 'local:///app/job.py';
  const python = entryPoint.endsWith('.py');
  const executors = 2 + (hashOf(run.id) % 3);
  const ended = phase === 'ended';
  const failed = ended && end.state === 'FAILED';
  const cancelled = ended && end.state === 'CANCELLED';

  const submitter = [
    `${log4jTime(
      runningAt - 8000,
    )} INFO SparkSubmit: Submitting ${entryPoint} in cluster mode`,
    `${log4jTime(
      runningAt - 7000,
    )} INFO KubernetesClientApplication: Deployed Spark application ${
      run.name
    } with application ID ${app} and submission ID ${driver} into Kubernetes`,
    `${log4jTime(
      runningAt - 6000,
    )} INFO LoggingPodStatusWatcherImpl: Application status for ${app} (phase: Pending)`,
    `${log4jTime(
      runningAt,
    )} INFO LoggingPodStatusWatcherImpl: Application status for ${app} (phase: Running)`,
    ...(ended
      ? [
          `${log4jTime(
            endAt,
          )} INFO LoggingPodStatusWatcherImpl: Application status for ${app} (phase: ${
            failed ? 'Failed' : 'Succeeded'
          })`,
          `${log4jTime(
            endAt,
          )} INFO LoggingPodStatusWatcherImpl: Container final statuses:\n\n\t container name: spark-kubernetes-driver\n\t termination reason: ${
            failed ? 'Error' : 'Completed'
          }\n\t exit code: ${failed ? 1 : 0}`,
        ]
      : []),
  ];

  const driverLines = [
    `${at(0)} INFO SparkContext: Running Spark version 3.5.2-amzn-1`,
    `${at(
      0,
    )} INFO ResourceUtils: ==============================================================`,
    `${at(1)} INFO SparkContext: Submitted application: ${run.name}`,
    `${at(
      2,
    )} INFO Utils: Successfully started service 'sparkDriver' on port 7078.`,
    `${at(
      3,
    )} INFO ExecutorPodsAllocator: Going to request ${executors} executors from Kubernetes for ResourceProfile Id: 0, target: ${executors}, known: 0, sharedSlotFromPendingPods: 2147483647.`,
    ...Array.from(
      { length: executors },
      (_, i) =>
        `${at(
          8,
        )} INFO KubernetesClusterSchedulerBackend$KubernetesDriverEndpoint: Registered executor NettyRpcEndpointRef(spark-client://Executor) (10.0.${
          3 + i
        }.${20 + i}:4${i}312) with ID ${i + 1},  ResourceProfileId 0`,
    ),
    `${at(
      10,
    )} INFO DAGScheduler: Got job 0 (save at NativeMethodAccessorImpl.java:0) with 400 output partitions`,
    ...Array.from(
      { length: 12 },
      (_, i) =>
        `${at(
          11 + i,
        )} INFO TaskSetManager: Finished task ${i}.0 in stage 0.0 (TID ${i}) in ${
          900 + 37 * i
        } ms on 10.0.${3 + (i % executors)}.${20 + (i % executors)} (executor ${
          1 + (i % executors)
        }) (${i + 1}/400)`,
    ),
  ];
  if (spot && ended) {
    // A Spot interruption: the node's executor is decommissioned, then lost.
    const lost = executors;
    driverLines.push(
      `${at(
        25,
      )} WARN KubernetesClusterSchedulerBackend$KubernetesDriverEndpoint: Received executor ${lost} decommissioned message`,
      `${at(
        25,
      )} INFO KubernetesClusterSchedulerBackend: Decommission executors: ${lost}`,
      `${at(
        25,
      )} INFO BlockManagerMasterEndpoint: Mark BlockManagers (BlockManagerId(${lost}, 10.0.${
        2 + lost
      }.${19 + lost}, 40312, None)) as being decommissioning.`,
      `${at(55)} ERROR TaskSchedulerImpl: Lost executor ${lost} on 10.0.${
        2 + lost
      }.${19 + lost}: Executor decommission: worker decommissioned.`,
      `${at(
        56,
      )} INFO ExecutorPodsAllocator: Going to request 1 executors from Kubernetes for ResourceProfile Id: 0, target: ${executors}, known: ${
        executors - 1
      }, sharedSlotFromPendingPods: 2147483647.`,
    );
  }
  if (failed) {
    const details = end.stateDetails ?? 'the application failed';
    driverLines.push(
      ...(python
        ? [
            `${log4jTime(
              endAt - 2000,
            )} ERROR TaskSetManager: Task 3 in stage 1.0 failed 4 times; aborting job`,
            'Traceback (most recent call last):',
            `  File "${entryPoint.replace(
              /^.*\//,
              '/tmp/spark/',
            )}", line 42, in <module>`,
            '    sales.write.mode("overwrite").parquet(output)',
            '  File "/usr/lib/spark/python/lib/pyspark.zip/pyspark/sql/readwriter.py", line 1721, in parquet',
            '  File "/usr/lib/spark/python/lib/py4j-0.10.9.7-src.zip/py4j/protocol.py", line 326, in get_return_value',
            `py4j.protocol.Py4JJavaError: An error occurred while calling o87.parquet.`,
            `: org.apache.spark.SparkException: Job aborted due to stage failure: ${details}`,
            '\tat org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages(DAGScheduler.scala:2898)',
            '\tat org.apache.spark.scheduler.DAGScheduler.abortStage(DAGScheduler.scala:2834)',
          ]
        : [
            `${log4jTime(
              endAt - 2000,
            )} ERROR SparkContext: Error in job: ${details}`,
            `Exception in thread "main" org.apache.spark.SparkException: Job aborted due to stage failure: ${details}`,
            '\tat org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages(DAGScheduler.scala:2898)',
            '\tat org.apache.spark.scheduler.DAGScheduler.abortStage(DAGScheduler.scala:2834)',
            '\tat com.example.Main$.main(Main.scala:42)',
          ]),
      `${log4jTime(
        endAt - 1000,
      )} INFO SparkContext: SparkContext is stopping with exitCode 1.`,
    );
  } else if (cancelled) {
    driverLines.push(
      `${log4jTime(
        endAt,
      )} INFO SparkContext: Invoking stop() from shutdown hook`,
      `${log4jTime(
        endAt,
      )} INFO SparkContext: Successfully stopped SparkContext`,
    );
  } else if (ended) {
    driverLines.push(
      `${log4jTime(
        endAt - 2000,
      )} INFO DAGScheduler: Job 0 finished: save at NativeMethodAccessorImpl.java:0, took 47.1 s`,
      `${log4jTime(
        endAt - 1000,
      )} INFO SparkContext: Successfully stopped SparkContext`,
    );
  }

  const files = {
    [`${run.id}-${run.id.slice(-5)}/stdout.gz`]: submitter,
    [`${app}/${driver}/stderr.gz`]: driverLines,
    [`${app}/${driver}/stdout.gz`]:
      ended && !failed ? ['rows written: 1284310'] : [],
  };
  for (let i = 1; i <= executors; i++) {
    const lines = [
      `${at(
        5,
      )} INFO CoarseGrainedExecutorBackend: Started daemon with process name: 14@${execPrefix}-exec-${i}`,
      `${at(
        6,
      )} INFO CoarseGrainedExecutorBackend: Connecting to driver: spark://CoarseGrainedScheduler@${driver}-svc:7078`,
      `${at(
        8,
      )} INFO CoarseGrainedExecutorBackend: Successfully registered with driver`,
      `${at(11)} INFO Executor: Running task ${i - 1}.0 in stage 0.0 (TID ${
        i - 1
      })`,
    ];
    if (spot && ended && i === executors) {
      lines.push(
        `${at(
          25,
        )} INFO CoarseGrainedExecutorBackend: Decommission executor ${i}.`,
        `${at(
          25,
        )} INFO CoarseGrainedExecutorBackend: Will exit when finished decommissioning`,
        `${at(
          25,
        )} INFO BlockManager: Starting block manager decommissioning process...`,
        `${at(
          40,
        )} INFO BlockManagerDecommissioner: Finished current round refreshing migratable shuffle blocks, found 12 blocks to migrate`,
        `${at(
          54,
        )} INFO CoarseGrainedExecutorBackend: Executor decommission completed; exiting.`,
      );
    }
    files[`${app}/${execPrefix}-exec-${i}/stderr.gz`] = lines;
  }
  return files;
}

/**
 * Writes the simulator's runs' logs into moto: give `onChange` every change
 * the simulator's JobRuns reports.
 * @param {{ upstream: string, log?: (message: string) => void }} options
 *   `upstream`: moto's endpoint.
 */
export function jobRunLogWriter(options) {
  const log = options.log ?? (() => {});
  const clients = new Map();
  const s3For = region => {
    if (!clients.has(region)) {
      clients.set(
        region,
        new S3Client({
          region,
          endpoint: options.upstream,
          forcePathStyle: true,
          // moto takes any credentials.
          credentials: {
            accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'testing',
            secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'testing',
          },
        }),
      );
    }
    return clients.get(region);
  };

  async function write(run, end, phase) {
    const location = parseLogUri(
      run.configurationOverrides?.monitoringConfiguration
        ?.s3MonitoringConfiguration?.logUri,
    );
    if (!location) return;
    const base = `${location.prefix}${run.virtualClusterId}/jobs/${run.id}/containers/`;
    const s3 = s3For(run.region ?? 'us-east-1');
    try {
      for (const [key, lines] of Object.entries(runLogs(run, end, phase))) {
        await s3.send(
          new PutObjectCommand({
            Bucket: location.bucket,
            Key: `${base}${key}`,
            Body: gzipSync(lines.length ? `${lines.join('\n')}\n` : ''),
            ContentType: 'application/gzip',
          }),
        );
      }
    } catch (error) {
      log(`could not write the logs of ${run.id}: ${error}`);
    }
  }

  /** @param {number} ms @param {() => void} fn */
  const later = (ms, fn) => setTimeout(fn, Math.max(0, ms)).unref();

  return {
    /**
     * @param {'started' | 'cancelling' | string} change
     * @param {any} run
     */
    onChange(change, run) {
      const plan = run.progress?.plan ?? [];
      const end = plan[plan.length - 1] ?? { state: 'COMPLETED' };
      if (change === 'started') {
        const running = plan.find(step => step.state === 'RUNNING');
        if (running) {
          later(run.createdAt + running.at * 1000 - Date.now(), () =>
            run.progress.cancelledAt ? undefined : write(run, end, 'running'),
          );
        }
        later(run.createdAt + (end.at ?? 0) * 1000 - Date.now(), () =>
          run.progress.cancelledAt ? undefined : write(run, end, 'ended'),
        );
      } else if (change === 'cancelling') {
        write(run, { state: 'CANCELLED' }, 'ended');
      }
    },
  };
}
