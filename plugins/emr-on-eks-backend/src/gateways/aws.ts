import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CancelJobRunCommand,
  CreateVirtualClusterCommand,
  DescribeJobRunCommand,
  JobRun as EmrSdkJobRun,
  paginateListJobRuns,
  StartJobRunCommand,
  StartJobRunCommandInput,
  DeleteVirtualClusterCommand,
  DescribeVirtualClusterCommand,
  EMRContainersClient,
  paginateListVirtualClusters,
  VirtualCluster,
} from '@aws-sdk/client-emr-containers';
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
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { ClusterSettings, EmrOnEksSettings } from '../config';
import { parsePolicyDocument, samePolicy } from '../domain/iam';
import { PRIORITY_TIERS } from '@spot-spark/plugin-emr-on-eks-common';
import type { EmrJobRun } from '../stores/JobRunStore';
import { podTemplateKeys } from '../domain/names';
import { AWS_TAGS, TenantPlan } from '../domain/plan';

/** The AWS SDK clients of one cluster's account and region. */
export interface AwsClients {
  iam: IAMClient;
  s3: S3Client;
  logs: CloudWatchLogsClient;
  emr: EMRContainersClient;
  sts: STSClient;
}

export function createAwsClients(
  cluster: ClusterSettings,
  aws: EmrOnEksSettings['aws'],
): AwsClients {
  const common = {
    region: cluster.region,
    // Standard retries with backoff absorb throttling.
    maxAttempts: 5,
    ...(aws.endpoint ? { endpoint: aws.endpoint } : {}),
  };
  return {
    iam: new IAMClient(common),
    s3: new S3Client({ ...common, forcePathStyle: Boolean(aws.endpoint) }),
    logs: new CloudWatchLogsClient(common),
    emr: new EMRContainersClient(common),
    sts: new STSClient(common),
  };
}

function errorName(error: unknown): string | undefined {
  return (error as { name?: string } | undefined)?.name;
}

/** Thrown when a resource with our name exists but belongs to someone else. */
export class NotManagedError extends Error {
  name = 'NotManagedError';
}

/** The job-execution role: find, create or update, and delete. */
export class IamRoleGateway {
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
      if (
        errorName(error) === 'NoSuchEntityException' ||
        errorName(error) === 'NoSuchEntity'
      ) {
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
      if (
        errorName(error) === 'NoSuchEntityException' ||
        errorName(error) === 'NoSuchEntity'
      ) {
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
  const tags = Object.fromEntries(
    (role.Tags ?? []).map(tag => [tag.Key, tag.Value]),
  );
  if (tags[AWS_TAGS.tenant] !== tenant) {
    throw new NotManagedError(
      `IAM role ${
        role.RoleName
      } exists but is not managed by this plugin for tenant ${tenant} (tag ${
        AWS_TAGS.tenant
      } is ${
        tags[AWS_TAGS.tenant] ?? 'missing'
      }); delete or rename it, or change emrOnEks.iam.roleNamePrefix`,
    );
  }
}

/** Pod templates in the cluster's assets bucket. */
export class PodTemplateGateway {
  constructor(private readonly s3: S3Client) {}

  async ensureFiles(plan: TenantPlan): Promise<string[]> {
    const { bucket, files } = plan.podTemplates;
    const changes: string[] = [];
    for (const file of files) {
      const current = await this.read(bucket, file.key);
      if (current === file.body) {
        continue;
      }
      await this.s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: file.key,
          Body: file.body,
          ContentType: 'application/yaml',
        }),
      );
      changes.push(`wrote s3://${bucket}/${file.key}`);
    }
    return changes;
  }

  /** Deletes the templates of every tier, including tiers the tenant left. */
  async deleteFiles(plan: TenantPlan): Promise<string[]> {
    const { bucket } = plan.podTemplates;
    const keys = PRIORITY_TIERS.flatMap(tier =>
      Object.values(podTemplateKeys(plan.tenant, tier)),
    );
    try {
      await this.s3.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: keys.map(Key => ({ Key })), Quiet: true },
        }),
      );
    } catch (error) {
      if (errorName(error) === 'NoSuchBucket') {
        return [];
      }
      throw error;
    }
    return [
      `deleted the pod templates under tenants/${plan.tenant}/pod-templates/`,
    ];
  }

  private async read(bucket: string, key: string): Promise<string | undefined> {
    try {
      const result = await this.s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: key }),
      );
      return await result.Body?.transformToString('utf8');
    } catch (error) {
      if (errorName(error) === 'NoSuchKey') {
        return undefined;
      }
      if (errorName(error) === 'NoSuchBucket') {
        throw new Error(
          `S3 bucket ${bucket} does not exist; create it or fix podTemplateBucket of cluster config`,
        );
      }
      throw error;
    }
  }
}

