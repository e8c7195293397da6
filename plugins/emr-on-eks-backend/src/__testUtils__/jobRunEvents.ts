import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';

/*
 * EMR's job-run events on moto: the SQS queue and the EventBridge rule
 * (source aws.emr-containers -> the queue) an adopter creates, events put
 * on the bus as EMR would, and raw messages put on the queue as anyone
 * could. EventBridge is called on its JSON protocol directly (moto checks
 * no signature), which keeps its SDK out of the plugin's dependencies.
 */

/** Calls an EventBridge action on moto. */
async function eventBridge(
  endpoint: string,
  action: string,
  body: object,
): Promise<any> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSEvents.${action}`,
      authorization:
        'AWS4-HMAC-SHA256 Credential=testing/20261207/us-east-1/events/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) {
    throw new Error(`EventBridge ${action} answered ${res.status}: ${text}`);
  }
  return text ? JSON.parse(text) : {};
}

/** The queue and rule of the operations guide, on moto. */
export async function createJobRunEventQueue(
  endpoint: string,
  name = 'emr-job-run-events',
): Promise<{ queueUrl: string; queueArn: string; sqs: SQSClient }> {
  const sqs = new SQSClient({ region: 'us-east-1', endpoint });
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: { VisibilityTimeout: '30' },
    }),
  );
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: ['QueueArn'],
    }),
  );
  const queueArn = Attributes!.QueueArn!;
  await eventBridge(endpoint, 'PutRule', {
    Name: `${name}-rule`,
    EventPattern: JSON.stringify({ source: ['aws.emr-containers'] }),
    State: 'ENABLED',
  });
  await eventBridge(endpoint, 'PutTargets', {
    Rule: `${name}-rule`,
    Targets: [{ Id: 'backstage', Arn: queueArn }],
  });
  return { queueUrl: QueueUrl!, queueArn, sqs };
}

/** Puts an EMR on EKS event on the default bus, as EMR does. */
export async function putEmrEvent(
  endpoint: string,
  detailType: string,
  detail: object,
): Promise<void> {
  const out = await eventBridge(endpoint, 'PutEvents', {
    Entries: [
      {
        Source: 'aws.emr-containers',
        DetailType: detailType,
        Detail: JSON.stringify(detail),
        Resources: [],
      },
    ],
  });
  if (out.FailedEntryCount) {
    throw new Error(`PutEvents failed: ${JSON.stringify(out)}`);
  }
}

/** The detail of an `EMR Job Run State Change`. */
export function stateChangeDetail(run: {
  virtualClusterId: string;
  emrJobRunId: string;
  state: string;
  failureReason?: string;
  stateDetails?: string;
}): object {
  return {
    severity: run.state === 'FAILED' ? 'ERROR' : 'INFO',
    id: run.emrJobRunId,
    virtualClusterId: run.virtualClusterId,
    name: 'job',
    state: run.state,
    ...(run.failureReason ? { failureReason: run.failureReason } : {}),
    ...(run.stateDetails ? { stateDetails: run.stateDetails } : {}),
    message: `Job run ${run.emrJobRunId} is in state ${run.state}`,
  };
}

/** A whole EventBridge event, as the rule delivers it to the queue. */
export function eventEnvelope(
  detailType: string,
  detail: object,
  time = new Date(),
): string {
  return JSON.stringify({
    version: '0',
    id: `evt-${Math.random().toString(36).slice(2)}`,
    'detail-type': detailType,
    source: 'aws.emr-containers',
    account: '123456789012',
    time: time.toISOString(),
    region: 'us-east-1',
    resources: [],
    detail,
  });
}

/** Puts a raw message on the queue. */
export async function sendRaw(
  sqs: SQSClient,
  queueUrl: string,
  body: string,
): Promise<void> {
  await sqs.send(
    new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }),
  );
}

/** Messages on the queue: waiting, and taken but not deleted. */
export async function messagesOn(
  sqs: SQSClient,
  queueUrl: string,
): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
      ],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

/** Polls until `check` holds (bounded), answering its last value. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting until ${what}`);
    }
    await new Promise(resolve => setTimeout(resolve, 25));
  }
}
