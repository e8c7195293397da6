import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EKSClient } from '@aws-sdk/client-eks';
import { EMRContainersClient } from '@aws-sdk/client-emr-containers';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type {
  AwsCredentialIdentityProvider,
  HandlerExecutionContext,
  InitializeHandler,
  InitializeHandlerArguments,
} from '@smithy/types';
import {
  DEFAULTS,
  type ClusterSettings,
  type EmrOnEksSettings,
} from '../../config';
import { AssumeRoleError } from '../errors';

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
  /** EKS: the cluster, its add-ons, access entries, Pod Identity associations. */
  eks: EKSClient;
  sts: STSClient;
}

/**
 * Builds the SDK clients of a cluster from configuration. With
 * `cluster.aws.roleArn`, every client uses credentials from assuming that
 * role: the STS client holds the assume-role provider, and the others are
 * given the provider it resolved ({@link clusterCredentials}), so they share
 * one cached session.
 */
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
  const stsConfig = common();
  const role = cluster.aws.roleArn;
  const sts = withOperationInErrors(
    new STSClient({
      ...stsConfig,
      ...(role
        ? {
            credentials: assumeRoleCredentials({
              role: { ...cluster.aws, roleArn: role },
              region: cluster.region,
              aws,
              // The master STS client's sockets close with this client's.
              requestHandler: stsConfig.requestHandler,
              failure: { cluster: cluster.name },
            }),
          }
        : {}),
    }),
  );
  const credentials = clusterCredentials(cluster, { sts });
  const own = () => ({
    ...common(),
    ...(credentials ? { credentials } : {}),
  });
  return {
    iam: withOperationInErrors(new IAMClient(own())),
    s3: withOperationInErrors(
      new S3Client({ ...own(), forcePathStyle: Boolean(aws.endpoint) }),
    ),
    logs: withOperationInErrors(new CloudWatchLogsClient(own())),
    emr: withOperationInErrors(new EMRContainersClient(own())),
    eks: withOperationInErrors(new EKSClient(own())),
    sts,
  };
}

/**
 * The credentials provider of a cluster with `aws.roleArn`, for every client
 * of the cluster, including those built elsewhere (the Spark UI's EMR
 * client, the events queue's SQS client): the one the cluster's STS client
 * resolved. The SDK resolves a client's credentials into a cached provider
 * that asks again five minutes before they expire; sharing that provider
 * makes every client of the cluster use one assumed-role session (one
 * AssumeRole an hour, not one per client). Undefined without a role: each
 * client uses the SDK's default chain, as it always did.
 */
export function clusterCredentials(
  cluster: ClusterSettings,
  clients: Pick<AwsClients, 'sts'>,
): AwsCredentialIdentityProvider | undefined {
  return cluster.aws.roleArn ? clients.sts.config.credentials : undefined;
}

/** A role to assume for AWS calls, as configured. */
export interface AssumedRole {
  roleArn: string;
  /** Sent as `ExternalId` when set; never logged or shown. */
  externalId?: string;
  sessionName: string;
}

/**
 * The SDK's temporary-credentials provider for a role: AssumeRole with the
 * configured session name and external id, from the backend's own
 * credentials (the SDK's default chain), through the same endpoint override,
 * region, retries and timeouts as every other client. A failure becomes an
 * {@link AssumeRoleError} naming the cluster (or `failure.of`) and the role,
 * never the external id. A failure is not cached: the next call tries again.
 */
function assumeRoleCredentials(options: {
  role: AssumedRole;
  region: string;
  aws: Pick<EmrOnEksSettings['aws'], 'endpoint'>;
  requestHandler: NodeHttpHandler;
  failure: { cluster?: string; of?: string };
}): AwsCredentialIdentityProvider {
  const { role, aws } = options;
  const assume = fromTemporaryCredentials({
    params: {
      RoleArn: role.roleArn,
      RoleSessionName: role.sessionName,
      ...(role.externalId ? { ExternalId: role.externalId } : {}),
    },
    clientConfig: {
      region: options.region,
      maxAttempts: 5,
      requestHandler: options.requestHandler,
      ...(aws.endpoint ? { endpoint: aws.endpoint } : {}),
    },
  });
  return async (properties?: Parameters<typeof assume>[0]) => {
    try {
      return await assume(properties);
    } catch (error) {
      throw new AssumeRoleError(
        options.failure.cluster,
        role.roleArn,
        assumeRoleReason(error, role.externalId),
        { cause: error, of: options.failure.of },
      );
    }
  };
}

/** What AWS said, as `Code: message`, the external id masked should AWS echo it. */
function assumeRoleReason(error: unknown, externalId?: string): string {
  const { name, message } = (error ?? {}) as {
    name?: unknown;
    message?: unknown;
  };
  const text = [name, message]
    .filter(part => typeof part === 'string' && part !== '' && part !== 'Error')
    .join(': ');
  const reason = text || String(error);
  return externalId ? reason.split(externalId).join('<external-id>') : reason;
}

/**
 * The Athena client of the cost rollup: the workgroup's region, the same
 * endpoint override, retries and timeouts as every other client; with
 * `role`, credentials from assuming it (the CUR's account), cached by the
 * client and refreshed before they expire.
 */
export function createAthenaClient(
  region: string,
  aws: Pick<EmrOnEksSettings['aws'], 'endpoint'>,
  timeouts: AwsTimeouts = {},
  role?: AssumedRole,
): AthenaClient {
  const requestHandler = timedRequestHandler(timeouts);
  return withOperationInErrors(
    new AthenaClient({
      region,
      maxAttempts: 5,
      requestHandler,
      ...(aws.endpoint ? { endpoint: aws.endpoint } : {}),
      ...(role
        ? {
            credentials: assumeRoleCredentials({
              role,
              region,
              aws,
              requestHandler,
              failure: { of: 'emrOnEks.costs.athena' },
            }),
          }
        : {}),
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
