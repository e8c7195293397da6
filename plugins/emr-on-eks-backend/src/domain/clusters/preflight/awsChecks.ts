import type { ClusterSettings } from '../../../config';
import {
  EMR_SERVICE_LINKED_ROLE,
  POD_IDENTITY_AGENT_ADDON,
  type ClusterFacts,
} from './facts';
import {
  fail,
  pass,
  regionFlag,
  skipped,
  warn,
  type Outcome,
} from './outcomes';

/*
 * The checks of the cluster's AWS side: credentials, the EKS cluster, its
 * workload identity, the OIDC provider, EMR's service-linked role and the
 * assets bucket.
 */

/** Whether the AWS credentials work and are those of the cluster's account. */
export function credentialsCheck(
  cluster: ClusterSettings,
  facts: ClusterFacts,
): Outcome {
  const { roleArn, externalId, sessionName } = cluster.aws;
  if ('error' in facts.identity) {
    return fail(
      facts.identity.error,
      roleArn
        ? [
            `Let the backend's own principal assume ${roleArn}: the role's trust policy must allow it sts:AssumeRole${
              externalId ? ' with the configured external id' : ''
            }. Try it with:`,
            `aws sts assume-role --role-arn ${roleArn} --role-session-name ${sessionName}${
              externalId ? ' --external-id <the configured aws.externalId>' : ''
            }`,
          ].join('\n')
        : [
            "Give the backend AWS credentials (environment, profile, or its pod's role) and check them with:",
            'aws sts get-caller-identity',
          ].join('\n'),
    );
  }
  const { accountId, arn } = facts.identity.value;
  if (accountId !== cluster.accountId) {
    return fail(
      `The credentials are ${arn}, of account ${accountId}, but the cluster is configured in account ${cluster.accountId}.`,
      roleArn
        ? `Set aws.roleArn of cluster ${cluster.name} to a role in account ${cluster.accountId}, or correct its accountId.`
        : `Set aws.roleArn of cluster ${cluster.name} to a role in account ${cluster.accountId} that the backend may assume (arn:aws:iam::${cluster.accountId}:role/<role>), or correct its accountId.`,
    );
  }
  return pass(`Calls run as ${arn}, in account ${accountId}.`);
}

/** Whether the EKS cluster exists and is usable. */
export function eksClusterCheck(
  cluster: ClusterSettings,
  facts: ClusterFacts,
): Outcome {
  const fact = facts.eksCluster;
  if (!fact) {
    return skipped('Not checked: the EKS cluster was not looked up.');
  }
  if ('error' in fact) {
    return fail(
      `Could not describe EKS cluster ${cluster.eksClusterName}: ${fact.error}`,
      `Allow the backend eks:DescribeCluster on the cluster, and check with:\naws eks describe-cluster --name ${
        cluster.eksClusterName
      } ${regionFlag(cluster)}`,
    );
  }
  if (!fact.value) {
    return fail(
      `There is no EKS cluster ${cluster.eksClusterName} in ${cluster.region} of account ${cluster.accountId}.`,
      `Correct eksClusterName or region of cluster ${
        cluster.name
      }; the account's clusters are listed by:\naws eks list-clusters ${regionFlag(
        cluster,
      )}`,
    );
  }
  const status = fact.value.status;
  if (status && status !== 'ACTIVE' && status !== 'UPDATING') {
    return fail(
      `EKS cluster ${cluster.eksClusterName} is ${status}.`,
      `Wait until it is ACTIVE, or look at its health:\naws eks describe-cluster --name ${
        cluster.eksClusterName
      } ${regionFlag(cluster)} --query cluster.health`,
    );
  }
  return pass(
    `EKS cluster ${cluster.eksClusterName} is ${status ?? 'present'} in ${
      cluster.region
    }.`,
  );
}

