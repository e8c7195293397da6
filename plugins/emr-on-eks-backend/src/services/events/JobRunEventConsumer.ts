import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  parseJobRunMessage,
  type JobRunEvent,
} from '../../domain/jobRun/events';
import {
  EVENT_QUEUE_WAIT_SECONDS,
  type JobRunEventQueue,
  type QueuedMessage,
} from '../../gateways/aws/JobRunEventQueue';
import type { JobRunStore } from '../../stores/JobRunStore';
import type { JobRunObservation } from '../../stores/jobRunStates';
import type { JobSyncService } from '../jobs/JobSyncService';
import type { JobRunChanges } from './JobRunChanges';

/** A message that failed this many times is dropped (the sync still sees its run). */
const MAX_RECEIVES = 10;
/** An unknown run's tenant is synced at most this often per virtual cluster. */
const UNKNOWN_RUN_SYNC_MS = 10_000;

/** What handling one message did, for logs and tests. */
export type MessageOutcome =
  | 'applied'
  | 'duplicate'
  | 'synced'
  | 'ignored'
  | 'dropped';

/**
 * Reads EMR's job-run events from each cluster's SQS queue (a long poll
 * per queue, one consumer per replica) and applies each to its run; a
 * message is deleted only after the run is updated, so a crash or a
 * database outage leaves it to be delivered again. Duplicates and late
 * events change nothing (the store never moves a state backwards).
 * Messages that are not EMR job-run events are logged and deleted. An event
 * about a run the database does not have (started outside Backstage)
 * triggers its tenant's sync; one about a virtual cluster of no tenant is
 * dropped. Errors back off exponentially; the scheduled sync stays the
 * backstop, EventBridge delivery being best effort.
 */
export class JobRunEventConsumer {
  static create(options: {
    queues: Array<{ cluster: string; queue: JobRunEventQueue }>;
    jobs: Pick<JobRunStore, 'observeEmrRun'>;
    sync: Pick<JobSyncService, 'syncVirtualCluster'>;
    changes: JobRunChanges;
    logger: LoggerService;
    /** The long poll's wait; SQS's longest (20 s) unless a test shortens it. */
    waitSeconds?: number;
    /** First and longest pause after an error, in milliseconds. */
    backoff?: { initialMs: number; maxMs: number };
  }): JobRunEventConsumer {
    return new JobRunEventConsumer(options);
  }

  private readonly abort = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private readonly syncedAt = new Map<string, number>();

  private constructor(
    private readonly options: Parameters<typeof JobRunEventConsumer.create>[0],
  ) {}

  /** Starts one loop per queue; returns at once. */
  start(): void {
    for (const { cluster, queue } of this.options.queues) {
      this.options.logger.info(
        `Reading EMR job-run events of cluster ${cluster} from ${queue.url}`,
      );
      this.loops.push(this.run(cluster, queue));
    }
  }

