import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  LogGroup,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { TenantPlan } from '../../domain/plan';
import { NotManagedError, notManagedReason } from '../errors';
import { errorName } from './errorName';

/**
 * The tenant's log group and its retention: created or brought in line with
 * the plan, deleted on offboarding. Each method returns what it changed. A log
 * group of the tenant's name that this plugin did not create for the tenant
 * (its tags) is never adopted or deleted ({@link NotManagedError}).
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
    } else {
      await this.assertManaged(group, plan, 'adopt');
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
    const group = await this.find(plan.logGroup.name);
    if (!group) {
      return [];
    }
    await this.assertManaged(group, plan, 'delete');
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

  private async assertManaged(
    group: LogGroup,
    plan: TenantPlan,
    action: 'adopt' | 'delete',
  ) {
    // ListTagsForResource wants the ARN without the `:*` that `arn` ends
    // in; given that one it answers with no tags at all (moto does too).
    const resourceArn = group.logGroupArn ?? group.arn?.replace(/:\*$/, '');
    const { tags } = await this.logs.send(
      new ListTagsForResourceCommand({ resourceArn }),
    );
    const reason = notManagedReason(tags, plan.tenant, 'tag');
    if (!reason) {
      return;
    }
    const name = plan.logGroup.name;
    throw new NotManagedError(
      action === 'adopt'
        ? `CloudWatch log group ${name} exists but is not managed by this plugin for tenant ${plan.tenant} (${reason}); it was left unchanged. Delete or rename it`
        : `CloudWatch log group ${name} was not deleted: it is not managed by this plugin for tenant ${plan.tenant} (${reason}); delete it by hand if it should go`,
    );
  }

  private async find(name: string): Promise<LogGroup | undefined> {
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
