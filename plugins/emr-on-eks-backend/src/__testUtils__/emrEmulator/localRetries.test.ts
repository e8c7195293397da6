import { ClockLifecycle, JobRuns } from './index.mjs';
import type { PlannedStep, RunFields } from './index.mjs';
import { resolvePackagePath } from '@backstage/backend-plugin-api';

/*
 * The local stack shows driver retries: a run started with a retry policy
 * loses its first driver and ends on the second attempt (or fails on every
 * attempt), reported as DescribeJobRun's retryPolicyExecution.
 */

const START = Date.parse('2026-12-01T00:00:00Z');
const VC = 'vclocal';
/**
 * The local stack's planners (`npm start`), from examples/local (outside
 * this package, so loaded by path; Jest transforms them like the emulator).
 */
const local = (file: string) =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(resolvePackagePath(
    '@spot-spark/plugin-emr-on-eks-backend',
    `../../examples/local/${file}`,
  ));

/** Seconds the local stack spends in each state, at speed 1. */
let timing: {
  pending: number;
  submitted: number;
  running: number;
  cancelPending: number;
};
/** The local stack's plan of a run, retries included. */
let planFor: (run: RunFields) => PlannedStep[];
let OUTCOME_TAG: string;

beforeAll(() => {
  const outcomes = local('jobRunOutcomes.mjs');
  const { withRetries } = local('jobRunRetries.mjs');
  timing = outcomes.timingAt(1);
  planFor = withRetries(outcomes.outcomePlanner(timing));
  OUTCOME_TAG = outcomes.OUTCOME_TAG;
});

function world() {
  let now = START;
  const jobRuns = new JobRuns({
    lifecycle: new ClockLifecycle({
      planFor,
      cancelPendingSeconds: timing.cancelPending,
    }),
    now: () => now,
  });
  const start = (outcome: string, maxAttempts?: number) =>
    jobRuns.start(
      VC,
      {
        name: `run-${outcome}-${maxAttempts}`,
        clientToken: `token-${outcome}-${maxAttempts}`,
        executionRoleArn: 'arn:aws:iam::123456789012:role/x',
        releaseLabel: 'emr-7.5.0-latest',
        jobDriver: { sparkSubmitJobDriver: { entryPoint: 's3://b/app.py' } },
        tags: { [OUTCOME_TAG]: outcome },
        ...(maxAttempts ? { retryPolicyConfiguration: { maxAttempts } } : {}),
      },
      'us-east-1',
    ).id;
  const at = (seconds: number, id: string) => {
    now = START + seconds * 1000;
    const { jobRun } = jobRuns.describe(VC, id);
    return {
      state: jobRun.state,
      attempt: jobRun.retryPolicyExecution?.currentAttemptCount,
      maxAttempts: jobRun.retryPolicyConfiguration?.maxAttempts,
      stateDetails: jobRun.stateDetails,
    };
  };
  return {
    start,
    at,
    jobRuns,
    setNow: (s: number) => (now = START + s * 1000),
  };
}

describe('the local stack’s driver retries', () => {
  /** When a run starts running. */
  const running = () => timing.pending + timing.submitted;

  it('plans one attempt and reports no retry policy for a run without one', () => {
    const { start, at } = world();
    const id = start('COMPLETED');
    expect(at(running() + 1, id)).toEqual({
      state: 'RUNNING',
      attempt: undefined,
      maxAttempts: undefined,
      stateDetails: undefined,
    });
    expect(at(running() + timing.running, id).state).toBe('COMPLETED');
  });

  it('loses the first driver of a run with retries, and completes on the second attempt', () => {
    const { start, at } = world();
    const id = start('COMPLETED', 3);
    expect(at(1, id)).toMatchObject({ state: 'PENDING', attempt: 1 });
    expect(at(running() + 1, id)).toMatchObject({
      state: 'RUNNING',
      attempt: 1,
      maxAttempts: 3,
    });
    expect(at(running() + timing.running + 1, id)).toMatchObject({
      state: 'RUNNING',
      attempt: 2,
      stateDetails: expect.stringContaining('Driver attempt 1 failed'),
    });
    expect(at(running() + 2 * timing.running, id)).toMatchObject({
      state: 'COMPLETED',
      attempt: 2,
      maxAttempts: 3,
    });
  });

  it('fails a failing run on every attempt it may make', () => {
    const { start, at } = world();
    const id = start('FAILED', 3);
    expect(at(running() + 2 * timing.running + 1, id)).toMatchObject({
      state: 'RUNNING',
      attempt: 3,
    });
    expect(at(running() + 3 * timing.running, id)).toMatchObject({
      state: 'FAILED',
      attempt: 3,
    });
  });

  it('keeps a cancelled run on the attempt it was cancelled in', () => {
    const { start, at, jobRuns, setNow } = world();
    const id = start('COMPLETED', 2);
    setNow(running() + timing.running + 1);
    jobRuns.cancel(VC, id);
    expect(at(running() + timing.running + 2, id)).toMatchObject({
      state: 'CANCEL_PENDING',
      attempt: 2,
    });
    expect(at(running() + timing.running + 60, id)).toMatchObject({
      state: 'CANCELLED',
      attempt: 2,
    });
  });
});
