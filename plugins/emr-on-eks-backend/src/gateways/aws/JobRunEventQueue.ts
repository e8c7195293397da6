import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { ClusterSettings, EmrOnEksSettings } from '../../config';

/** The long poll's wait: SQS's longest, so an idle queue costs 3 calls a minute. */
export const EVENT_QUEUE_WAIT_SECONDS = 20;

/** One message taken from the queue: its body, and the handle that deletes it. */
export interface QueuedMessage {
  id: string;
  body: string | undefined;
  receiptHandle: string;
  /** How many times SQS has handed this message out (1 the first time). */
  receiveCount: number;
}

/**
 * The SQS queue an EventBridge rule fills with EMR's job-run events. A
 * message taken and not deleted comes back after the queue's visibility
 * timeout, so it is deleted only once the run is updated.
 */
export interface JobRunEventQueue {
  /** The queue's URL, for logs. */
  readonly url: string;
  /**
   * Waits up to `waitSeconds` (a long poll) for up to ten messages; fewer
   * or none when the wait ends. Aborted by `signal` (shutting down).
   */
  receive(options: {
    waitSeconds: number;
    signal?: AbortSignal;
  }): Promise<QueuedMessage[]>;
  /** Deletes a message handled (or to be dropped). */
  delete(message: QueuedMessage): Promise<void>;
}

/** {@link JobRunEventQueue} on Amazon SQS. */
export class SqsJobRunEventQueue implements JobRunEventQueue {
  /** Closes the client's connections (at shutdown). */
  dispose(): void {
    this.sqs.destroy();
  }

  constructor(private readonly sqs: SQSClient, readonly url: string) {}

  async receive(options: {
    waitSeconds: number;
    signal?: AbortSignal;
  }): Promise<QueuedMessage[]> {
    const out = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: options.waitSeconds,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
      { abortSignal: options.signal },
    );
    return (out.Messages ?? [])
      .filter(message => message.ReceiptHandle)
      .map(message => ({
        id: message.MessageId ?? '',
        body: message.Body,
        receiptHandle: message.ReceiptHandle!,
        receiveCount: Number(
          message.Attributes?.ApproximateReceiveCount ?? '1',
        ),
      }));
  }

  async delete(message: QueuedMessage): Promise<void> {
    await this.sqs.send(
      new DeleteMessageCommand({
        QueueUrl: this.url,
        ReceiptHandle: message.receiptHandle,
      }),
    );
  }
}

/**
 * The queue of a cluster's `events.queueUrl`, in the region the URL names
 * (else the cluster's), through `aws.endpoint` when set (moto). A call may
 * take the long poll's wait plus the usual request time. With `credentials`
 * (the cluster's assumed role, `clusterCredentials`) the queue is read as
 * that role, in the cluster's one session.
 */
export function createSqsJobRunEventQueue(
  cluster: ClusterSettings,
  settings: Pick<EmrOnEksSettings, 'aws'>,
  credentials?: AwsCredentialIdentityProvider,
): SqsJobRunEventQueue | undefined {
  const url = cluster.events?.queueUrl;
  if (!url) {
    return undefined;
  }
  const region = /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(url)?.[1];
  const requestMs =
    (EVENT_QUEUE_WAIT_SECONDS + settings.aws.requestTimeoutSeconds) * 1000;
  const sqs = new SQSClient({
    region: region ?? cluster.region,
    maxAttempts: 3,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: settings.aws.connectTimeoutSeconds * 1000,
      requestTimeout: requestMs,
      throwOnRequestTimeout: true,
      socketTimeout: requestMs,
    }),
    ...(settings.aws.endpoint ? { endpoint: settings.aws.endpoint } : {}),
    ...(credentials ? { credentials } : {}),
  });
  return new SqsJobRunEventQueue(sqs, url);
}
