// LOCAL ONLY: driver retries on `npm start`'s stack, for the job-run
// simulator (jobRunSimulator.mjs). A run started with a retry policy
// (`retryPolicyConfiguration.maxAttempts` of 2 or more, which the backend
// sends for a request with `retries`) loses its first driver and finishes
// on the second attempt, so the example app shows a run with two attempts:
//
//   PENDING -> SUBMITTED -> RUNNING (attempt 1) -> RUNNING (attempt 2) -> end
//
// A run planned to fail fails on every attempt, the last one included.

/** Why the first driver of a retried run stopped. */
const LOST_DRIVER =
  'Driver attempt 1 failed: the driver pod was deleted (its node was reclaimed); EMR started attempt 2.';

/**
 * Wraps a planner (jobRunOutcomes.mjs) so runs with a retry policy plan
 * more than one driver attempt, each as long as the plan's one.
 * @param {(run: any) => Array<{ at: number, state: string, attempt?: number }>} planFor
 */
export function withRetries(planFor) {
  return run => {
    const plan = planFor(run);
    const maxAttempts = run.retryPolicyConfiguration?.maxAttempts ?? 1;
    if (maxAttempts < 2) {
      return plan;
    }
    const end = plan[plan.length - 1];
    const running = plan.findIndex(step => step.state === 'RUNNING');
    if (running < 0 || end.state === 'RUNNING') {
      return plan;
    }
    // FAILED runs fail on every attempt; others lose only their first driver.
    const attempts = end.state === 'FAILED' ? maxAttempts : 2;
    const start = plan[running].at;
    const duration = end.at - start;
    const steps = plan.slice(0, running);
    for (let attempt = 1; attempt <= attempts; attempt++) {
      steps.push({
        state: 'RUNNING',
        at: start + (attempt - 1) * duration,
        attempt,
        ...(attempt > 1
          ? {
              stateDetails:
                attempt === 2
                  ? LOST_DRIVER
                  : `Driver attempt ${
                      attempt - 1
                    } failed; EMR started attempt ${attempt}.`,
            }
          : {}),
      });
    }
    steps.push({ ...end, at: start + attempts * duration, attempt: attempts });
    return steps;
  };
}
