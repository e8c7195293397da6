import {
  ExecutorLoss,
  JobRunLogPage,
  JobRunLogStream,
  SpotInterruptions,
} from '@spot-spark/plugin-emr-on-eks-common';

/**
 * A page of a stream's text as the backend cuts it: the tail by default, or
 * from `from` (the next line's start when `from` is inside a line); at most
 * `limit` characters, cut at whole lines.
 */
export function logPage(
  stream: JobRunLogStream,
  text: string,
  query: { from?: number; limit: number },
): JobRunLogPage {
  let from: number;
  let to: number;
  if (query.from === undefined) {
    to = text.length;
    from = Math.max(0, to - query.limit);
    // Start at a line's start: drop the cut line.
    if (from > 0 && text[from - 1] !== '\n') {
      const next = text.indexOf('\n', from);
      from = next === -1 ? to : next + 1;
    }
  } else {
    from = Math.min(Math.max(0, query.from), text.length);
    // As the backend: a page asked from the middle of a line starts at the next.
    if (from > 0 && text[from - 1] !== '\n') {
      const next = text.indexOf('\n', from);
      from = next === -1 ? text.length : next + 1;
    }
    to = Math.min(text.length, from + query.limit);
    // End at a line's end: leave the cut line for the next page.
    if (to < text.length) {
      const end = text.lastIndexOf('\n', to - 1);
      to = end < from ? to : end + 1;
    }
  }
  return {
    stream,
    text: text.slice(from, to),
    from,
    to,
    ...(to === text.length ? { total: text.length } : {}),
    hasEarlier: from > 0,
    hasLater: to < text.length,
  };
}

/** A log stream as `GET /job-runs/:id/logs` lists it. */
export function aLogStream(
  overrides: Partial<JobRunLogStream> = {},
): JobRunLogStream {
  const container = overrides.container ?? 'spark-000000033kf8shj0e5e-driver';
  const stream = overrides.stream ?? 'stderr';
  return {
    id: `${container}.${stream}`,
    container,
    role: 'driver',
    stream,
    source: 's3',
    sizeBytes: 18_204,
    lastModified: '2026-11-20T10:05:00.000Z',
    ...overrides,
  };
}

/** The streams of a Spark run: job submitter, driver, two executors; stdout and stderr each. */
export function sparkRunStreams(): JobRunLogStream[] {
  const containers: Array<[string, JobRunLogStream['role']]> = [
    ['000000033kf8shj0e5e-9x2lq', 'job-submitter'],
    ['spark-000000033kf8shj0e5e-driver', 'driver'],
    ['daily-sales-7a3c9b8f2e-exec-1', 'executor'],
    ['daily-sales-7a3c9b8f2e-exec-2', 'executor'],
  ];
  return containers.flatMap(([container, role]) =>
    (['stdout', 'stderr'] as const).map(stream =>
      aLogStream({ container, role, stream }),
    ),
  );
}

/**
 * A failed driver's stderr, as Spark 3.5 on EMR writes it: start-up lines,
 * executors lost on Spot, then the exception that failed the job.
 */
export function failedDriverStderr(): string {
  return [
    '25/11/20 10:00:04 INFO SparkContext: Running Spark version 3.5.2-amzn-1',
    '25/11/20 10:00:05 INFO ResourceUtils: Resources for spark.driver:',
    '25/11/20 10:00:09 INFO SparkContext: Submitted application: daily-sales',
    '25/11/20 10:01:12 INFO ExecutorPodsAllocator: Going to request 2 executors from Kubernetes',
    '25/11/20 10:02:40 WARN KubernetesClusterSchedulerBackend: Received executor 2 decommissioned message',
    '25/11/20 10:02:41 ERROR TaskSchedulerImpl: Lost executor 2 on 10.0.3.17: The executor with id 2 was deleted by a user or the framework.',
    '25/11/20 10:04:58 ERROR ApplicationMaster: User class threw exception: java.io.FileNotFoundException: s3://data-lake/x does not exist',
    'java.io.FileNotFoundException: s3://data-lake/x does not exist',
    '\tat org.apache.hadoop.fs.s3a.S3AFileSystem.getFileStatus(S3AFileSystem.java:3866)',
    '\tat org.apache.spark.sql.execution.datasources.DataSource.checkAndGlobPathIfNecessary(DataSource.scala:757)',
    '25/11/20 10:04:59 INFO SparkContext: Successfully stopped SparkContext',
    '',
  ].join('\n');
}

/** `count` numbered INFO lines: a long log, for paging. */
export function numberedLines(count: number, prefix = 'line'): string {
  return Array.from(
    { length: count },
    (_, i) => `25/11/20 10:00:00 INFO Job: ${prefix} ${i + 1}`,
  )
    .join('\n')
    .concat('\n');
}

function aLoss(
  executorId: string,
  at: string,
  cause: ExecutorLoss['cause'],
): ExecutorLoss {
  return {
    executorId,
    at,
    cause,
    line:
      cause === 'spot'
        ? `WARN KubernetesClusterSchedulerBackend: Received executor ${executorId} decommissioned message`
        : `ERROR TaskSchedulerImpl: Lost executor ${executorId}: OOMKilled`,
  };
}

/** Three executors lost to Spot and one to memory, as the driver log tells. */
export function someSpotLosses(): SpotInterruptions {
  return {
    spotLosses: 3,
    otherLosses: 1,
    source: 'driver-log',
    losses: [
      aLoss('2', '2026-11-20T10:02:40.000Z', 'spot'),
      aLoss('5', '2026-11-20T10:03:10.000Z', 'other'),
      aLoss('4', '2026-11-20T10:03:55.000Z', 'spot'),
      aLoss('7', '2026-11-20T10:04:20.000Z', 'spot'),
    ],
  };
}
