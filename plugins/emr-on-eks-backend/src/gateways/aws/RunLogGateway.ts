import {
  CloudWatchLogsClient,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { FoundLogStream } from '../../domain/jobRun/logs';
import { errorName } from './errorName';

/**
 * Reads a run's logs where EMR on EKS wrote them: objects under an S3 prefix
 * (gzipped) and streams in a CloudWatch log group under a name prefix. It
 * lists and reads only what it is given; which prefix is the run's is the
 * caller's rule (domain/jobRun/logs/locations.ts).
 */
export interface RunLogGateway {
  /** The objects under `prefix` (at most `max`), named relative to it. */
  listObjects(options: {
    bucket: string;
    prefix: string;
    max: number;
    signal?: AbortSignal;
  }): Promise<FoundLogStream[]>;
  /** The log streams whose names start with `prefix` (at most `max`); none when the group is gone. */
  listStreams(options: {
    logGroupName: string;
    prefix: string;
    max: number;
    signal?: AbortSignal;
  }): Promise<FoundLogStream[]>;
  /**
   * An object's text, decompressed as it streams (`.gz` keys are gunzipped).
   * Destroying the stream stops the download.
   */
  readObject(options: {
    bucket: string;
    key: string;
    signal?: AbortSignal;
  }): Promise<Readable>;
  /** A log stream's events' messages, one a line, oldest first, as they are fetched. */
  readStream(options: {
    logGroupName: string;
    streamName: string;
    signal?: AbortSignal;
  }): Readable;
}

/**
 * An object is read in ranges that grow (1 MiB, then 4, 16, 64 MiB): a page
 * near the start of a large log downloads little, and a reader that stops
 * leaves no large response in flight.
 */
const FIRST_RANGE_BYTES = 1024 * 1024;
const MAX_RANGE_BYTES = 64 * 1024 * 1024;

interface ObjectRange {
  body: Readable;
  /** The whole object's length. */
  length: number;
  etag?: string;
}

async function readRange(
  s3: S3Client,
  options: { bucket: string; key: string; signal?: AbortSignal },
  offset: number,
  size: number,
  etag?: string,
): Promise<ObjectRange> {
  const object = await s3.send(
    new GetObjectCommand({
      Bucket: options.bucket,
      Key: options.key,
      Range: `bytes=${offset}-${offset + size - 1}`,
      // Every range of the same version (EMR may upload a newer one).
      IfMatch: etag,
    }),
    { abortSignal: options.signal },
  );
  const total = /\/(\d+)$/.exec(object.ContentRange ?? '');
  return {
    body: (object.Body as Readable | undefined) ?? Readable.from([]),
    length: total ? Number(total[1]) : offset + (object.ContentLength ?? 0),
    etag: object.ETag,
  };
}

/** {@link RunLogGateway} on Amazon S3 and CloudWatch Logs. */
export class AwsRunLogGateway implements RunLogGateway {
  constructor(
    private readonly s3: S3Client,
    private readonly logs: CloudWatchLogsClient,
  ) {}

  async listObjects(options: {
    bucket: string;
    prefix: string;
    max: number;
    signal?: AbortSignal;
  }): Promise<FoundLogStream[]> {
    const found: FoundLogStream[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: options.bucket,
          Prefix: options.prefix,
          ContinuationToken: token,
          MaxKeys: Math.min(1000, options.max - found.length),
        }),
        { abortSignal: options.signal },
      );
      for (const object of page.Contents ?? []) {
        // ListObjectsV2 answers only keys under the prefix; checked again
        // because the rest of the plugin relies on it.
        if (object.Key?.startsWith(options.prefix)) {
          found.push({
            source: 's3',
            name: object.Key,
            relative: object.Key.slice(options.prefix.length),
            ...(object.Size !== undefined ? { sizeBytes: object.Size } : {}),
            ...(object.LastModified
              ? { lastModified: object.LastModified }
              : {}),
          });
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token && found.length < options.max);
    return found.slice(0, options.max);
  }

  async listStreams(options: {
    logGroupName: string;
    prefix: string;
    max: number;
    signal?: AbortSignal;
  }): Promise<FoundLogStream[]> {
    const found: FoundLogStream[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.logs.send(
          new DescribeLogStreamsCommand({
            logGroupName: options.logGroupName,
            logStreamNamePrefix: options.prefix,
            nextToken: token,
            limit: 50,
          }),
          { abortSignal: options.signal },
        );
        for (const stream of page.logStreams ?? []) {
          const name = stream.logStreamName;
          if (name?.startsWith(options.prefix)) {
            const last = stream.lastIngestionTime ?? stream.lastEventTimestamp;
            found.push({
              source: 'cloudwatch',
              name,
              relative: name.slice(options.prefix.length),
              ...(last !== undefined ? { lastModified: new Date(last) } : {}),
            });
          }
        }
        token = page.nextToken;
      } while (token && found.length < options.max);
    } catch (error) {
      // A tenant offboarded since, or a log group never created: no streams.
      if (errorName(error) === 'ResourceNotFoundException') {
        return [];
      }
      throw error;
    }
    return found.slice(0, options.max);
  }

  async readObject(options: {
    bucket: string;
    key: string;
    signal?: AbortSignal;
  }): Promise<Readable> {
    const s3 = this.s3;
    // The first range now, so a missing object fails the call (a 404), not
    // the stream.
    let first: ObjectRange;
    try {
      first = await readRange(s3, options, 0, FIRST_RANGE_BYTES);
    } catch (error) {
      // An empty object has no first byte to range from.
      if (errorName(error) === 'InvalidRange') {
        return Readable.from([]);
      }
      throw error;
    }
    async function* ranges() {
      let current: ObjectRange | undefined = first;
      let offset = 0;
      let size = FIRST_RANGE_BYTES;
      try {
        while (current) {
          for await (const chunk of current.body) {
            yield chunk as Buffer;
          }
          offset += size;
          if (offset >= current.length) {
            return;
          }
          size = Math.min(size * 4, MAX_RANGE_BYTES);
          current = await readRange(s3, options, offset, size, first.etag);
        }
      } finally {
        current?.body.destroy();
      }
    }
    const raw = Readable.from(ranges(), { objectMode: false });
    if (!options.key.endsWith('.gz')) {
      return raw;
    }
    const gunzip = createGunzip();
    raw.on('error', error => gunzip.destroy(error));
    // Stopping the reader stops the download: no range left streaming.
    gunzip.on('close', () => raw.destroy());
    return raw.pipe(gunzip);
  }

  readStream(options: {
    logGroupName: string;
    streamName: string;
    signal?: AbortSignal;
  }): Readable {
    const logs = this.logs;
    async function* events() {
      let token: string | undefined;
      for (;;) {
        const page = await logs.send(
          new GetLogEventsCommand({
            logGroupName: options.logGroupName,
            logStreamName: options.streamName,
            startFromHead: true,
            nextToken: token,
          }),
          { abortSignal: options.signal },
        );
        const messages = (page.events ?? []).map(e => e.message ?? '');
        if (messages.length > 0) {
          yield Buffer.from(`${messages.join('\n')}\n`, 'utf8');
        }
        // The forward token repeats once the end is reached.
        if (!page.nextForwardToken || page.nextForwardToken === token) {
          return;
        }
        token = page.nextForwardToken;
      }
    }
    return Readable.from(events(), { objectMode: false });
  }
}
