import {
  JOB_RUN_STATES,
  type JobRunState,
} from '@spot-spark/plugin-emr-on-eks-common';
import { z } from 'zod';

/*
 * EMR on EKS job-run events as EventBridge delivers them (source
 * `aws.emr-containers`), read from an SQS message body. The queue is
 * hostile ground: anything may be put on it, so the body is parsed, never
 * trusted, and a message this does not understand is reported as such.
 *
 * The events (EventBridge events reference, "Amazon EMR Containers events";
 * EMR on EKS Development Guide, "Using job retry policies"):
 * - `EMR Job Run State Change` and `EmrContainers Job Run State Change`:
 *   `detail` carries the run's `id`, `virtualClusterId`, `arn`, `name`,
 *   `state`, and may carry `stateDetails`, `failureReason`, `createdAt`,
 *   `finishedAt`/`updatedAt`;
 * - `EMR Job Run New Driver Attempt` (runs with a retry policy):
 *   `currentAttemptCount`, `newDriverPodName`, `newDriverCreatedAt`,
 *   `previousDriverFailureMessage`, with the run's ids.
 * The run's ids are also read from its ARN (`detail.arn`, or the envelope's
 * `resources`): `arn:aws:emr-containers:<region>:<account>:/virtualclusters/
 * <virtual cluster id>/jobruns/<job run id>`.
 */

/** The detail types read; any other is foreign. */
export const JOB_RUN_EVENT_TYPES = [
  'EMR Job Run State Change',
  'EmrContainers Job Run State Change',
  'EMR Job Run New Driver Attempt',
] as const;

/** What one message said about one run. */
export type JobRunEvent = {
  /** The event's id (EventBridge's), for logs. */
  eventId?: string;
  virtualClusterId: string;
  emrJobRunId: string;
  /** When it happened: the detail's time, else the envelope's. */
  at?: Date;
} & (
  | {
      kind: 'state';
      state: JobRunState;
      stateDetails?: string;
      failureReason?: string;
      finishedAt?: Date;
      attempt?: number;
    }
  | {
      kind: 'driver-attempt';
      attempt: number;
      /** Why the previous driver failed. */
      details?: string;
    }
);

/** The outcome of reading one message. */
export type ParsedJobRunMessage =
  | { kind: 'event'; event: JobRunEvent }
  /** Well-formed, but not a job-run event of EMR on EKS (another rule's). */
  | { kind: 'foreign'; reason: string }
  /** Not an event at all, or one this cannot read: dropped, and said why. */
  | { kind: 'malformed'; reason: string };

const ID = /^[0-9a-z]{1,64}$/;
const ARN =
  /^arn:aws[a-z-]*:emr-containers:[a-z0-9-]+:\d{12}:\/virtualclusters\/([0-9a-z]{1,64})\/jobruns\/([0-9a-z]{1,64})$/;

const text = (max: number) =>
  z
    .string()
    .transform(value => value.slice(0, max))
    .optional()
    .catch(undefined);
const time = z
  .union([z.string(), z.number()])
  .transform(value => new Date(value))
  .refine(date => !Number.isNaN(date.getTime()))
  .optional()
  .catch(undefined);
const count = z.coerce.number().int().min(1).max(1000);

const envelopeSchema = z.object({
  id: z.string().max(128).optional(),
  source: z.string().max(256),
  'detail-type': z.string().max(256),
  time: time,
  resources: z.array(z.string().max(2048)).max(100).optional().catch(undefined),
  detail: z.record(z.string(), z.unknown()),
});

const stateDetailSchema = z.object({
  state: z.enum(JOB_RUN_STATES).refine(state => state !== 'SUBMITTING', {
    message: 'SUBMITTING is not an EMR state',
  }),
  stateDetails: text(2000),
  failureReason: text(255),
  finishedAt: time,
  updatedAt: time,
  currentAttemptCount: count.optional().catch(undefined),
});

const attemptDetailSchema = z.object({
  currentAttemptCount: count,
  newDriverCreatedAt: time,
  previousDriverFailureMessage: text(2000),
});

/** The run a detail (or the envelope's resources) names, if any. */
function runIds(
  detail: Record<string, unknown>,
  resources: string[] | undefined,
): { virtualClusterId: string; emrJobRunId: string } | undefined {
  const arns = [detail.arn, detail.jobRunArn, ...(resources ?? [])].filter(
    (value): value is string => typeof value === 'string',
  );
  for (const arn of arns) {
    const match = ARN.exec(arn);
    if (match) {
      return { virtualClusterId: match[1], emrJobRunId: match[2] };
    }
  }
  const virtualClusterId = detail.virtualClusterId;
  const emrJobRunId = detail.id ?? detail.jobRunId;
  if (
    typeof virtualClusterId === 'string' &&
    typeof emrJobRunId === 'string' &&
    ID.test(virtualClusterId) &&
    ID.test(emrJobRunId)
  ) {
    return { virtualClusterId, emrJobRunId };
  }
  return undefined;
}

/**
 * Reads one SQS message body: an EventBridge event of EMR on EKS about a
 * job run, or why not. Never throws.
 */
export function parseJobRunMessage(
  body: string | undefined,
): ParsedJobRunMessage {
  if (!body || body.length > 256 * 1024) {
    return { kind: 'malformed', reason: 'empty or larger than SQS allows' };
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { kind: 'malformed', reason: 'not JSON' };
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) {
    return {
      kind: 'malformed',
      reason: `not an EventBridge event (${envelope.error.issues
        .slice(0, 3)
        .map(issue => `${issue.path.join('.') || 'body'}: ${issue.message}`)
        .join('; ')})`,
    };
  }
  const { source, detail, resources } = envelope.data;
  const detailType = envelope.data['detail-type'];
  if (source !== 'aws.emr-containers') {
    return { kind: 'foreign', reason: `source ${source.slice(0, 64)}` };
  }
  if (!(JOB_RUN_EVENT_TYPES as readonly string[]).includes(detailType)) {
    return {
      kind: 'foreign',
      reason: `detail-type ${detailType.slice(0, 64)}`,
    };
  }
  const ids = runIds(detail, resources);
  if (!ids) {
    return {
      kind: 'malformed',
      reason: `${detailType} names no job run (no id and virtualClusterId, nor a job run ARN)`,
    };
  }
  const common = { eventId: envelope.data.id, ...ids };
  if (detailType === 'EMR Job Run New Driver Attempt') {
    const attempt = attemptDetailSchema.safeParse(detail);
    if (!attempt.success) {
      return {
        kind: 'malformed',
        reason: `${detailType} without a currentAttemptCount of 1 or more`,
      };
    }
    return {
      kind: 'event',
      event: {
        ...common,
        kind: 'driver-attempt',
        attempt: attempt.data.currentAttemptCount,
        at: attempt.data.newDriverCreatedAt ?? envelope.data.time,
        details: attempt.data.previousDriverFailureMessage,
      },
    };
  }
  const state = stateDetailSchema.safeParse(detail);
  if (!state.success) {
    return {
      kind: 'malformed',
      reason: `${detailType} without a job run state EMR uses`,
    };
  }
  return {
    kind: 'event',
    event: {
      ...common,
      kind: 'state',
      state: state.data.state,
      stateDetails: state.data.stateDetails,
      failureReason: state.data.failureReason,
      finishedAt: state.data.finishedAt,
      attempt: state.data.currentAttemptCount,
      at: envelope.data.time ?? state.data.updatedAt,
    },
  };
}
