// @ts-check
// A scripted stand-in for the parts of the EKS API moto lacks (Pod Identity
// associations, add-ons, access entries), in front of moto, for the
// backend's tests and the local stack. Requests signed for `eks` whose
// operation one of the given operation sets knows are answered here; every
// other request is passed on (moto answers DescribeCluster, for one).
// Plain ESM with checked JSDoc types, importing nothing but Node's built-ins
// and the EMR emulator's wire helpers, so the local stack loads it as it is.
import {
  readBody,
  sendError,
  sendJson,
  signedFor,
} from '../emrEmulator/wire.mjs';
import http from 'node:http';
import { EmrError } from '../emrEmulator/errors.mjs';

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */

/**
 * One request to the EKS API, as the emulator saw it.
 * @typedef {object} EksCall
 * @property {string} operation Like `CreatePodIdentityAssociation`.
 * @property {string} method
 * @property {string} path The request path, undecoded.
 * @property {Record<string, string>} params The path's named parts, decoded.
 * @property {URLSearchParams} query
 * @property {any} body The JSON body, if any.
 * @property {string} region From the request's signature.
 * @property {string | undefined} accessKeyId From the signature: moto tells
 *   accounts apart by it (an assumed role's keys belong to the role's
 *   account), so the emulator can too.
 */

/**
 * An operation answered here: `pattern` matches the path's segments, each
 * `{name}` segment captured into `params`.
 * @typedef {object} EksOperation
 * @property {string} operation
 * @property {string} method
 * @property {string} pattern Like `/clusters/{clusterName}/addons`.
 * @property {(call: EksCall) => unknown | Promise<unknown>} answer
 */

/**
 * @param {string} pattern
 * @param {string[]} segments
 * @returns {Record<string, string> | undefined}
 */
function matchPath(pattern, segments) {
  const parts = pattern.split('/').filter(Boolean);
  if (parts.length !== segments.length) {
    return undefined;
  }
  /** @type {Record<string, string>} */
  const params = {};
  for (let i = 0; i < parts.length; i++) {
    const name = /^\{(\w+)\}$/.exec(parts[i])?.[1];
    if (name) {
      params[name] = segments[i];
    } else if (parts[i] !== segments[i]) {
      return undefined;
    }
  }
  return params;
}

/**
 * @param {object} options
 * @param {EksOperation[]} options.operations
 * @param {(req: IncomingMessage, res: ServerResponse) => void} [options.passThrough]
 *   Takes every request that is not ours; without it they get 404.
 * @param {(call: EksCall) => void} [options.observe] Sees every request we
 *   answer, before it is handled (the tests record them).
 * @returns {(req: IncomingMessage, res: ServerResponse) => void}
 */
export function createEksRequestHandler(options) {
  let sequence = 0;
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const segments = url.pathname
      .split('/')
      .filter(Boolean)
      .map(segment => decodeURIComponent(segment));
    const signed = signedFor(req);
    /** @type {{ op: EksOperation, params: Record<string, string> } | undefined} */
    let found;
    if (signed.service === 'eks' || !options.passThrough) {
      for (const op of options.operations) {
        const params =
          op.method === req.method
            ? matchPath(op.pattern, segments)
            : undefined;
        if (params) {
          found = { op, params };
          break;
        }
      }
    }
    if (!found) {
      if (options.passThrough) {
        options.passThrough(req, res);
        return;
      }
      sendError(
        res,
        `eks-${++sequence}`,
        new EmrError(
          404,
          'NotFoundException',
          `No operation for ${url.pathname}`,
        ),
      );
      return;
    }
    const { op, params } = found;
    const requestId = `eks-${++sequence}`;
    readBody(req)
      .then(async raw => {
        const text = raw.toString('utf8');
        /** @type {EksCall} */
        const call = {
          operation: op.operation,
          method: req.method ?? 'GET',
          path: url.pathname,
          params,
          query: url.searchParams,
          body: text ? JSON.parse(text) : undefined,
          region: signed.region,
          accessKeyId: /Credential=([^/]+)\//.exec(
            req.headers.authorization ?? '',
          )?.[1],
        };
        options.observe?.(call);
        sendJson(res, requestId, 200, await op.answer(call));
      })
      .catch(error => sendError(res, requestId, error));
  };
}

export { EmrError as EksError };
export {
  clusterFactsOperations,
  createClusterFactsState,
  describeClusterOperations,
} from './clusterFacts.mjs';
export {
  addCluster as addPodIdentityCluster,
  createPodIdentityState,
  podIdentityOperations,
} from './podIdentity.mjs';

/**
 * A `passThrough` that forwards a request as it is to `endpoint` (moto) and
 * streams the answer back.
 * @param {string} endpoint Like `http://127.0.0.1:5000`.
 * @returns {(req: IncomingMessage, res: ServerResponse) => void}
 */
export function passThroughTo(endpoint) {
  return (req, res) => {
    const upstream = http.request(
      `${endpoint}${req.url ?? '/'}`,
      { method: req.method, headers: req.headers },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', error => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`upstream ${endpoint} failed: ${error.message}`);
    });
    req.pipe(upstream);
  };
}
