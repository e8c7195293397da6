import { isError, ResponseError } from '@backstage/errors';

/**
 * The backend's own words for a refused request, with what the template
 * author should do about it, so a failed step says why: the field for a 400,
 * the permission for a 403, "not found or not yours" for a 404.
 */
export function describeBackendError(error: unknown, what: string): Error {
  if (!(error instanceof ResponseError)) {
    return isError(error) ? error : new Error(String(error));
  }
  const message = error.body?.error?.message ?? error.message;
  const status = error.statusCode;
  const hint: Record<number, string> = {
    400: 'fix the input named above',
    403: 'you may not do this; ask a platform admin',
    404: 'it does not exist, or you may not see it',
    409: 'it changed or is busy; try again',
  };
  return new Error(
    `${what} failed (${status}): ${message}${
      hint[status] ? ` (${hint[status]})` : ''
    }`,
  );
}

/** Whether the backend answered 404 (unknown, or hidden from the caller). */
export function isNotFound(error: unknown): boolean {
  return error instanceof ResponseError && error.statusCode === 404;
}
