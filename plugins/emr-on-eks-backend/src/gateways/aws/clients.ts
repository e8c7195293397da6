import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EMRContainersClient } from '@aws-sdk/client-emr-containers';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type {
  HandlerExecutionContext,
  InitializeHandler,
  InitializeHandlerArguments,
} from '@smithy/types';
import {
  DEFAULTS,
  type ClusterSettings,
  type EmrOnEksSettings,
} from '../../config';

/** How long a TCP (and TLS) connection to an AWS endpoint may take. */
export const AWS_CONNECT_TIMEOUT_MS = DEFAULTS.awsConnectTimeoutSeconds * 1000;
/**
 * How long AWS may take to answer one attempt of a call (until the response
 * headers), and how long a response body may stall. The SDK retries a timed
 * out attempt like a throttled one (up to `maxAttempts`).
 */
export const AWS_REQUEST_TIMEOUT_MS = DEFAULTS.awsRequestTimeoutSeconds * 1000;

/** Timeouts of every AWS call, per attempt, in milliseconds. */
export interface AwsTimeouts {
  /** Default {@link AWS_CONNECT_TIMEOUT_MS}. */
  connectMs?: number;
  /** Default {@link AWS_REQUEST_TIMEOUT_MS}. */
  requestMs?: number;
}

/** The AWS SDK clients of one cluster's account and region. */
export interface AwsClients {
  iam: IAMClient;
  s3: S3Client;
  logs: CloudWatchLogsClient;
  emr: EMRContainersClient;
  sts: STSClient;
}

/** Builds the SDK clients of a cluster from configuration. */
export function createAwsClients(
  cluster: ClusterSettings,
  aws: Pick<EmrOnEksSettings['aws'], 'endpoint'>,
  timeouts: AwsTimeouts = {},
): AwsClients {
  const common = () => ({
    region: cluster.region,
    // Standard retries with backoff absorb throttling.
    maxAttempts: 5,
    // Without timeouts a call to an endpoint that accepts the connection and
    // never answers hangs forever, and with it the reconcile or the request.
    // One handler per client: destroying a client closes its own sockets.
    requestHandler: timedRequestHandler(timeouts),
    ...(aws.endpoint ? { endpoint: aws.endpoint } : {}),
  });
  return {
    iam: withOperationInErrors(new IAMClient(common())),
    s3: withOperationInErrors(
      new S3Client({ ...common(), forcePathStyle: Boolean(aws.endpoint) }),
    ),
    logs: withOperationInErrors(new CloudWatchLogsClient(common())),
    emr: withOperationInErrors(new EMRContainersClient(common())),
    sts: withOperationInErrors(new STSClient(common())),
  };
}

/**
 * The Athena client of the cost rollup: the workgroup's region, the same
 * endpoint override, retries and timeouts as every other client.
 */
export function createAthenaClient(
  region: string,
  aws: Pick<EmrOnEksSettings['aws'], 'endpoint'>,
  timeouts: AwsTimeouts = {},
): AthenaClient {
  return withOperationInErrors(
    new AthenaClient({
      region,
      maxAttempts: 5,
      requestHandler: timedRequestHandler(timeouts),
      ...(aws.endpoint ? { endpoint: aws.endpoint } : {}),
    }),
  );
}

/**
 * One handler version for every client (the EMR containers client is pinned
 * to an older SDK release that bundles an older handler), so the timeouts mean
 * the same everywhere.
 */
function timedRequestHandler(timeouts: AwsTimeouts): NodeHttpHandler {
  const requestMs = timeouts.requestMs ?? AWS_REQUEST_TIMEOUT_MS;
  return new NodeHttpHandler({
    connectionTimeout: timeouts.connectMs ?? AWS_CONNECT_TIMEOUT_MS,
    // Time to the response headers; an error, not a warning, once exceeded.
    requestTimeout: requestMs,
    throwOnRequestTimeout: true,
    // A response body (an S3 object) that stops flowing.
    socketTimeout: requestMs,
  });
}

/**
 * A timed out call reaches the caller as the HTTP handler reports it, naming
 * neither the service nor the call: its message gets both in front
 * (`AWS STS GetCallerIdentity timed out: ...`).
 */
function withOperationInErrors<
  // Structural: the EMR containers client is built on older @smithy/types.
  C extends { middlewareStack: { add(middleware: any, options: any): void } },
>(client: C): C {
  client.middlewareStack.add(
    (next: InitializeHandler<any, any>, context: HandlerExecutionContext) =>
      async (args: InitializeHandlerArguments<any>) => {
        try {
          return await next(args);
        } catch (error) {
          throw nameOperation(error, context);
        }
      },
    { step: 'initialize', name: 'emrOnEksNameOperationInTimeouts' },
  );
  return client;
}

function nameOperation(
  error: unknown,
  context: HandlerExecutionContext,
): unknown {
  const timeout = error as { name?: unknown; message?: unknown } | undefined;
  if (timeout?.name !== 'TimeoutError' || typeof timeout.message !== 'string') {
    return error;
  }
  const service = (context.clientName ?? 'AWS').replace(/Client$/, '');
  const command = (context.commandName ?? 'call').replace(/Command$/, '');
  // The same error object, so its name, code and $metadata stay for callers
  // that look at them.
  timeout.message = `AWS ${service} ${command} timed out: ${timeout.message}`;
  return error;
}
