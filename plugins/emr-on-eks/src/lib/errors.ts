/** The HTTP status of a failed call (`ResponseError.statusCode`), if any. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null) {
    const { statusCode, response } = error as {
      statusCode?: unknown;
      response?: { status?: unknown };
    };
    if (typeof statusCode === 'number') {
      return statusCode;
    }
    if (typeof response?.status === 'number') {
      return response.status;
    }
  }
  return undefined;
}

/** True for the answers the backend gives to what the caller may not see. */
export function isNotVisible(error: unknown): boolean {
  const status = statusOf(error);
  return status === 403 || status === 404;
}

/**
 * The backend's own message of a failed call (the `error.message` of a
 * `ResponseError`'s body), or the error's message for any other error.
 */
export function backendMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { body, message } = error as {
      body?: { error?: { message?: unknown } };
      message?: unknown;
    };
    const fromBody = body?.error?.message;
    if (typeof fromBody === 'string' && fromBody) {
      return fromBody;
    }
    if (typeof message === 'string') {
      return message;
    }
  }
  return String(error);
}
