/*
 * What the logs, Spark UI and Spot endpoints of a job run answer. The backend
 * finds a run's logs only under the tenant's own log locations, from ids it
 * stored; a stream id is opaque and valid only for the run it was listed for.
 */

/** The kind of container a log stream belongs to. @public */
export type JobRunContainerRole = 'job-submitter' | 'driver' | 'executor';

/** One log stream of a run (a container's stdout or stderr). @public */
export interface JobRunLogStream {
  /** Opaque id of the stream, for `GET /job-runs/:id/logs/:stream`. */
  id: string;
  /** The pod or container name, as EMR wrote it (for example `spark-0000-driver`). */
  container: string;
  /** Job submitter, driver or executor. */
  role: JobRunContainerRole;
  /** Which stream of the container. */
  stream: 'stdout' | 'stderr';
  /** Where the stream was read from. */
  source: 's3' | 'cloudwatch';
  /** Stored size in bytes (compressed on S3), when known. */
  sizeBytes?: number;
  /** When the stream last changed (ISO 8601), when known. */
  lastModified?: string;
}

/** The answer of `GET /job-runs/:id/logs`. @public */
export interface JobRunLogStreams {
  /** The run's streams: job submitter first, then the driver, then executors by number. */
  items: JobRunLogStream[];
  /**
   * Why there are no streams, when there are none: the run has no EMR id yet,
   * or EMR has not written logs yet (they appear a little after a container starts).
   */
  emptyReason?: string;
}

/** A bounded page of one log stream's text: `GET /job-runs/:id/logs/:stream`. @public */
export interface JobRunLogPage {
  /** The stream the page belongs to. */
  stream: JobRunLogStream;
  /** The text of the page, decompressed, cut at whole lines. */
  text: string;
  /** Offset of the page's first character in the whole stream's text. */
  from: number;
  /** Offset just after the page's last character. */
  to: number;
  /** Length of the whole stream's text, when the page reached its end. */
  total?: number;
  /** True when there is text before `from` (ask again with `?from=` lower). */
  hasEarlier: boolean;
  /** True when there is text after `to` (ask again with `?from=<to>`). */
  hasLater: boolean;
}

/** The answer of `POST /job-runs/:id/spark-ui`. @public */
export interface SparkUiLink {
  /** Short-lived, presigned URL of the run's Spark history server UI. */
  url: string;
  /** When the URL stops working (ISO 8601), when EMR says. */
  expiresAt?: string;
}

/** One executor lost during a run, as the driver log tells. @public */
export interface ExecutorLoss {
  /** Spark's executor id. */
  executorId: string;
  /** When it was lost (ISO 8601), from the log line's time. */
  at?: string;
  /** `spot`: decommissioned or lost on a Spot interruption; `other`: lost for another reason. */
  cause: 'spot' | 'other';
  /** The log line that tells it, shortened. */
  line: string;
}

/** The answer of `GET /job-runs/:id/spot-interruptions`. @public */
export interface SpotInterruptions {
  /** Executors lost to Spot interruptions. */
  spotLosses: number;
  /** Executors lost for other reasons. */
  otherLosses: number;
  /** Every loss in time order (at most 500). */
  losses: ExecutorLoss[];
  /** Where the figures come from: the driver log, or nothing yet. */
  source: 'driver-log' | 'none';
}
