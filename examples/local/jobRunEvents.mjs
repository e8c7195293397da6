// LOCAL ONLY: EMR's job-run events on `npm start`'s stack.
//
// EMR on EKS sends each state change of a run to EventBridge (source
// aws.emr-containers); an adopter's rule puts them on an SQS queue that the
// backend long-polls (docs/operations.md). Locally, moto plays EventBridge
// and SQS: `createJobRunEventQueue` creates the queue and the rule, and the
// job-run simulator (jobRunSimulator.mjs) publishes its runs' changes with
// PutEvents through `jobRunEventPublisher`, so the example app shows state
// arriving by push (the sync, every 10 s locally, stays the backstop).
//
// moto's EventBridge takes PutEvents with source aws.emr-containers and
// routes it by the rule to the queue (the backend's moto tests check it).

/** Where the queue and the rule are: moto's default account, the backend's. */
export const EVENTS_REGION = 'us-east-1';
export const EVENTS_ACCOUNT_ID = '123456789012'; // moto's
/** The queue's name, and the rule's (`<name>-rule`). */
export const EVENTS_QUEUE_NAME = 'emr-job-run-events';

/**
 * Calls an AWS JSON-protocol action on moto (moto checks no signature).
 * @param {string} endpoint
 * @param {string} target `AWSEvents.PutEvents`, `AmazonSQS.CreateQueue`, ...
 * @param {object} body
 */
