import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  Role,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { parsePolicyDocument, samePolicy } from '../../domain/iam';
import type { TenantPlan } from '../../domain/plan';
import { NotManagedError, notManagedReason } from '../errors';
import { isNoSuchEntity } from './errorName';

/**
 * The tenant's job-execution role: create or bring in line with the plan, and
 * delete. Each method returns what it changed; nothing when all was as planned.
 * A role of the tenant's name that this plugin did not create for the tenant
 * is never changed or deleted ({@link NotManagedError}).
 */
export interface IamRoleGateway {
  ensureRole(plan: TenantPlan): Promise<string[]>;
  deleteRole(plan: TenantPlan): Promise<string[]>;
}

/** {@link IamRoleGateway} on the AWS IAM API. */
export class AwsIamRoleGateway implements IamRoleGateway {
  constructor(private readonly iam: IAMClient) {}

  async ensureRole(plan: TenantPlan): Promise<string[]> {
    const desired = plan.iam;
    const changes: string[] = [];
    const role = await this.getRole(desired.roleName);
    if (!role) {
      await this.iam.send(
        new CreateRoleCommand({
          RoleName: desired.roleName,
          Path: desired.path,
          Description: `EMR on EKS job execution role of tenant ${plan.tenant}`,
          AssumeRolePolicyDocument: JSON.stringify(desired.trustPolicy),
          PermissionsBoundary: desired.permissionsBoundaryArn,
          Tags: toTagList(plan.tags),
        }),
      );
      changes.push(`created role ${desired.roleName}`);
    } else {
      assertManaged(role, plan.tenant);
      if (
        !samePolicy(
          parsePolicyDocument(role.AssumeRolePolicyDocument),
          desired.trustPolicy,
        )
      ) {
        await this.iam.send(
          new UpdateAssumeRolePolicyCommand({
            RoleName: desired.roleName,
            PolicyDocument: JSON.stringify(desired.trustPolicy),
          }),
        );
        changes.push('updated trust policy');
      }
      if (
        desired.permissionsBoundaryArn &&
        role.PermissionsBoundary?.PermissionsBoundaryArn !==
          desired.permissionsBoundaryArn
      ) {
        await this.iam.send(
          new PutRolePermissionsBoundaryCommand({
            RoleName: desired.roleName,
            PermissionsBoundary: desired.permissionsBoundaryArn,
          }),
        );
        changes.push('set permissions boundary');
      }
      const tags = Object.fromEntries(
        (role.Tags ?? []).map(tag => [tag.Key, tag.Value]),
      );
      if (
        Object.entries(plan.tags).some(([key, value]) => tags[key] !== value)
      ) {
        await this.iam.send(
          new TagRoleCommand({
            RoleName: desired.roleName,
            Tags: toTagList(plan.tags),
          }),
        );
        changes.push('updated tags');
      }
    }

    const policy = await this.getInlinePolicy(
      desired.roleName,
      desired.policyName,
    );
    if (!policy || !samePolicy(policy, desired.permissionsPolicy)) {
      await this.iam.send(
        new PutRolePolicyCommand({
          RoleName: desired.roleName,
          PolicyName: desired.policyName,
          PolicyDocument: JSON.stringify(desired.permissionsPolicy),
        }),
      );
      changes.push(
        `${policy ? 'updated' : 'put'} policy ${desired.policyName}`,
      );
    }
    return changes;
  }

  async deleteRole(plan: TenantPlan): Promise<string[]> {
    const roleName = plan.iam.roleName;
    const role = await this.getRole(roleName);
    if (!role) {
      return [];
    }
    assertManaged(role, plan.tenant);
    const inline = await this.iam.send(
      new ListRolePoliciesCommand({ RoleName: roleName }),
    );
    for (const policyName of inline.PolicyNames ?? []) {
      await this.iam.send(
        new DeleteRolePolicyCommand({
          RoleName: roleName,
          PolicyName: policyName,
        }),
      );
    }
    const attached = await this.iam.send(
      new ListAttachedRolePoliciesCommand({ RoleName: roleName }),
    );
    for (const policy of attached.AttachedPolicies ?? []) {
      await this.iam.send(
        new DetachRolePolicyCommand({
          RoleName: roleName,
          PolicyArn: policy.PolicyArn,
        }),
      );
    }
    await this.iam.send(new DeleteRoleCommand({ RoleName: roleName }));
    return [`deleted role ${roleName}`];
  }

  private async getRole(roleName: string): Promise<Role | undefined> {
    try {
      return (await this.iam.send(new GetRoleCommand({ RoleName: roleName })))
        .Role;
    } catch (error) {
      if (isNoSuchEntity(error)) {
        return undefined;
      }
      throw error;
    }
  }

  private async getInlinePolicy(roleName: string, policyName: string) {
    try {
      const result = await this.iam.send(
        new GetRolePolicyCommand({
          RoleName: roleName,
          PolicyName: policyName,
        }),
      );
      return parsePolicyDocument(result.PolicyDocument);
    } catch (error) {
      if (isNoSuchEntity(error)) {
        return undefined;
      }
      throw error;
    }
  }
}

function toTagList(tags: Record<string, string>) {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/**
 * A role with the tenant's name that this plugin did not create is never
 * adopted or deleted: it may grant anything, to anyone.
 */
function assertManaged(role: Role, tenant: string) {
  const reason = notManagedReason(
    Object.fromEntries((role.Tags ?? []).map(tag => [tag.Key!, tag.Value])),
    tenant,
    'tag',
  );
  if (reason) {
    throw new NotManagedError(
      `IAM role ${role.RoleName} exists but is not managed by this plugin for tenant ${tenant} (${reason}); delete or rename it, or change emrOnEks.iam.roleNamePrefix`,
    );
  }
}
