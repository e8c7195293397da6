import {
  CreatePersistentAppUICommand,
  DescribePersistentAppUICommand,
  EMRClient,
  GetPersistentAppUIPresignedURLCommand,
} from '@aws-sdk/client-emr';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { ClusterSettings, EmrOnEksSettings } from '../../config';
import {
  AWS_CONNECT_TIMEOUT_MS,
  AWS_REQUEST_TIMEOUT_MS,
  type AwsTimeouts,
} from './clients';
import { errorName } from './errorName';

/**
 * EMR refused to make a run's Spark UI for good (InvalidRequestException or
 * another client error but throttling): asking again will not help.
 */
export class SparkUiRefusedError extends Error {
  name = 'SparkUiRefusedError';
}

/** What DescribePersistentAppUI says of a UI that can be opened. */
export const PERSISTENT_APP_UI_READY = 'ATTACHED';

/** A presigned URL of a persistent app UI, when EMR has one ready. */
export interface PresignedSparkUi {
  /** False while EMR is still preparing the UI (`PresignedURLReady`). */
  ready: boolean;
  url?: string;
}

/**
 * The Spark UI of EMR on EKS job runs: EMR's persistent application UIs
 * (the EMR API, service `elasticmapreduce`, not `emr-containers`).
 */
export interface SparkUiGateway {
  /**
   * CreatePersistentAppUI for a job run of a virtual cluster; the new UI's
   * id. Each call makes a new UI: callers keep the id and reuse it.
   */
  createForJobRun(target: {
    virtualClusterArn: string;
    jobRunId: string;
  }): Promise<string>;
  /**
   * DescribePersistentAppUI's status ({@link PERSISTENT_APP_UI_READY} once
   * it can be opened), or undefined when EMR does not know the id.
   */
  status(persistentAppUiId: string): Promise<string | undefined>;
  /** GetPersistentAppUIPresignedURL of the UI's Spark history server (SHS). */
  presignedUrl(persistentAppUiId: string): Promise<PresignedSparkUi>;
}

/** {@link SparkUiGateway} on the EMR API. */
export class EmrSparkUiGateway implements SparkUiGateway {
  /**
   * The gateway of a cluster's account and region, on a client of its own
   * with the same endpoint override, retries and timeouts as the others,
   * and the cluster's `credentials` when it has its own (an assumed role);
   * `dispose` closes its connections.
   */
  static create(options: {
    cluster: ClusterSettings;
    aws: Pick<EmrOnEksSettings['aws'], 'endpoint'>;
    timeouts?: AwsTimeouts;
    credentials?: AwsCredentialIdentityProvider;
  }): EmrSparkUiGateway & { dispose(): void } {
    const { cluster, aws, timeouts = {}, credentials } = options;
    const requestMs = timeouts.requestMs ?? AWS_REQUEST_TIMEOUT_MS;
    const client = new EMRClient({
      region: cluster.region,
      maxAttempts: 5,
      requestHandler: new NodeHttpHandler({
        connectionTimeout: timeouts.connectMs ?? AWS_CONNECT_TIMEOUT_MS,
        requestTimeout: requestMs,
        throwOnRequestTimeout: true,
        socketTimeout: requestMs,
      }),
      ...(aws.endpoint ? { endpoint: aws.endpoint } : {}),
      ...(credentials ? { credentials } : {}),
    });
    return Object.assign(new EmrSparkUiGateway(client), {
      dispose: () => client.destroy(),
    });
  }

  constructor(private readonly emr: EMRClient) {}

  async createForJobRun(target: {
    virtualClusterArn: string;
    jobRunId: string;
  }): Promise<string> {
    let out;
    try {
      out = await this.emr.send(
        new CreatePersistentAppUICommand({
          TargetResourceArn: target.virtualClusterArn,
          EMRContainersConfig: { JobRunId: target.jobRunId },
        }),
      );
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } })
        .$metadata?.httpStatusCode;
      if (
        errorName(error) === 'InvalidRequestException' ||
        (status !== undefined &&
          status >= 400 &&
          status < 500 &&
          status !== 429 &&
          !/Throttl|AccessDenied|Unrecognized|ExpiredToken/.test(
            errorName(error) ?? '',
          ))
      ) {
        throw new SparkUiRefusedError((error as Error).message, {
          cause: error,
        });
      }
      throw error;
    }
    if (!out.PersistentAppUIId) {
      throw new Error(
        `EMR CreatePersistentAppUI answered without a PersistentAppUIId for job run ${target.jobRunId}`,
      );
    }
    return out.PersistentAppUIId;
  }

  async status(persistentAppUiId: string): Promise<string | undefined> {
    try {
      const out = await this.emr.send(
        new DescribePersistentAppUICommand({
          PersistentAppUIId: persistentAppUiId,
        }),
      );
      return out.PersistentAppUI
        ? out.PersistentAppUI.PersistentAppUIStatus ?? ''
        : undefined;
    } catch (error) {
      // The EMR API answers a bad request, an unknown id included, with
      // InvalidRequestException (the only client error it documents).
      const name = errorName(error);
      if (
        name === 'InvalidRequestException' ||
        name === 'ResourceNotFoundException'
      ) {
        return undefined;
      }
      throw error;
    }
  }

  async presignedUrl(persistentAppUiId: string): Promise<PresignedSparkUi> {
    const out = await this.emr.send(
      new GetPersistentAppUIPresignedURLCommand({
        PersistentAppUIId: persistentAppUiId,
        PersistentAppUIType: 'SHS',
      }),
    );
    return {
      ready: out.PresignedURLReady !== false && Boolean(out.PresignedURL),
      ...(out.PresignedURL ? { url: out.PresignedURL } : {}),
    };
  }
}
