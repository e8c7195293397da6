import {
  DescribeAddonCommand,
  DescribeClusterCommand,
  EKSClient,
  paginateListAccessEntries,
  paginateListAddons,
  paginateListAssociatedAccessPolicies,
} from '@aws-sdk/client-eks';
import {
  GetRoleCommand,
  IAMClient,
  GetOpenIDConnectProviderCommand,
  ListOpenIDConnectProvidersCommand,
} from '@aws-sdk/client-iam';
import {
  GetBucketLocationCommand,
  GetPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { ClusterSettings } from '../../config';
import {
  EMR_SERVICE_LINKED_ROLE,
  POD_IDENTITY_AGENT_ADDON,
  type ClusterFacts,
  type EmrAccessEntry,
  type Fact,
  type OidcProvider,
} from '../../domain/clusters/preflight';
import type { CallerIdentity } from './account';
import { errorName, isNoSuchEntity } from './errorName';

/** The AWS facts of a cluster's preflight (the Kubernetes ones come apart). */
export type AwsClusterFacts = Omit<ClusterFacts, 'kubernetes'>;

/**
 * Reads what the preflight needs from the cluster's account: who the
 * credentials are, the EKS cluster (issuer, authentication mode), its Pod
 * Identity agent add-on, EMR's access entry, the IAM OIDC provider, EMR's
 * service-linked role, the assets bucket and its public-access block. Never
 * throws: each fact carries its own error, so one refusal (a missing
 * permission) leaves the other checks standing. Reads only.
 */
export interface ClusterInspectionGateway {
  /**
   * `identity`: who the cluster's calls run as (ClusterGateways.identity,
   * whose error names the cluster and its role when it cannot be assumed).
   */
  inspect(
    cluster: ClusterSettings,
    identity: () => Promise<CallerIdentity>,
  ): Promise<AwsClusterFacts>;
}

/** {@link ClusterInspectionGateway} on the AWS SDK, with the cluster's clients. */
export class AwsClusterInspectionGateway implements ClusterInspectionGateway {
  constructor(
    private readonly clients: { eks: EKSClient; iam: IAMClient; s3: S3Client },
  ) {}

  async inspect(
    cluster: ClusterSettings,
    whoAmI: () => Promise<CallerIdentity>,
  ): Promise<AwsClusterFacts> {
    const identity = await fact(whoAmI);
    if ('error' in identity) {
      // Every other call would fail the same way.
      return { identity };
    }
    const [
      eksCluster,
      podIdentityAgent,
      oidcProvider,
      serviceLinkedRole,
      emrAccessEntry,
      assetsBucket,
    ] = await Promise.all([
      fact(() => this.describeCluster(cluster)),
      cluster.identity === 'podIdentity'
        ? fact(() => this.podIdentityAgent(cluster))
        : Promise.resolve(undefined),
      cluster.identity === 'irsa'
        ? fact(() => this.oidcProvider(cluster))
        : Promise.resolve(undefined),
      fact(() => this.serviceLinkedRoleExists()),
      fact(() => this.emrAccessEntry(cluster)),
      fact(() => this.assetsBucket(cluster)),
    ]);
    return {
      identity,
      eksCluster,
      podIdentityAgent,
      oidcProvider,
      serviceLinkedRole,
      emrAccessEntry,
      assetsBucket,
    };
  }

  private async describeCluster(cluster: ClusterSettings) {
    try {
      const { cluster: found } = await this.clients.eks.send(
        new DescribeClusterCommand({ name: cluster.eksClusterName }),
      );
      return {
        status: found?.status,
        oidcIssuer: found?.identity?.oidc?.issuer,
        authenticationMode: found?.accessConfig?.authenticationMode,
      };
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') {
        return undefined;
      }
      throw error;
    }
  }

  private async podIdentityAgent(
    cluster: ClusterSettings,
  ): Promise<{ status: string } | undefined> {
    const names: string[] = [];
    for await (const page of paginateListAddons(
      { client: this.clients.eks },
      { clusterName: cluster.eksClusterName },
    )) {
      names.push(...(page.addons ?? []));
    }
    if (!names.includes(POD_IDENTITY_AGENT_ADDON)) {
      return undefined;
    }
    try {
      const { addon } = await this.clients.eks.send(
        new DescribeAddonCommand({
          clusterName: cluster.eksClusterName,
          addonName: POD_IDENTITY_AGENT_ADDON,
        }),
      );
      return { status: addon?.status ?? 'UNKNOWN' };
    } catch (error) {
      // Removed between the list and the describe.
      if (errorName(error) === 'ResourceNotFoundException') {
        return undefined;
      }
      throw error;
    }
  }

  /** The provider of the cluster's issuer, with the audiences it accepts. */
  private async oidcProvider(
    cluster: ClusterSettings,
  ): Promise<OidcProvider | undefined> {
    const { OpenIDConnectProviderList: providers = [] } =
      await this.clients.iam.send(new ListOpenIDConnectProvidersCommand({}));
    const arn = providers.find(provider =>
      provider.Arn?.endsWith(`:oidc-provider/${cluster.oidcIssuer}`),
    )?.Arn;
    if (!arn) {
      return undefined;
    }
    const { ClientIDList: audiences = [] } = await this.clients.iam.send(
      new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }),
    );
    return { arn, audiences };
  }

  private async serviceLinkedRoleExists() {
    try {
      await this.clients.iam.send(
        new GetRoleCommand({ RoleName: EMR_SERVICE_LINKED_ROLE }),
      );
      return true;
    } catch (error) {
      if (isNoSuchEntity(error)) {
        return false;
      }
      throw error;
    }
  }

  /** EMR's access entry (path-less or with the service-role path), if any. */
  private async emrAccessEntry(
    cluster: ClusterSettings,
  ): Promise<EmrAccessEntry | undefined> {
    const clusterName = cluster.eksClusterName;
    let principalArn: string | undefined;
    try {
      for await (const page of paginateListAccessEntries(
        { client: this.clients.eks },
        { clusterName },
      )) {
        principalArn ??= (page.accessEntries ?? []).find(arn =>
          arn.endsWith(`/${EMR_SERVICE_LINKED_ROLE}`),
        );
      }
    } catch (error) {
      // A CONFIG_MAP-only cluster has no access entries to list.
      if (errorName(error) === 'InvalidRequestException') {
        return undefined;
      }
      throw error;
    }
    if (!principalArn) {
      return undefined;
    }
    const entry: EmrAccessEntry = { policies: [], namespaces: [] };
    for await (const page of paginateListAssociatedAccessPolicies(
      { client: this.clients.eks },
      { clusterName, principalArn },
    )) {
      for (const policy of page.associatedAccessPolicies ?? []) {
        if (policy.policyArn) {
          entry.policies.push(policy.policyArn);
        }
        entry.namespaces.push(...(policy.accessScope?.namespaces ?? []));
      }
    }
    return entry;
  }

  private async assetsBucket(cluster: ClusterSettings) {
    const Bucket = cluster.assetsBucket;
    try {
      // GetBucketLocation, not HeadBucket: HeadBucket needs s3:ListBucket on
      // the whole bucket, which the platform's policy grants only under
      // tenants/ (docs/cross-account.md).
      await this.clients.s3.send(new GetBucketLocationCommand({ Bucket }));
    } catch (error) {
      if (
        errorName(error) === 'NotFound' ||
        errorName(error) === 'NoSuchBucket'
      ) {
        return undefined;
      }
      throw error;
    }
    try {
      const { PublicAccessBlockConfiguration: block } =
        await this.clients.s3.send(new GetPublicAccessBlockCommand({ Bucket }));
      return { publicAccessBlock: block ?? undefined };
    } catch (error) {
      if (errorName(error) === 'NoSuchPublicAccessBlockConfiguration') {
        return {};
      }
      throw error;
    }
  }
}

/** Runs `read`, capturing its failure as the fact's error. */
async function fact<T>(read: () => Promise<T>): Promise<Fact<T>> {
  try {
    return { value: await read() };
  } catch (error) {
    return { error: describeError(error) };
  }
}

/** The error's own words; an HTTP status when the SDK had none (HEAD 403). */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  const status = (error as { $metadata?: { httpStatusCode?: number } })
    .$metadata?.httpStatusCode;
  const message =
    error.message && error.message !== 'UnknownError'
      ? error.message
      : `${error.name}${status ? ` (HTTP ${status})` : ''}`;
  return status === 403 && !/denied|not authorized/i.test(message)
    ? `access denied (HTTP 403): ${message}`
    : message;
}
