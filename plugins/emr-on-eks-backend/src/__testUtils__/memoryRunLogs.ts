import { Readable } from 'node:stream';
import type { FoundLogStream } from '../domain/jobRun/logs';
import type { RunLogGateway } from '../gateways/aws/RunLogGateway';

/**
 * A run-log gateway in memory, for the fast tier: `objects` are S3 objects
 * (`<bucket>/<key>` to their text, already decompressed), `streams`
 * CloudWatch streams (`<group>\n<name>` to their lines). Every key and name
 * ever read is recorded in `reads`.
 */
export class MemoryRunLogs implements RunLogGateway {
  readonly objects = new Map<string, string>();
  readonly streams = new Map<string, string[]>();
  readonly reads: string[] = [];

  async listObjects(options: {
    bucket: string;
    prefix: string;
    max: number;
  }): Promise<FoundLogStream[]> {
    const found: FoundLogStream[] = [];
    for (const [path, text] of this.objects) {
      const key = path.slice(options.bucket.length + 1);
      if (
        path.startsWith(`${options.bucket}/`) &&
        key.startsWith(options.prefix)
      ) {
        found.push({
          source: 's3',
          name: key,
          relative: key.slice(options.prefix.length),
          sizeBytes: Buffer.byteLength(text),
        });
      }
    }
    return found
      .sort((a, b) => a.name.localeCompare(b.name))
      .slice(0, options.max);
  }

  async listStreams(options: {
    logGroupName: string;
    prefix: string;
    max: number;
  }): Promise<FoundLogStream[]> {
    const found: FoundLogStream[] = [];
    for (const id of this.streams.keys()) {
      const [group, name] = id.split('\n');
      if (group === options.logGroupName && name.startsWith(options.prefix)) {
        found.push({
          source: 'cloudwatch',
          name,
          relative: name.slice(options.prefix.length),
        });
      }
    }
    return found.slice(0, options.max);
  }

  async readObject(options: {
    bucket: string;
    key: string;
  }): Promise<Readable> {
    this.reads.push(`${options.bucket}/${options.key}`);
    const text = this.objects.get(`${options.bucket}/${options.key}`);
    if (text === undefined) {
      throw Object.assign(new Error('The specified key does not exist.'), {
        name: 'NoSuchKey',
      });
    }
    return Readable.from([Buffer.from(text, 'utf8')]);
  }

  readStream(options: { logGroupName: string; streamName: string }): Readable {
    this.reads.push(`${options.logGroupName}\n${options.streamName}`);
    const lines =
      this.streams.get(`${options.logGroupName}\n${options.streamName}`) ?? [];
    return Readable.from(
      lines.length ? [Buffer.from(`${lines.join('\n')}\n`, 'utf8')] : [],
    );
  }
}
