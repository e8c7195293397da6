import { ResponseError } from '@backstage/errors';
import type { CostQuery } from './EmrOnEksApi';

/**
 * Where the backend plugin is: Backstage's `DiscoveryApi` in the browser,
 * `DiscoveryService` in a backend (only `getBaseUrl` is used).
 *
 * @public
 */
export interface EmrOnEksDiscovery {
  /** The base URL of a plugin's API. */
  getBaseUrl(pluginId: string): Promise<string>;
}

/**
 * How requests are sent: Backstage's `FetchApi` in the browser (it adds the
 * user's token), or in a backend a `fetch` that adds the credentials the
 * caller acts with.
 *
 * @public
 */
export interface EmrOnEksFetch {
  /** Sends a request with the caller's credentials. */
  fetch: typeof fetch;
}

/** Where requests go and how they are sent. */
export interface EmrOnEksTransport {
  discoveryApi: EmrOnEksDiscovery;
  fetchApi: EmrOnEksFetch;
}

/** What a request sends besides its method and path. */
export interface RequestOptions {
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Undefined values are left out; an array value repeats the parameter. */
  query?: Record<string, unknown>;
}

/**
 * The URL of a backend endpoint. Path segments are encoded one by one and
 * query values through URLSearchParams, so no value can change the path or
 * add a parameter.
 */
export async function backendUrl(
  discoveryApi: EmrOnEksDiscovery,
  path: string[],
  query: Record<string, unknown> = {},
): Promise<string> {
  const base = await discoveryApi.getBaseUrl('emr-on-eks');
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const item of ([] as unknown[]).concat(value)) {
      if (item !== undefined) {
        search.append(key, String(item));
      }
    }
  }
  const text = search.toString();
  return `${base}/${path.map(encodeURIComponent).join('/')}${
    text ? `?${text}` : ''
  }`;
}

/**
 * Sends a request to the backend: its status and JSON body (undefined when
 * empty). A non-OK answer throws `ResponseError`, with the backend's message.
 */
export async function sendRequest<T>(
  transport: EmrOnEksTransport,
  method: string,
  path: string[],
  options: RequestOptions = {},
): Promise<{ status: number; body: T | undefined }> {
  const url = await backendUrl(transport.discoveryApi, path, options.query);
  const response = await transport.fetchApi.fetch(url, {
    method,
    headers: {
      ...(options.body === undefined
        ? {}
        : { 'Content-Type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (!response.ok) {
    throw await ResponseError.fromResponse(response);
  }
  const text = response.status === 204 ? '' : await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as T) : undefined,
  };
}

/** The query parameters of a cost report: several groupings comma-separated. */
export function costQueryParams(
  query: CostQuery,
): Record<string, string | undefined> {
  return {
    from: query.from,
    to: query.to,
    groupBy:
      query.groupBy === undefined
        ? undefined
        : ([] as string[]).concat(query.groupBy).join(','),
  };
}
