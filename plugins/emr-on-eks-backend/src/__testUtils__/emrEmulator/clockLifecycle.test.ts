import { ClockLifecycle, JobRuns, planOf } from './index.mjs';

/*
 * The clock-driven runs the local stack (`npm start`) shows: the same job
 * runs the scripted tests use, moved by time instead of by `advance()`.
 */

const START = Date.parse('2024-01-01T00:00:00Z');
const VC = 'vc1';

function world() {
  let now = START;
  const jobRuns = new JobRuns({
    lifecycle: new ClockLifecycle({
      planFor: run =>
        planOf([
          { state: 'PENDING', seconds: 5 },
          { state: 'SUBMITTED', seconds: 10 },
          { state: 'RUNNING', seconds: run.name === 'long' ? 3600 : 60 },
          run.name === 'broken'
            ? {
                state: 'FAILED',
                failureReason: 'USER_ERROR',
                stateDetails: 'exit code 1',
              }
            : { state: 'COMPLETED' },
        ]),
      cancelPendingSeconds: 3,
    }),
    now: () => now,
  });
  const start = (name: string, clientToken = name) =>
    jobRuns.start(
      VC,
      {
        name,
        clientToken,
        executionRoleArn: 'arn:aws:iam::123456789012:role/x',
        releaseLabel: 'emr-7.5.0-latest',
        jobDriver: { sparkSubmitJobDriver: { entryPoint: 's3://b/app.py' } },
      },
      'eu-west-1',
    ).id;
  const describe = (id: string) => jobRuns.describe(VC, id).jobRun;
  const at = (seconds: number) => {
    now = START + seconds * 1000;
  };
  return { jobRuns, start, describe, at };
}

describe('clock-driven job runs', () => {
  it('plans steps given with durations: each step begins when the one before ends', () => {
    expect(
      planOf([
        { state: 'PENDING', seconds: 2 },
        { state: 'RUNNING', seconds: 3 },
        { state: 'COMPLETED' },
      ]),
    ).toEqual([
      { state: 'PENDING', at: 0 },
      { state: 'RUNNING', at: 2 },
      { state: 'COMPLETED', at: 5 },
    ]);
  });

  it('moves a run through its plan as time passes, and ends it when the plan says', () => {
    const { start, describe, at } = world();
    const id = start('daily');
    const seen = [0, 4.9, 5, 15, 74.9, 75, 1000].map(second => {
      at(second);
      return describe(id).state;
    });
    expect(seen).toEqual([
      'PENDING',
      'PENDING',
      'SUBMITTED',
      'RUNNING',
      'RUNNING',
      'COMPLETED',
      'COMPLETED',
    ]);
    expect(describe(id)).toMatchObject({
      createdAt: new Date(START).toISOString(),
      finishedAt: new Date(START + 75_000).toISOString(),
      arn: `arn:aws:emr-containers:eu-west-1:123456789012:/virtualclusters/${VC}/jobruns/${id}`,
    });
  });

  it('reports a planned failure with its reason and details', () => {
    const { start, describe, at } = world();
    const id = start('broken');
    at(74);
    expect(describe(id).failureReason).toBeUndefined();
    at(75);
    expect(describe(id)).toMatchObject({
      state: 'FAILED',
      failureReason: 'USER_ERROR',
      stateDetails: 'exit code 1',
    });
  });

  it('keeps a cancelled run CANCEL_PENDING for a while, then CANCELLED, and refuses to cancel an ended one', () => {
    const { jobRuns, start, describe, at } = world();
    const id = start('long');
    at(20);
    expect(jobRuns.cancel(VC, id)).toEqual({ id, virtualClusterId: VC });
    at(22);
    // A second cancel changes nothing: the first one's clock runs on.
    jobRuns.cancel(VC, id);
    expect(describe(id).state).toBe('CANCEL_PENDING');
    expect(describe(id).finishedAt).toBeUndefined();
    at(23);
    expect(describe(id)).toMatchObject({
      state: 'CANCELLED',
      stateDetails: 'Job run cancelled.',
      finishedAt: new Date(START + 23_000).toISOString(),
    });
    expect(() => jobRuns.cancel(VC, id)).toThrow(
      `Job run ${id} is in terminal state CANCELLED and can't be cancelled.`,
    );
  });

  it('lists runs by the state they are in now', () => {
    const { jobRuns, start, at } = world();
    const daily = start('daily');
    const long = start('long');
    at(100);
    const byState = (state: string) =>
      jobRuns
        .list(VC, new URLSearchParams({ states: state }))
        .jobRuns.map(run => run.id);
    expect(byState('COMPLETED')).toEqual([daily]);
    expect(byState('RUNNING')).toEqual([long]);
  });

  it('answers a repeated clientToken with the run it started, whatever the clock says', () => {
    const { jobRuns, start, at } = world();
    const first = start('daily', 'token-1');
    at(500);
    expect(start('daily', 'token-1')).toBe(first);
    expect(jobRuns.count(VC)).toBe(1);
  });
});