/** `oidc.eks…/id/X` of an issuer, without scheme or trailing slash. */
function bareIssuer(issuer: string): string {
  return issuer.replace(/^https:\/\//, '').replace(/\/$/, '');
}

/** The cluster's workload identity: the Pod Identity agent, or the OIDC issuer IRSA trusts. */
export function identityCheck(
  cluster: ClusterSettings,
  facts: ClusterFacts,
): Outcome {
  if (cluster.identity === 'podIdentity') {
    const fact = facts.podIdentityAgent;
    const install = `aws eks create-addon --cluster-name ${
      cluster.eksClusterName
    } --addon-name ${POD_IDENTITY_AGENT_ADDON} ${regionFlag(cluster)}`;
    if (!fact) {
      return skipped('Not checked: the add-ons were not looked up.');
    }
    if ('error' in fact) {
      return fail(
        `Could not read the cluster's add-ons: ${fact.error}`,
        `Allow the backend eks:ListAddons and eks:DescribeAddon on the cluster, and check with:\naws eks describe-addon --cluster-name ${
          cluster.eksClusterName
        } --addon-name ${POD_IDENTITY_AGENT_ADDON} ${regionFlag(cluster)}`,
      );
    }
    if (!fact.value) {
      return fail(
        `The ${POD_IDENTITY_AGENT_ADDON} add-on is not installed: pods cannot get credentials through EKS Pod Identity.`,
        install,
      );
    }
    const status = fact.value.status;
    if (status === 'ACTIVE') {
      return pass(`The ${POD_IDENTITY_AGENT_ADDON} add-on is ACTIVE.`);
    }
    if (status === 'CREATING' || status === 'UPDATING') {
      return warn(
        `The ${POD_IDENTITY_AGENT_ADDON} add-on is ${status}.`,
        `Wait until it is ACTIVE:\naws eks wait addon-active --cluster-name ${
          cluster.eksClusterName
        } --addon-name ${POD_IDENTITY_AGENT_ADDON} ${regionFlag(cluster)}`,
      );
    }
    return fail(
      `The ${POD_IDENTITY_AGENT_ADDON} add-on is ${status}.`,
      `Look at its health issues, then repair or reinstall it:\naws eks describe-addon --cluster-name ${
        cluster.eksClusterName
      } --addon-name ${POD_IDENTITY_AGENT_ADDON} ${regionFlag(
        cluster,
      )} --query addon.health`,
    );
  }
  const found =
    facts.eksCluster && 'value' in facts.eksCluster
      ? facts.eksCluster.value?.oidcIssuer
      : undefined;
  if (!found) {
    return fail(
      `EKS cluster ${cluster.eksClusterName} reports no OIDC issuer.`,
      `Check the cluster's identity:\naws eks describe-cluster --name ${
        cluster.eksClusterName
      } ${regionFlag(cluster)} --query cluster.identity.oidc.issuer`,
    );
  }
  if (bareIssuer(found) !== bareIssuer(cluster.oidcIssuer)) {
    return fail(
      `The cluster's OIDC issuer is ${found}, but cluster ${cluster.name} is configured with https://${cluster.oidcIssuer}: the job roles' trust policies would name the wrong issuer.`,
      `Set oidcIssuer of cluster ${cluster.name} to ${found}`,
    );
  }
  return pass(`The cluster's OIDC issuer is ${found}.`);
}

/** The audience of the tokens EKS mounts for IRSA. */
const STS_AUDIENCE = 'sts.amazonaws.com';

/** Whether IAM has the cluster's OIDC provider (IRSA), accepting STS's audience. */
export function oidcProviderCheck(
  cluster: ClusterSettings,
  facts: ClusterFacts,
): Outcome {
  const fact = facts.oidcProvider;
  const create = [
    `eksctl utils associate-iam-oidc-provider --cluster ${
      cluster.eksClusterName
    } ${regionFlag(cluster)} --approve`,
    'or, without eksctl:',
    `aws iam create-open-id-connect-provider --url https://${cluster.oidcIssuer} --client-id-list sts.amazonaws.com`,
  ].join('\n');
  if (!fact) {
    return skipped('Not checked: the OIDC providers were not looked up.');
  }
  if ('error' in fact) {
    return fail(
      `Could not list the account's OIDC providers: ${fact.error}`,
      `Allow the backend iam:ListOpenIDConnectProviders and iam:GetOpenIDConnectProvider.`,
    );
  }
  if (!fact.value) {
    return fail(
      `IAM has no OIDC provider for ${cluster.oidcIssuer}: job roles cannot be assumed through IRSA.`,
      create,
    );
  }
  const { arn, audiences } = fact.value;
  // The service accounts' tokens are issued for STS; a provider that does
  // not accept that audience refuses every AssumeRoleWithWebIdentity.
  if (!audiences.includes(STS_AUDIENCE)) {
    return fail(
      `The OIDC provider ${arn} does not accept the audience ${STS_AUDIENCE} (it accepts ${
        audiences.join(', ') || 'none'
      }): job roles cannot be assumed through IRSA.`,
      `aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${arn} --client-id ${STS_AUDIENCE}`,
    );
  }
  return pass(`${arn} exists and accepts the audience ${STS_AUDIENCE}.`);
}

/** Whether EMR on EKS's service-linked role exists. */
export function serviceLinkedRoleCheck(facts: ClusterFacts): Outcome {
  const fact = facts.serviceLinkedRole;
  if (!fact) {
    return skipped('Not checked: the role was not looked up.');
  }
  if ('error' in fact) {
    return fail(
      `Could not read ${EMR_SERVICE_LINKED_ROLE}: ${fact.error}`,
      `Allow the backend iam:GetRole on ${EMR_SERVICE_LINKED_ROLE}.`,
    );
  }
  if (!fact.value) {
    return fail(
      `${EMR_SERVICE_LINKED_ROLE} does not exist: EMR on EKS cannot act on the cluster.`,
      'aws iam create-service-linked-role --aws-service-name emr-containers.amazonaws.com',
    );
  }
  return pass(`${EMR_SERVICE_LINKED_ROLE} exists.`);
}

/** Whether the assets bucket exists and blocks all public access. */
export function assetsBucketCheck(
  cluster: ClusterSettings,
  facts: ClusterFacts,
): Outcome {
  const bucket = cluster.assetsBucket;
  const block = `aws s3api put-public-access-block --bucket ${bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`;
  const fact = facts.assetsBucket;
  if (!fact) {
    return skipped('Not checked: the bucket was not looked up.');
  }
  if ('error' in fact) {
    return fail(
      `Could not read bucket ${bucket}: ${fact.error}`,
      `Allow the backend s3:ListBucket and s3:GetBucketPublicAccessBlock on arn:aws:s3:::${bucket}.`,
    );
  }
  if (!fact.value) {
    return fail(
      `Bucket ${bucket} does not exist: the tenants' pod templates and logs have nowhere to go.`,
      [
        `aws s3api create-bucket --bucket ${bucket} ${regionFlag(cluster)}${
          cluster.region === 'us-east-1'
            ? ''
            : ` --create-bucket-configuration LocationConstraint=${cluster.region}`
        }`,
        block,
      ].join('\n'),
    );
  }
  const settings = fact.value.publicAccessBlock;
  const keys = [
    'BlockPublicAcls',
    'IgnorePublicAcls',
    'BlockPublicPolicy',
    'RestrictPublicBuckets',
  ] as const;
  const off = keys.filter(key => settings?.[key] !== true);
  if (off.length > 0) {
    return fail(
      settings
        ? `Bucket ${bucket}'s public-access block leaves ${off.join(
            ', ',
          )} off: it holds every tenant's pod templates and logs.`
        : `Bucket ${bucket} has no public-access block: it holds every tenant's pod templates and logs.`,
      block,
    );
  }
  return pass(`Bucket ${bucket} exists and blocks all public access.`);
}
