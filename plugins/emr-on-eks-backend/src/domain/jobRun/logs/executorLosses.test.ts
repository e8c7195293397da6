import fc from 'fast-check';
import {
  ExecutorLossParser,
  LineSplitter,
  log4jTime,
  MAX_LISTED_LOSSES,
} from './executorLosses';

function parse(text: string, spotExecutors = true) {
  const parser = new ExecutorLossParser({ spotExecutors });
  const splitter = new LineSplitter(line => parser.line(line));
  splitter.push(text);
  splitter.end();
  return parser.result();
}

/* Lines as Spark writes them (see the sources named in executorLosses.ts). */
const DECOMMISSIONED = [
  '26/12/07 01:41:41 WARN KubernetesClusterSchedulerBackend$KubernetesDriverEndpoint: Received executor 7 decommissioned message',
  '26/12/07 01:41:41 INFO KubernetesClusterSchedulerBackend: Decommission executors: 7',
  '26/12/07 01:41:41 INFO BlockManagerMasterEndpoint: Mark BlockManagers (BlockManagerId(7, 192.168.82.107, 39007, None)) as being decommissioning.',
  '26/12/07 01:42:30 ERROR TaskSchedulerImpl: Lost executor 7 on 192.168.82.107: Executor decommission: Spot interruption notice.',
].join('\n');

const OOM = [
  '26/12/07 02:00:00 ERROR TaskSchedulerImpl: Lost executor 3 on 10.0.1.5: ',
  'The executor with id 3 exited with exit code 137(SIGKILL, possible container OOM).',
  'The API gave the following brief reason: OOMKilled',
  '',
  '26/12/07 02:00:00 WARN TaskSetManager: Lost task 9.0 in stage 5.0 (TID 2042) (10.0.1.5 executor 3): ExecutorLostFailure (executor 3 exited caused by one of the running tasks) Reason: ',
  'The executor with id 3 exited with exit code 137(SIGKILL, possible container OOM).',
].join('\n');

const NODE_SHUTDOWN = [
  '2026-12-07 03:10:05,120 ERROR TaskSchedulerImpl: Lost executor 12 on 100.110.242.89: ',
  'The executor with id 12 exited with exit code -1(unexpected).',
  'The API gave the following brief reason: Terminated',
  'The API gave the following message: Pod was terminated in response to imminent node shutdown.',
].join('\n');

const DELETED =
  '26/12/07 04:00:00 ERROR TaskSchedulerImpl: Lost executor 21 on 10.0.3.3: The executor with id 21 was deleted by a user or the framework.';

