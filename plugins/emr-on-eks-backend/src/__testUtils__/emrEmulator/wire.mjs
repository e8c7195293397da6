// @ts-check
// The REST-JSON wire protocol of `@aws-sdk/client-emr-containers`: which
// operation a request is, its query and body, and answers and errors in the
// shape the SDK reads.
import { EmrError } from './errors.mjs';
import { DEFAULT_REGION } from './arns.mjs';

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */

/**
 * One HTTP request the emulator received.
 * @typedef {object} EmrCall
 * @property {string} operation StartJobRun, DescribeJobRun, ListJobRuns,
 *   CancelJobRun, DescribeVirtualCluster or Unknown; for the EMR API's
 *   JSON 1.1 requests, the operation `x-amz-target` names
 *   (CreatePersistentAppUI, ...).
 * @property {string} [virtualClusterId]
 * @property {string} [jobId] From the path; for a successful StartJobRun,
 *   the id it answered with.
 * @property {Record<string, string | string[]>} query Query parameters;
 *   `states` is always an array, the others strings.
 * @property {any} [body] Parsed JSON body, if any.
 */

/**
 * An error to answer with instead of handling a request.
 * @typedef {object} EmrFault
 * @property {number} status
 * @property {string} code Sent in `x-amzn-errortype`; the SDK names the
 *   thrown error after it.
 * @property {string} [message]
 */

/**
 * Names the operation the way the SDK's serialisers build its request.
 * @param {string} method
 * @param {string[]} segments The path's segments, decoded.
 * @returns {Pick<EmrCall, 'operation' | 'virtualClusterId' | 'jobId'>}
 */
export function route(method, segments) {
  const [root, virtualClusterId, collection, jobId] = segments;
  if (root !== 'virtualclusters' || !virtualClusterId) {
    return { operation: 'Unknown' };
  }
  if (segments.length === 2 && method === 'GET') {
    return { operation: 'DescribeVirtualCluster', virtualClusterId };
  }
  if (collection === 'jobruns' && segments.length === 3) {
    if (method === 'POST') {
      return { operation: 'StartJobRun', virtualClusterId };
    }
    if (method === 'GET') {
      return { operation: 'ListJobRuns', virtualClusterId };
    }
  }
  if (collection === 'jobruns' && segments.length === 4) {
    if (method === 'GET') {
      return { operation: 'DescribeJobRun', virtualClusterId, jobId };
    }
    if (method === 'DELETE') {
      return { operation: 'CancelJobRun', virtualClusterId, jobId };
    }
  }
  return { operation: 'Unknown', virtualClusterId };
}

/**
 * The operation a request names, from its method and path.
 * @param {IncomingMessage} req
 * @param {URL} url
 */
export function routeRequest(req, url) {
  const segments = url.pathname
    .split('/')
    .filter(Boolean)
    .map(segment => decodeURIComponent(segment));
  return route(req.method ?? 'GET', segments);
}

/**
 * The operation of an EMR (`elasticmapreduce`) JSON 1.1 request, from its
 * `x-amz-target: ElasticMapReduce.<Operation>` header; undefined for the
 * REST requests of emr-containers.
 * @param {IncomingMessage} req
 * @returns {string | undefined}
 */
export function emrTarget(req) {
  const target = req.headers['x-amz-target'];
  const match =
    typeof target === 'string'
      ? /^ElasticMapReduce\.([A-Za-z]+)$/.exec(target)
      : null;
  return match ? match[1] : undefined;
}

/**
 * @param {URL} url
 * @returns {Record<string, string | string[]>}
 */
export function queryRecord(url) {
  /** @type {Record<string, string | string[]>} */
  const query = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    // `states` is a list member; repeated keys are lists too.
    query[key] = key === 'states' || values.length > 1 ? values : values[0];
  }
  return query;
}

/**
 * The SigV4 credential scope of a request: the service and region it was
 * signed for (moto routes requests by it too).
 * @param {IncomingMessage} req
 * @returns {{ service?: string, region: string }}
 */
export function signedFor(req) {
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(
    req.headers.authorization ?? '',
  );
  return scope
    ? { region: scope[1], service: scope[2] }
    : { region: DEFAULT_REGION };
}

/**
 * @param {NodeJS.ReadableStream} stream
 * @returns {Promise<Buffer>}
 */
export function readBody(stream) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    stream.on('data', chunk => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/**
 * Answers as EMR does: JSON, a request id and, for errors, the error code
 * in `x-amzn-errortype` (the SDK's de_CommandError takes it from there).
 * @param {ServerResponse} res
 * @param {string} requestId
 * @param {number} status
 * @param {unknown} payload
 * @param {string} [errorCode]
 */
export function sendJson(res, requestId, status, payload, errorCode) {
  /** @type {Record<string, string>} */
  const headers = {
    'content-type': 'application/json',
    'x-amzn-requestid': requestId,
  };
  if (errorCode) {
    headers['x-amzn-errortype'] = errorCode;
  }
  res.writeHead(status, headers);
  // JSON.stringify drops undefined members, so optional fields stay absent.
  res.end(JSON.stringify(payload));
}

/**
 * Answers with what went wrong: an EmrError as itself, anything else as an
 * InternalServerException.
 * @param {ServerResponse} res
 * @param {string} requestId
 * @param {unknown} error
 */
export function sendError(res, requestId, error) {
  if (error instanceof EmrError) {
    sendJson(
      res,
      requestId,
      error.status,
      { message: error.message },
      error.code,
    );
  } else {
    sendJson(
      res,
      requestId,
      500,
      { message: String(error) },
      'InternalServerException',
    );
  }
}
