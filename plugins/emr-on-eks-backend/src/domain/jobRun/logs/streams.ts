import type {
  JobRunContainerRole,
  JobRunLogStream,
} from '@spot-spark/plugin-emr-on-eks-common';
import { createHash } from 'node:crypto';

/*
 * What a listed object or log stream of a run is: the job submitter's, the
 * driver's or an executor's stdout or stderr. Names are read relative to the
 * run's `containers/` prefix (see locations.ts):
 *
 *   <job runner pod>/stdout(.gz)                 job submitter
 *   <spark app id>/<...-driver>/stderr(.gz)      driver
 *   <spark app id>/<...-exec-<n>>/stdout(.gz)    executor n
 *
 * Anything else under the prefix (other files, deeper paths) is not a
 * stream the API offers.
 */

/** A stream as found under the run's prefix, before it gets its public id. */
export interface FoundLogStream {
  source: 's3' | 'cloudwatch';
  /** The object key or the stream name, whole (used only server side). */
  name: string;
  /** The part after the run's `containers/` prefix. */
  relative: string;
  sizeBytes?: number;
  lastModified?: Date;
}

/** A classified stream: the public view plus the name it reads from. */
export interface RunLogStream extends JobRunLogStream {
  /** The object key or stream name (never sent to the caller). */
  name: string;
  /** Executor number, for executors (ordering). */
  executorNumber?: number;
}

const FILE = /^(stdout|stderr)(\.gz)?$/;
const POD = /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/;
const EXECUTOR = /-exec-(\d{1,9})$/;

/** The role, container and stream of a name relative to `containers/`, if it is one. */
export function classifyLogName(relative: string):
  | {
      role: JobRunContainerRole;
      container: string;
      stream: 'stdout' | 'stderr';
      executorNumber?: number;
    }
  | undefined {
  const parts = relative.split('/');
  const file = FILE.exec(parts[parts.length - 1]);
  if (!file || !parts.slice(0, -1).every(part => POD.test(part))) {
    return undefined;
  }
  const stream = file[1] as 'stdout' | 'stderr';
  if (parts.length === 2) {
    return { role: 'job-submitter', container: parts[0], stream };
  }
  if (parts.length !== 3) {
    return undefined;
  }
  const pod = parts[1];
  if (pod.endsWith('-driver')) {
    return { role: 'driver', container: pod, stream };
  }
  const executor = EXECUTOR.exec(pod);
  if (executor) {
    return {
      role: 'executor',
      container: pod,
      stream,
      executorNumber: Number(executor[1]),
    };
  }
  return undefined;
}

/**
 * The public id of a stream: a digest of where it was found, so it says
 * nothing about keys and can only be resolved by listing the run's own
 * prefix again and finding the stream with that id.
 */
export function logStreamId(
  source: 's3' | 'cloudwatch',
  relative: string,
): string {
  const digest = createHash('sha256')
    .update(`${source}\n${relative}`)
    .digest('hex')
    .slice(0, 24);
  return `${source === 's3' ? 's3' : 'cw'}-${digest}`;
}

/** What a stream id looks like; anything else is an unknown stream. */
export const LOG_STREAM_ID = /^(s3|cw)-[0-9a-f]{24}$/;

const ROLE_ORDER: Record<JobRunContainerRole, number> = {
  'job-submitter': 0,
  driver: 1,
  executor: 2,
};

/**
 * The run's streams, classified and in the API's order: job submitter,
 * driver, executors by number; stdout before stderr. Where S3 and
 * CloudWatch both hold a container's stream, the S3 object is offered (the
 * whole file), the CloudWatch stream only when S3 has none yet.
 */
export function runLogStreams(found: FoundLogStream[]): RunLogStream[] {
  const byKey = new Map<string, RunLogStream>();
  for (const item of found) {
    const kind = classifyLogName(item.relative);
    if (!kind) {
      continue;
    }
    const key = `${kind.container}\n${kind.stream}`;
    const earlier = byKey.get(key);
    if (earlier && (earlier.source === 's3' || item.source === 'cloudwatch')) {
      continue;
    }
    byKey.set(key, {
      id: logStreamId(item.source, item.relative),
      name: item.name,
      container: kind.container,
      role: kind.role,
      stream: kind.stream,
      source: item.source,
      ...(kind.executorNumber !== undefined
        ? { executorNumber: kind.executorNumber }
        : {}),
      ...(item.sizeBytes !== undefined ? { sizeBytes: item.sizeBytes } : {}),
      ...(item.lastModified
        ? { lastModified: item.lastModified.toISOString() }
        : {}),
    });
  }
  return [...byKey.values()].sort(
    (a, b) =>
      ROLE_ORDER[a.role] - ROLE_ORDER[b.role] ||
      (a.executorNumber ?? 0) - (b.executorNumber ?? 0) ||
      a.container.localeCompare(b.container, 'en') ||
      a.stream.localeCompare(b.stream, 'en'),
  );
}

/** The public view of a stream (without the name it reads from). */
export function publicLogStream(stream: RunLogStream): JobRunLogStream {
  const { name: _name, executorNumber: _number, ...view } = stream;
  return view;
}
