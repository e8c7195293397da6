import { ResponseError } from '@backstage/errors';

const ERROR_NAMES: Record<number, string> = {
  400: 'InputError',
  403: 'NotAllowedError',
  404: 'NotFoundError',
  409: 'ConflictError',
};

/** The error the client throws for a backend's error answer. */
export function httpError(
  statusCode: number,
  message = `HTTP ${statusCode}`,
): Promise<ResponseError> {
  const body = {
    error: { name: ERROR_NAMES[statusCode] ?? 'Error', message },
    request: { method: 'GET', url: '/api/emr-on-eks' },
    response: { statusCode },
  };
  const response = {
    ok: false,
    status: statusCode,
    statusText: `Status ${statusCode}`,
    url: 'http://localhost/api/emr-on-eks',
    headers: {
      get: (name: string) =>
        name === 'content-type' ? 'application/json' : null,
    },
    text: async () => JSON.stringify(body),
  };
  return ResponseError.fromResponse(
    response as unknown as Parameters<typeof ResponseError.fromResponse>[0],
  );
}