async function awsJson(endpoint, target, body) {
  const service = target.startsWith('AWSEvents') ? 'events' : 'sqs';
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type':
        service === 'events'
          ? 'application/x-amz-json-1.1'
          : 'application/x-amz-json-1.0',
      'x-amz-target': target,
      authorization: `AWS4-HMAC-SHA256 Credential=testing/20261207/${EVENTS_REGION}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) {
    throw new Error(`${target} answered ${res.status}: ${text.slice(0, 300)}`);
  }
  return text ? JSON.parse(text) : {};
}

/**
 * Creates (idempotently) the SQS queue and the EventBridge rule that sends
 * every `aws.emr-containers` event to it, as docs/operations.md describes.
 * @param {string} motoEndpoint
 * @returns {Promise<{ queueUrl: string, queueArn: string }>}
 */
export async function createJobRunEventQueue(motoEndpoint) {
  const { QueueUrl: queueUrl } = await awsJson(
    motoEndpoint,
    'AmazonSQS.CreateQueue',
    { QueueName: EVENTS_QUEUE_NAME, Attributes: { VisibilityTimeout: '30' } },
  );
  const queueArn = `arn:aws:sqs:${EVENTS_REGION}:${EVENTS_ACCOUNT_ID}:${EVENTS_QUEUE_NAME}`;
  await awsJson(motoEndpoint, 'AWSEvents.PutRule', {
    Name: `${EVENTS_QUEUE_NAME}-rule`,
    EventPattern: JSON.stringify({ source: ['aws.emr-containers'] }),
    State: 'ENABLED',
  });
  await awsJson(motoEndpoint, 'AWSEvents.PutTargets', {
    Rule: `${EVENTS_QUEUE_NAME}-rule`,
    Targets: [{ Id: 'backstage', Arn: queueArn }],
  });
  return { queueUrl, queueArn };
}

/**
 * Publishes the simulator's runs' state changes as EMR does: an `EMR Job
 * Run State Change` per state, and an `EMR Job Run New Driver Attempt` when
 * a retried run starts another driver. Runs move on a clock without telling
 * anyone, so each is looked at when its plan says it moves.
 *
 * @param {{
 *   upstream: string,
 *   statusOf: (run: any) => { state: string, stateDetails?: string,
 *     failureReason?: string, attempt?: number, finishedAt?: number },
 *   cancelPendingSeconds: number,
 *   publishes?: (run: any) => boolean,
 *   log?: (message: string) => void,
 * }} options `upstream` is moto; `statusOf` where a run stands now;
 *   `publishes` whether a run's events go to this account's EventBridge
 *   (default: every run's). EMR sends a run's events to the bus of the run's
 *   own account and region, so the runs of the second account's cluster
 *   (app-config.yaml's `analytics`) have none here.
 */
export function jobRunEventPublisher(options) {
  const log = options.log ?? (() => {});
  /** @type {Map<string, { state: string, attempt: number }>} */
  const published = new Map();
  /** @type {Map<string, NodeJS.Timeout[]>} */
  const timers = new Map();
  let failures = 0;

  const put = (detailType, detail) =>
    awsJson(options.upstream, 'AWSEvents.PutEvents', {
      Entries: [
        {
          Source: 'aws.emr-containers',
          DetailType: detailType,
          Detail: JSON.stringify(detail),
          Resources: [],
        },
      ],
    });

  async function publish(run) {
    if (options.publishes && !options.publishes(run)) return;
    const status = options.statusOf(run);
    const attempt = status.attempt ?? 1;
    const last = published.get(run.id);
    if (last && last.state === status.state && last.attempt === attempt) {
      return;
    }
    published.set(run.id, { state: status.state, attempt });
    const ids = {
      id: run.id,
      virtualClusterId: run.virtualClusterId,
      arn: `arn:aws:emr-containers:${EVENTS_REGION}:${EVENTS_ACCOUNT_ID}:/virtualclusters/${run.virtualClusterId}/jobruns/${run.id}`,
      name: run.name,
    };
    if (last && attempt > last.attempt) {
      await put('EMR Job Run New Driver Attempt', {
        ...ids,
        currentAttemptCount: attempt,
        newDriverPodName: `spark-${run.id}-driver-attempt${attempt}`,
        newDriverCreatedAt: new Date().toISOString(),
        ...(status.stateDetails
          ? { previousDriverFailureMessage: status.stateDetails }
          : {}),
      });
    }
    await put('EMR Job Run State Change', {
      ...ids,
      severity: status.state === 'FAILED' ? 'ERROR' : 'INFO',
      state: status.state,
      releaseLabel: run.releaseLabel,
      ...(status.stateDetails ? { stateDetails: status.stateDetails } : {}),
      ...(status.failureReason ? { failureReason: status.failureReason } : {}),
      ...(status.finishedAt
        ? { finishedAt: new Date(status.finishedAt).toISOString() }
        : {}),
      message: `Job run ${run.id} (${run.name}) is in state ${status.state}`,
    });
  }

  function publishSoon(run) {
    publish(run).then(
      () => {
        failures = 0;
      },
      error => {
        // Said once per outage: the backend's sync carries on meanwhile.
        if (failures++ === 0) {
          log(`could not publish a job-run event to moto: ${error}`);
        }
      },
    );
  }

  /** Looks at the run at `atMs` (epoch milliseconds), or now if that passed. */
  function lookAt(run, atMs) {
    const timer = setTimeout(
      () => publishSoon(run),
      // A little after the step, so the clock has moved the run.
      Math.max(0, atMs - Date.now()) + 20,
    );
    timer.unref?.();
    timers.set(run.id, [...(timers.get(run.id) ?? []), timer]);
  }

  function forget(run) {
    (timers.get(run.id) ?? []).forEach(clearTimeout);
    timers.delete(run.id);
  }

  return {
    /**
     * The simulator's `onChange`: a run started (each step of its plan is
     * published when it comes) or began to cancel.
     * @param {'started' | 'cancelling'} change
     * @param {any} run
     */
    onChange(change, run) {
      if (change === 'started') {
        for (const step of run.progress?.plan ?? []) {
          lookAt(run, run.createdAt + step.at * 1000);
        }
        return;
      }
      forget(run);
      publishSoon(run); // CANCEL_PENDING
      lookAt(run, Date.now() + options.cancelPendingSeconds * 1000);
    },

    /**
     * Runs kept from an earlier session: their steps still to come.
     * @param {any[]} runs
     */
    resume(runs) {
      const now = Date.now();
      for (const run of runs) {
        published.set(run.id, {
          state: options.statusOf(run).state,
          attempt: options.statusOf(run).attempt ?? 1,
        });
        for (const step of run.progress?.plan ?? []) {
          const at = run.createdAt + step.at * 1000;
          if (at > now && run.progress?.cancelledAt === undefined) {
            lookAt(run, at);
          }
        }
      }
    },

    stop() {
      [...timers.values()].flat().forEach(clearTimeout);
      timers.clear();
    },
  };
}