/** The tenant's CloudWatch log group and its retention. */
export class LogGroupGateway {
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

/** Live virtual-cluster states: the namespace is registered with EMR. */
const LIVE_STATES = new Set(['RUNNING', 'ARRESTED']);

/** The tenant's EMR virtual cluster. */
export class VirtualClusterGateway {
  constructor(private readonly emr: EMRContainersClient) {}

  /**
   * Returns the id of the tenant's live virtual cluster, creating one only when
   * the namespace has none: a known id is checked first, then the namespace is
   * searched, so a lost id never leads to a second cluster.
   */
  async ensureVirtualCluster(
    plan: TenantPlan,
    knownId: string | undefined,
    clientToken: string,
  ): Promise<{ id: string; changes: string[] }> {
    if (knownId) {
      const known = await this.describe(knownId);
      if (
        known &&
        LIVE_STATES.has(known.state ?? '') &&
        known.containerProvider?.info?.eksInfo?.namespace ===
          plan.virtualCluster.namespace
      ) {
        return { id: knownId, changes: [] };
      }
    }
    const existing = await this.findInNamespace(plan);
    if (existing?.id) {
      return {
        id: existing.id,
        changes: [
          `adopted virtual cluster ${existing.id} of namespace ${plan.namespace}`,
        ],
      };
    }
    const created = await this.emr.send(
      new CreateVirtualClusterCommand({
        name: plan.virtualCluster.name,
        containerProvider: {
          type: 'EKS',
          id: plan.virtualCluster.eksClusterName,
          info: { eksInfo: { namespace: plan.virtualCluster.namespace } },
        },
        // The same token for every attempt of one onboarding: a create retried
        // after a lost response does not register the namespace twice.
        clientToken,
        tags: plan.tags,
      }),
    );
    return {
      id: created.id!,
      changes: [`created virtual cluster ${created.id}`],
    };
  }

  async deleteVirtualCluster(
    plan: TenantPlan,
    knownId: string | undefined,
  ): Promise<string[]> {
    const ids = new Set<string>();
    if (knownId) {
      const known = await this.describe(knownId);
      if (known && LIVE_STATES.has(known.state ?? '')) {
        ids.add(knownId);
      }
    }
    const found = await this.findInNamespace(plan);
    if (found?.id) {
      ids.add(found.id);
    }
    for (const id of ids) {
      await this.emr.send(new DeleteVirtualClusterCommand({ id }));
    }
    return [...ids].map(id => `deleted virtual cluster ${id}`);
  }

  private async describe(id: string): Promise<VirtualCluster | undefined> {
    try {
      return (await this.emr.send(new DescribeVirtualClusterCommand({ id })))
        .virtualCluster;
    } catch (error) {
      if (
        errorName(error) === 'ResourceNotFoundException' ||
        errorName(error) === 'ValidationException'
      ) {
        return undefined;
      }
      throw error;
    }
  }

  private async findInNamespace(
    plan: TenantPlan,
  ): Promise<VirtualCluster | undefined> {
    for await (const page of paginateListVirtualClusters(
      { client: this.emr },
      {
        containerProviderId: plan.virtualCluster.eksClusterName,
        containerProviderType: 'EKS',
        states: ['RUNNING', 'ARRESTED'],
      },
    )) {
      const match = page.virtualClusters?.find(
        vc =>
          vc.containerProvider?.info?.eksInfo?.namespace ===
            plan.virtualCluster.namespace && LIVE_STATES.has(vc.state ?? ''),
      );
      if (match) {
        return match;
      }
    }
    return undefined;
  }
}

/** The account the plugin's AWS credentials belong to. */
export async function callerAccountId(sts: STSClient): Promise<string> {
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  return identity.Account!;
}

/** Job runs of a virtual cluster: start, describe, list, cancel. */
export class JobRunGateway {
  constructor(private readonly emr: EMRContainersClient) {}

  async start(
    input: StartJobRunCommandInput,
  ): Promise<{ id: string; arn?: string }> {
    const out = await this.emr.send(new StartJobRunCommand(input));
    return { id: out.id!, arn: out.arn };
  }

  /** The run, or undefined when EMR does not know it. */
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
      if (
        errorName(error) === 'ResourceNotFoundException' &&
        !isVirtualClusterGone(error)
      ) {
        return undefined;
      }
      throw error;
    }
  }

  /** Pages of the runs created at or after `createdAfter`, as EMR lists them. */
  async *list(
    virtualClusterId: string,
    createdAfter: Date,
  ): AsyncGenerator<EmrJobRun[]> {
    for await (const page of paginateListJobRuns(
      { client: this.emr, pageSize: 50 },
      { virtualClusterId, createdAfter },
    )) {
      yield (page.jobRuns ?? []).map(toEmrJobRun);
    }
  }

  async cancel(virtualClusterId: string, id: string): Promise<void> {
    await this.emr.send(new CancelJobRunCommand({ virtualClusterId, id }));
  }
}

/** EMR's answer when the virtual cluster itself is gone (deleted or never existed). */
export function isVirtualClusterGone(error: unknown): boolean {
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
  };
}
