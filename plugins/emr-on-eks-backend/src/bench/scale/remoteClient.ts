import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { percentiles } from '../stats';

/** What the client process measured: every sample, or why it stopped. */
type Answer =
  | { id: number; times: number[]; bytes: number }
  | { id: number; error: string };

/**
 * An HTTP client in another process (`clientProcess.mjs`), so a measured
 * request pays for the backend's work alone: the client's parsing and
 * garbage collection run on the other process's heap and, on a machine with
 * two or more cores, on another core. It keeps one connection alive and
 * accepts gzip, as a browser does.
 */
export class RemoteClient {
  private next = 0;
  private readonly waiting = new Map<
    number,
    { resolve: (answer: Answer) => void; reject: (error: Error) => void }
  >();

  private constructor(
    private readonly child: ChildProcess,
    private readonly base: string,
  ) {
    child.on('message', (answer: Answer) => {
      this.waiting.get(answer.id)?.resolve(answer);
      this.waiting.delete(answer.id);
    });
    child.on('exit', code => {
      for (const { reject } of this.waiting.values()) {
        reject(new Error(`the client process exited (${code})`));
      }
      this.waiting.clear();
    });
  }

  /** Starts the client process for the backend listening at `base`. */
  static start(base: string): RemoteClient {
    const child = fork(path.join(__dirname, 'clientProcess.mjs'), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new RemoteClient(child, base);
  }

  /**
   * Median, p95 and max of `samples` GETs of `url` (after `warmup`
   * unmeasured ones), from sending to the last byte; throws when one does
   * not answer 200.
   */
  async measure(
    url: string,
    authorization: string,
    samples: number,
    warmup = 20,
  ): Promise<ReturnType<typeof percentiles> & { bytesOnWire: number }> {
    const id = this.next++;
    const answer = await new Promise<Answer>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({
        id,
        base: this.base,
        path: url,
        authorization,
        samples,
        warmup,
      });
    });
    if ('error' in answer) {
      throw new Error(`GET ${url}: ${answer.error}`);
    }
    return { ...percentiles(answer.times), bytesOnWire: answer.bytes };
  }

  stop() {
    this.child.kill();
  }
}