  /** Stops every loop (a long poll under way is aborted) and waits for them. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled(this.loops);
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async run(cluster: string, queue: JobRunEventQueue): Promise<void> {
    const { logger } = this.options;
    const backoff = this.options.backoff ?? { initialMs: 1000, maxMs: 60_000 };
    let failures = 0;
    while (!this.stopped) {
      let messages: QueuedMessage[];
      try {
        messages = await queue.receive({
          waitSeconds: this.options.waitSeconds ?? EVENT_QUEUE_WAIT_SECONDS,
          signal: this.abort.signal,
        });
      } catch (error) {
        if (this.stopped) {
          return;
        }
        failures++;
        const pause = Math.min(
          backoff.maxMs,
          backoff.initialMs * 2 ** Math.min(failures - 1, 16),
        );
        // Said once per outage, then quietly retried.
        (failures === 1 ? logger.warn : logger.debug).call(
          logger,
          `Could not read job-run events of cluster ${cluster} from ${
            queue.url
          } (retrying in ${Math.round(
            pause / 1000,
          )} s; the sync keeps runs up to date meanwhile): ${error}`,
        );
        await this.pause(pause);
        continue;
      }
      if (failures > 0) {
        logger.info(`Reading job-run events of cluster ${cluster} again`);
        failures = 0;
      }
      for (const message of messages) {
        if (this.stopped) {
          return; // not deleted: delivered again to a running replica
        }
        await this.handleSafely(cluster, queue, message);
      }
    }
  }

  /** Handles a message; a failure leaves it on the queue (unless it keeps failing). */
  private async handleSafely(
    cluster: string,
    queue: JobRunEventQueue,
    message: QueuedMessage,
  ): Promise<void> {
    const { logger } = this.options;
    try {
      await this.handle(cluster, queue, message);
    } catch (error) {
      if (message.receiveCount >= MAX_RECEIVES) {
        logger.error(
          `Dropping job-run event message ${message.id} of cluster ${cluster} after ${message.receiveCount} failed attempts: ${error}`,
        );
        await queue.delete(message).catch(() => undefined);
        return;
      }
      logger.warn(
        `Could not apply job-run event message ${message.id} of cluster ${cluster}; it comes back after the queue's visibility timeout: ${error}`,
      );
    }
  }

  /** Applies one message to its run, then deletes it. */
  async handle(
    cluster: string,
    queue: JobRunEventQueue,
    message: QueuedMessage,
  ): Promise<MessageOutcome> {
    const { logger, jobs, changes } = this.options;
    const parsed = parseJobRunMessage(message.body);
    if (parsed.kind !== 'event') {
      // Hostile or misrouted input: said, and never seen again.
      logger.warn(
        `Deleting message ${
          message.id
        } from the job-run event queue of cluster ${cluster}: ${
          parsed.kind === 'foreign' ? 'not an EMR job-run event' : 'malformed'
        } (${parsed.reason})`,
      );
      await queue.delete(message);
      return 'dropped';
    }
    const event = parsed.event;
    const applied = await jobs.observeEmrRun(
      event.virtualClusterId,
      event.emrJobRunId,
      observationOf(event),
    );
    let outcome: MessageOutcome;
    if (applied) {
      changes.announce([applied]);
      outcome = applied.changed ? 'applied' : 'duplicate';
    } else {
      outcome = (await this.syncUnknown(event)) ? 'synced' : 'ignored';
    }
    await queue.delete(message);
    return outcome;
  }

  /**
   * A run not in the database: its tenant's sync records it (and applies
   * what the event said). False when no tenant has the virtual cluster.
   */
  private async syncUnknown(event: JobRunEvent): Promise<boolean> {
    const last = this.syncedAt.get(event.virtualClusterId);
    if (last !== undefined && Date.now() - last < UNKNOWN_RUN_SYNC_MS) {
      return true;
    }
    this.syncedAt.set(event.virtualClusterId, Date.now());
    const synced = await this.options.sync.syncVirtualCluster(
      event.virtualClusterId,
    );
    if (!synced) {
      this.options.logger.debug(
        `Ignoring a job-run event of virtual cluster ${event.virtualClusterId}: no tenant has it`,
      );
    }
    return synced;
  }

  private pause(ms: number): Promise<void> {
    return new Promise(resolve => {
      const timer = setTimeout(done, ms);
      const signal = this.abort.signal;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

/** What an event says of its run, as the store takes it. */
export function observationOf(event: JobRunEvent): JobRunObservation {
  if (event.kind === 'driver-attempt') {
    // A new driver pod was created for the run: submitted again.
    return {
      state: 'SUBMITTED',
      source: 'event',
      at: event.at,
      attempt: event.attempt,
      details: event.details
        ? `driver attempt ${event.attempt}; the previous driver failed: ${event.details}`
        : `driver attempt ${event.attempt}`,
    };
  }
  return {
    state: event.state,
    source: 'event',
    at: event.at,
    attempt: event.attempt,
    stateDetails: event.stateDetails,
    failureReason: event.failureReason,
    finishedAt: event.finishedAt,
  };
}
