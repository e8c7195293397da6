// @ts-check
// An HTTP handler for the emr-containers API: each request's operation is
// answered by the job runs (after checking the virtual cluster), by an
// extra operation, or passed on.
import { accountOfArn } from './arns.mjs';
import { EmrError, invalid, noSuchVirtualCluster } from './errors.mjs';
import { APP_UI_OPERATIONS } from './persistentAppUis.mjs';
import {
  emrTarget,
  queryRecord,
  readBody,
  routeRequest,
  sendError,
  sendJson,
  signedFor,
} from './wire.mjs';

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/**
 * @template P
 * @typedef {import('./jobRuns.mjs').JobRuns<P>} JobRuns
 */
/** @typedef {import('./wire.mjs').EmrCall} EmrCall */
/** @typedef {import('./wire.mjs').EmrFault} EmrFault */
/** @typedef {import('./persistentAppUis.mjs').PersistentAppUis} PersistentAppUis */

const JOB_RUN_OPERATIONS = new Set([
  'StartJobRun',
  'DescribeJobRun',
  'ListJobRuns',
  'CancelJobRun',
]);

/**
 * Whether a virtual cluster exists, and its state (StartJobRun needs a
 * RUNNING one).
 * @typedef {object} VirtualClusterDirectory
 * @property {(id: string, operation: string, req: IncomingMessage) =>
 *   Promise<{ state: string, arn?: string } | undefined> |
 *   { state: string, arn?: string } | undefined} find The ARN, when known,
 *   gives the account the cluster's runs belong to.
 */

/**
 * @template P
 * @typedef {object} EmrHandlerOptions
 * @property {JobRuns<P>} jobRuns
 * @property {VirtualClusterDirectory} virtualClusters
 * @property {string} requestIdPrefix Of the `x-amzn-requestid` header.
 * @property {Record<string, (call: EmrCall) => unknown>} [operations]
 *   Operations answered besides the job-run ones.
 * @property {PersistentAppUis} [persistentAppUis] Answers the EMR API's
 *   persistent app UI operations (JSON 1.1, by `x-amz-target`); without it
 *   they are unknown operations (or passed on).
 * @property {(req: IncomingMessage, res: ServerResponse) => void} [passThrough]
 *   Takes every request that is not one of ours (an operation we answer,
 *   signed for emr-containers). Without it, such requests are answered with
 *   404 UnknownOperationException.
 * @property {(call: EmrCall) => void} [observe] Sees every request we take,
 *   before it is handled.
 * @property {(call: EmrCall) => EmrFault | undefined} [intercept] A fault to
 *   answer a request with instead of handling it (so it changes nothing).
 */

/**
 * @template P
 * @param {EmrHandlerOptions<P>} options
 * @returns {(req: IncomingMessage, res: ServerResponse) => void}
 */
export function createEmrRequestHandler(options) {
  const { jobRuns, virtualClusters, operations = {} } = options;
  let requestSequence = 0;

  /**
   * @param {EmrCall} call
   * @param {IncomingMessage} req
   * @param {URL} url
   */
  async function answer(call, req, url) {
    if (emrTarget(req) !== undefined) {
      if (options.persistentAppUis && APP_UI_OPERATIONS.has(call.operation)) {
        return options.persistentAppUis.answer(call.operation, call.body);
      }
      throw new EmrError(
        400,
        'UnknownOperationException',
        `No operation ElasticMapReduce.${call.operation}`,
      );
    }
    const extra = operations[call.operation];
    if (extra) {
      return extra(call);
    }
    if (!JOB_RUN_OPERATIONS.has(call.operation)) {
      throw new EmrError(
        404,
        'UnknownOperationException',
        `No operation for ${url.pathname}`,
      );
    }
    const virtualClusterId = call.virtualClusterId ?? '';
    const jobId = call.jobId ?? '';
    const virtualCluster = await virtualClusters.find(
      virtualClusterId,
      call.operation,
      req,
    );
    if (!virtualCluster) {
      throw noSuchVirtualCluster(virtualClusterId);
    }
    switch (call.operation) {
      case 'StartJobRun': {
        if (virtualCluster.state !== 'RUNNING') {
          throw invalid(
            `Virtual cluster ${virtualClusterId} is in state ${virtualCluster.state}; job runs need a RUNNING virtual cluster.`,
          );
        }
        const started = jobRuns.start(
          virtualClusterId,
          call.body,
          signedFor(req).region,
          accountOfArn(virtualCluster.arn),
        );
        call.jobId = started.id;
        return started;
      }
      case 'DescribeJobRun':
        return jobRuns.describe(virtualClusterId, jobId);
      case 'ListJobRuns':
        return jobRuns.list(virtualClusterId, url.searchParams);
      default:
        return jobRuns.cancel(virtualClusterId, jobId);
    }
  }

  /** @param {IncomingMessage} req */
  function isOurs(req, /** @type {string} */ operation) {
    if (emrTarget(req) !== undefined) {
      // The EMR API (moto serves some of it): only the app UI operations.
      return (
        Boolean(options.persistentAppUis) &&
        APP_UI_OPERATIONS.has(operation) &&
        signedFor(req).service === 'elasticmapreduce'
      );
    }
    const known = JOB_RUN_OPERATIONS.has(operation) || operation in operations;
    // In front of another endpoint (moto serves every service on one port),
    // only what was signed for emr-containers.
    return (
      known &&
      (!options.passThrough || signedFor(req).service === 'emr-containers')
    );
  }

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const target = emrTarget(req);
    const routed = target ? { operation: target } : routeRequest(req, url);
    if (options.passThrough && !isOurs(req, routed.operation)) {
      options.passThrough(req, res);
      return;
    }
    const requestId = `${options.requestIdPrefix}-${++requestSequence}`;
    readBody(req)
      .then(async body => {
        /** @type {EmrCall} */
        const call = { ...routed, query: queryRecord(url) };
        options.observe?.(call);
        const text = body.toString('utf8');
        try {
          call.body = text ? JSON.parse(text) : undefined;
        } catch {
          throw new EmrError(
            400,
            'SerializationException',
            'Request body is not JSON.',
          );
        }
        // Faults come first, so a failed request changes nothing.
        const fault = options.intercept?.(call);
        if (fault) {
          sendJson(
            res,
            requestId,
            fault.status,
            { message: fault.message ?? `Injected ${fault.code}` },
            fault.code,
          );
          return;
        }
        sendJson(res, requestId, 200, await answer(call, req, url));
      })
      .catch(error => sendError(res, requestId, error));
  };
}
