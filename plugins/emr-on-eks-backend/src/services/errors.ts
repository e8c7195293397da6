/**
 * Errors the services throw to each other (the HTTP layer maps Backstage's
 * own errors, `@backstage/errors`, to status codes; these never reach it).
 */

/** A reconcile lost its tenant's lease (it expired and another took it). */
export class LeaseLostError extends Error {
  name = 'LeaseLostError';
}

/** A reconcile step failed; its message names the step. */
export class StepFailure extends Error {
  name = 'StepFailure';

  constructor(step: string, message: string) {
    super(`step ${step} failed: ${message}`);
  }
}
