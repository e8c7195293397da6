/**
 * Errors the gateways throw for the outcomes services act on, so no service
 * has to read AWS SDK error names or messages.
 */

/** A resource with the tenant's name exists but this plugin did not create it for that tenant. */
export class NotManagedError extends Error {
  name = 'NotManagedError';
}

/** EMR refused a job run for good (validation, permissions): retrying the same request cannot help. */
export class JobRunRejectedError extends Error {
  name = 'JobRunRejectedError';
}

/** The virtual cluster a call named is gone (deleted, or never existed). */
export class VirtualClusterGoneError extends Error {
  name = 'VirtualClusterGoneError';
  constructor(readonly virtualClusterId: string, cause?: unknown) {
    super(`virtual cluster ${virtualClusterId} does not exist`, { cause });
  }
}
