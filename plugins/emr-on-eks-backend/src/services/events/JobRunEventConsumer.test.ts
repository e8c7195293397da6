import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  JobRunEventQueue,
  QueuedMessage,
} from '../../gateways/aws/JobRunEventQueue';
import type { AppliedObservation } from '../../stores/jobRunStates';
import type { JobRunChanges } from './JobRunChanges';
import { JobRunEventConsumer } from './JobRunEventConsumer';

/** An event of a run, as the rule puts it on the queue. */
function stateChange(emrJobRunId: string, state: string) {
  return JSON.stringify({
    id: `evt-${emrJobRunId}-${state}`,
    source: 'aws.emr-containers',
    'detail-type': 'EMR Job Run State Change',
    time: '2026-12-07T10:00:00Z',
    detail: { id: emrJobRunId, virtualClusterId: 'vc1', state },
  });
}

/**
 * A queue scripted per receive: each entry is the messages of one receive,
 * or an error it throws. Records what was deleted; once the script is
 * spent it waits until aborted, as a long poll on an empty queue does.
 */
class ScriptedQueue implements JobRunEventQueue {
  readonly url = 'https://sqs.us-east-1.amazonaws.com/123456789012/q';
  readonly deleted: string[] = [];
  receives = 0;
  private idle?: () => void;
  readonly spent = new Promise<void>(resolve => {
    this.idle = resolve;
  });

  constructor(private readonly script: Array<QueuedMessage[] | Error>) {}

  async receive(options: { signal?: AbortSignal }) {
    const next = this.script[this.receives++];
    if (next === undefined) {
      this.idle?.();
      await new Promise((_, reject) =>
        options.signal?.addEventListener('abort', () =>
          reject(new Error('aborted')),
        ),
      );
    }
    if (next instanceof Error) {
      throw next;
    }
    return next ?? [];
  }

  async delete(message: QueuedMessage) {
    this.deleted.push(message.id);
  }
}

const message = (
  id: string,
  body: string,
  receiveCount = 1,
): QueuedMessage => ({ id, body, receiptHandle: `rh-${id}`, receiveCount });

function consumerOf(
  queue: ScriptedQueue,
  observeEmrRun: (
    vc: string,
    id: string,
  ) => Promise<AppliedObservation | undefined>,
) {
  const logged: Array<{ level: string; message: string }> = [];
  const logger: LoggerService = {
    error: text => void logged.push({ level: 'error', message: text }),
    warn: text => void logged.push({ level: 'warn', message: text }),
    info: text => void logged.push({ level: 'info', message: text }),
    debug: text => void logged.push({ level: 'debug', message: text }),
    child: () => logger,
  };
  const announced: Array<AppliedObservation | undefined> = [];
  const changes: JobRunChanges = {
    announce: c => announced.push(...c),
    settled: async () => {},
  };
  const synced: string[] = [];
  const consumer = JobRunEventConsumer.create({
    queues: [{ cluster: 'shared', queue }],
    jobs: { observeEmrRun: (vc, id) => observeEmrRun(vc, id) },
    sync: {
      syncVirtualCluster: async vc => {
        synced.push(vc);
        return vc === 'vc1';
      },
    },
    changes,
    logger,
    waitSeconds: 1,
    backoff: { initialMs: 1, maxMs: 4 },
  });
  const said = (level: string) =>
    logged.filter(entry => entry.level === level).map(entry => entry.message);
  return { consumer, said, announced, synced };
}

const applied = (changed: boolean) =>
  ({ changed, stateChanged: changed } as AppliedObservation);

describe('JobRunEventConsumer', () => {
  it('backs off after errors reading the queue, warning once per outage, and reads on', async () => {
    const queue = new ScriptedQueue([
      new Error('throttled'),
      new Error('throttled'),
      new Error('throttled'),
      [message('m1', stateChange('run1', 'RUNNING'))],
    ]);
    const { consumer, said, announced } = consumerOf(queue, async () =>
      applied(true),
    );
    consumer.start();
    await queue.spent;
    await consumer.stop();
    expect(queue.deleted).toEqual(['m1']);
    expect(announced).toHaveLength(1);
    expect(said('warn')).toEqual([
      expect.stringContaining(
        'Could not read job-run events of cluster shared',
      ),
    ]);
    expect(said('info')).toContain(
      'Reading job-run events of cluster shared again',
    );
  });

  it('leaves a message it could not apply on the queue, and drops it once it failed ten times', async () => {
    const queue = new ScriptedQueue([
      [
        message('fresh', stateChange('run1', 'RUNNING'), 1),
        message('old', stateChange('run1', 'RUNNING'), 10),
      ],
    ]);
    const { consumer, said } = consumerOf(queue, async () => {
      throw new Error('database unavailable');
    });
    consumer.start();
    await queue.spent;
    await consumer.stop();
    expect(queue.deleted).toEqual(['old']);
    expect(said('error')).toEqual([
      expect.stringContaining('Dropping job-run event message old'),
    ]);
    expect(said('warn')).toEqual([
      expect.stringContaining('Could not apply job-run event message fresh'),
    ]);
  });

  it('syncs the tenant of an unknown run once per virtual cluster in a burst, and drops the rest', async () => {
    const queue = new ScriptedQueue([
      [
        message('a', stateChange('run1', 'RUNNING')),
        message('b', stateChange('run2', 'RUNNING')),
        message('junk', '{"not":"an event"}'),
      ],
    ]);
    const { consumer, synced } = consumerOf(queue, async () => undefined);
    consumer.start();
    await queue.spent;
    await consumer.stop();
    expect(synced).toEqual(['vc1']);
    expect(queue.deleted).toEqual(['a', 'b', 'junk']);
  });
});
