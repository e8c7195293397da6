import {
  CancelJobRunCommand,
  DescribeJobRunCommand,
  EMRContainersClient,
  JobRun as EmrSdkJobRun,
  ListJobRunsCommand,
  StartJobRunCommand,
  StartJobRunCommandInput,
} from '@aws-sdk/client-emr-containers';
import type { JobRunState } from '@spot-spark/plugin-emr-on-eks-common';
import { JobRunRejectedError, VirtualClusterGoneError } from '../errors';
import { errorName } from './errorName';

/** A run as EMR reports it (ListJobRuns / DescribeJobRun), reduced to what we keep. */
export interface EmrJobRun {
  id: string;
  virtualClusterId: string;
  name: string;
  arn?: string;
  state: JobRunState;
  stateDetails?: string;
  failureReason?: string;
  releaseLabel?: string;
  createdAt: Date;
  finishedAt?: Date;
  tags: Record<string, string>;
  /** Driver attempts EMR may make (`retryPolicyConfiguration.maxAttempts`), when the run has a retry policy. */
  maxAttempts?: number;
  /** Driver attempts EMR has made so far (`retryPolicyExecution.currentAttemptCount`), when it says. */
  currentAttemptCount?: number;
}

/**
 * Job runs of a virtual cluster: start, describe, list, cancel. `start`
 * throws {@link JobRunRejectedError} when EMR refuses the run for good;
 * `describe` and `list` throw {@link VirtualClusterGoneError} when the virtual
 * cluster itself is gone.
 */
export interface JobRunGateway {
  start(input: StartJobRunCommandInput): Promise<{ id: string; arn?: string }>;
  /** The run, or undefined when EMR does not know it. */
  describe(
    virtualClusterId: string,
    id: string,
  ): Promise<EmrJobRun | undefined>;
  /** Pages of the runs created at or after `createdAfter`, as EMR lists them. */
  list(
    virtualClusterId: string,
    createdAfter: Date,
    options?: { signal?: AbortSignal },
  ): AsyncGenerator<EmrJobRun[]>;
  cancel(virtualClusterId: string, id: string): Promise<void>;
}

/** {@link JobRunGateway} on the EMR on EKS (emr-containers) API. */
export class EmrJobRunGateway implements JobRunGateway {
  constructor(private readonly emr: EMRContainersClient) {}

  async start(
    input: StartJobRunCommandInput,
  ): Promise<{ id: string; arn?: string }> {
    try {
      const out = await this.emr.send(new StartJobRunCommand(input));
      return { id: out.id!, arn: out.arn };
    } catch (error) {
      // A client error other than throttling will fail the same way again;
      // throttling, outages and lost answers may be retried.
      const status = (error as { $metadata?: { httpStatusCode?: number } })
        .$metadata?.httpStatusCode;
      if (
        errorName(error) === 'ValidationException' ||
        (status !== undefined && status < 500 && status !== 429)
      ) {
        throw new JobRunRejectedError((error as Error).message, {
          cause: error,
        });
      }
      throw error;
    }
  }

  async describe(
    virtualClusterId: string,
    id: string,
  ): Promise<EmrJobRun | undefined> {
    try {
      const out = await this.emr.send(
        new DescribeJobRunCommand({ virtualClusterId, id }),
      );
      return out.jobRun ? toEmrJobRun(out.jobRun) : undefined;
    } catch (error) {
      if (isVirtualClusterGone(error)) {
        throw new VirtualClusterGoneError(virtualClusterId, error);
      }
      if (errorName(error) === 'ResourceNotFoundException') {
        return undefined;
      }
      throw error;
    }
  }

  async *list(
    virtualClusterId: string,
    createdAfter: Date,
    options: { signal?: AbortSignal } = {},
  ): AsyncGenerator<EmrJobRun[]> {
    try {
      let nextToken: string | undefined;
      do {
        const page = await this.emr.send(
          new ListJobRunsCommand({
            virtualClusterId,
            createdAfter,
            maxResults: 50,
            nextToken,
          }),
          { abortSignal: options.signal },
        );
        yield (page.jobRuns ?? []).map(toEmrJobRun);
        nextToken = page.nextToken;
      } while (nextToken);
    } catch (error) {
      if (isVirtualClusterGone(error)) {
        throw new VirtualClusterGoneError(virtualClusterId, error);
      }
      throw error;
    }
  }

  async cancel(virtualClusterId: string, id: string): Promise<void> {
    await this.emr.send(new CancelJobRunCommand({ virtualClusterId, id }));
  }
}

/** EMR's answer when the virtual cluster itself is gone (deleted or never existed). */
function isVirtualClusterGone(error: unknown): boolean {
  const message = (error as { message?: string } | undefined)?.message ?? '';
  return /virtual cluster .* (doesn't|does not) exist/i.test(message);
}

function toEmrJobRun(run: EmrSdkJobRun): EmrJobRun {
  return {
    id: run.id!,
    virtualClusterId: run.virtualClusterId!,
    name: run.name ?? run.id!,
    arn: run.arn,
    state: (run.state ?? 'PENDING') as EmrJobRun['state'],
    stateDetails: run.stateDetails,
    failureReason: run.failureReason,
    releaseLabel: run.releaseLabel,
    createdAt: run.createdAt ?? new Date(0),
    finishedAt: run.finishedAt,
    tags: run.tags ?? {},
    ...(run.retryPolicyConfiguration?.maxAttempts !== undefined
      ? { maxAttempts: run.retryPolicyConfiguration.maxAttempts }
      : {}),
    ...(run.retryPolicyExecution?.currentAttemptCount !== undefined
      ? { currentAttemptCount: run.retryPolicyExecution.currentAttemptCount }
      : {}),
  };
}
