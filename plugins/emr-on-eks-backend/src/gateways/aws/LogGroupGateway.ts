import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { TenantPlan } from '../../domain/plan';
import { errorName } from './errorName';

/**
 * The tenant's log group and its retention: created or brought in line with
 * the plan, deleted on offboarding. Each method returns what it changed.
 */
export interface LogGroupGateway {
  ensureLogGroup(plan: TenantPlan): Promise<string[]>;
  deleteLogGroup(plan: TenantPlan): Promise<string[]>;
}

/** {@link LogGroupGateway} on Amazon CloudWatch Logs. */
export class CloudWatchLogGroupGateway implements LogGroupGateway {
  constructor(private readonly logs: CloudWatchLogsClient) {}

  async ensureLogGroup(plan: TenantPlan): Promise<string[]> {
    const { name, retentionDays } = plan.logGroup;
    const changes: string[] = [];
    let group = await this.find(name);
    if (!group) {
      await this.logs.send(
        new CreateLogGroupCommand({ logGroupName: name, tags: plan.tags }),
      );
      changes.push(`created log group ${name}`);
      group = {};
    }
    if (group.retentionInDays !== retentionDays) {
      await this.logs.send(
        new PutRetentionPolicyCommand({
          logGroupName: name,
          retentionInDays: retentionDays,
        }),
      );
      changes.push(`set retention to ${retentionDays} days`);
    }
    return changes;
  }

  async deleteLogGroup(plan: TenantPlan): Promise<string[]> {
    try {
      await this.logs.send(
        new DeleteLogGroupCommand({ logGroupName: plan.logGroup.name }),
      );
      return [`deleted log group ${plan.logGroup.name}`];
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') {
        return [];
      }
      throw error;
    }
  }

  private async find(name: string) {
    let nextToken: string | undefined;
    do {
      const page = await this.logs.send(
        new DescribeLogGroupsCommand({ logGroupNamePrefix: name, nextToken }),
      );
      const match = page.logGroups?.find(g => g.logGroupName === name);
      if (match) {
        return match;
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return undefined;
  }
}