describe('ExecutorLossParser', () => {
  it('counts a decommissioned executor once, as Spot, at its first line', () => {
    expect(parse(DECOMMISSIONED)).toEqual({
      spotLosses: 1,
      otherLosses: 0,
      source: 'driver-log',
      losses: [
        {
          executorId: '7',
          at: '2026-12-07T01:41:41.000Z',
          cause: 'spot',
          line: expect.stringContaining(
            'Received executor 7 decommissioned message',
          ),
        },
      ],
    });
  });

  it('counts an executor killed for memory as another loss, however many task lines repeat it', () => {
    expect(parse(OOM)).toMatchObject({
      spotLosses: 0,
      otherLosses: 1,
      losses: [
        { executorId: '3', cause: 'other', at: '2026-12-07T02:00:00.000Z' },
      ],
    });
  });

  it('reads the pod’s reason on the lines after the loss: a node shut down is Spot', () => {
    expect(parse(NODE_SHUTDOWN)).toMatchObject({
      spotLosses: 1,
      otherLosses: 0,
      losses: [
        { executorId: '12', cause: 'spot', at: '2026-12-07T03:10:05.120Z' },
      ],
    });
  });

  it('counts a pod deleted by the framework as Spot only on a run whose executors ran on Spot', () => {
    expect(parse(DELETED, true)).toMatchObject({
      spotLosses: 1,
      otherLosses: 0,
    });
    expect(parse(DELETED, false)).toMatchObject({
      spotLosses: 0,
      otherLosses: 1,
    });
  });

  it('lists every loss in time order, and ignores everything else', () => {
    const result = parse(
      [
        NODE_SHUTDOWN,
        '26/12/07 01:00:00 INFO SparkContext: Running Spark version 3.5.2-amzn-1',
        OOM,
        DECOMMISSIONED,
        '26/12/07 05:00:00 INFO DAGScheduler: Job 3 finished',
      ].join('\n'),
    );
    expect(result.losses.map(l => l.executorId)).toEqual(['7', '3', '12']);
    expect(result).toMatchObject({ spotLosses: 2, otherLosses: 1 });
  });

  it('counts each executor once and lists at most 500, whatever the lines', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            id: fc.integer({ min: 1, max: 700 }),
            kind: fc.constantFrom('lost', 'decommission', 'failure'),
            second: fc.integer({ min: 0, max: 59 }),
          }),
          { maxLength: 800 },
        ),
        events => {
          const text = events
            .map(({ id, kind, second }) => {
              const time = `26/12/07 01:00:${String(second).padStart(2, '0')}`;
              const lines = {
                lost: `${time} ERROR TaskSchedulerImpl: Lost executor ${id} on 10.0.0.1: Executor Process Lost`,
                decommission: `${time} INFO KubernetesClusterSchedulerBackend: Decommission executors: ${id}`,
                failure: `${time} WARN TaskSetManager: Lost task 1.0 in stage 2.0 (TID 3) (10.0.0.1 executor ${id}): ExecutorLostFailure (executor ${id} exited unrelated to the running tasks) Reason: Executor Process Lost`,
              };
              return lines[kind];
            })
            .join('\n');
          const result = parse(text, false);
          const distinct = new Set(events.map(e => e.id));
          expect(result.spotLosses + result.otherLosses).toBe(distinct.size);
          const decommissioned = new Set(
            events.filter(e => e.kind === 'decommission').map(e => e.id),
          );
          expect(result.spotLosses).toBe(decommissioned.size);
          expect(result.losses.length).toBe(
            Math.min(distinct.size, MAX_LISTED_LOSSES),
          );
          const times = result.losses.map(l => l.at!);
          expect([...times].sort()).toEqual(times);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('log4jTime', () => {
  it('reads Spark’s default and ISO-like times, as UTC unless a zone is named', () => {
    expect(log4jTime('26/12/07 01:41:41 INFO x')?.toISOString()).toBe(
      '2026-12-07T01:41:41.000Z',
    );
    expect(log4jTime('2026-12-07 01:41:41,250 INFO x')?.toISOString()).toBe(
      '2026-12-07T01:41:41.250Z',
    );
    expect(log4jTime('2026-12-07T01:41:41.5+01:00 INFO x')?.toISOString()).toBe(
      '2026-12-07T00:41:41.500Z',
    );
    expect(log4jTime('\tat org.apache.spark.Foo')).toBeUndefined();
    expect(log4jTime('26/13/07 01:41:41 INFO x')).toBeUndefined();
    expect(log4jTime('2026-02-30 01:41:41 INFO x')).toBeUndefined();
  });
});

describe('LineSplitter', () => {
  it('gives the same lines whatever the chunks, each cut to its maximum', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ maxLength: 20 }).map(s => s.replace(/[\n\r]/g, '')),
          { maxLength: 20 },
        ),
        fc.array(fc.integer({ min: 1, max: 15 }), {
          minLength: 1,
          maxLength: 5,
        }),
        (lines, sizes) => {
          const text = lines.join('\n');
          const seen: string[] = [];
          const splitter = new LineSplitter(line => seen.push(line), 8);
          for (let at = 0, i = 0; at < text.length; i++) {
            const size = sizes[i % sizes.length];
            splitter.push(text.slice(at, at + size));
            at += size;
          }
          splitter.end();
          // A final line break ends the last line; it does not start another.
          const whole = lines.map(l => l.slice(0, 8));
          const expected =
            whole[whole.length - 1] === '' ? whole.slice(0, -1) : whole;
          expect(seen).toEqual(expected);
        },
      ),
    );
  });
});
