import { parse as parseYaml } from 'yaml';
import type { ClusterSettings } from '../../../config';
import {
  EMR_JOB_ACCESS_POLICY,
  EMR_SERVICE_LINKED_ROLE,
  emrServiceLinkedRoleArn,
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
 * Whether EMR on EKS can reach the cluster: an access entry with
 * AmazonEMRJobPolicy, or an aws-auth mapping, by the cluster's
 * authentication mode.
 */

/** Whether EMR's service-linked role can reach the cluster (access entry or aws-auth). */
export function emrAccessCheck(
  cluster: ClusterSettings,
  facts: ClusterFacts,
): Outcome {
  const described =
    facts.eksCluster && 'value' in facts.eksCluster
      ? facts.eksCluster.value
      : undefined;
  const mode = described?.authenticationMode ?? 'CONFIG_MAP';
  const roleArn = emrServiceLinkedRoleArn(cluster.accountId);
  const name = cluster.eksClusterName;
  const awsAuth =
    facts.kubernetes && 'value' in facts.kubernetes
      ? facts.kubernetes.value.awsAuthMapsEmr
      : undefined;
  const mapping = [
    `eksctl create iamidentitymapping --cluster ${name} ${regionFlag(
      cluster,
    )} --arn ${roleArn} --username emr-containers`,
    '(or add to mapRoles of the ConfigMap kube-system/aws-auth:',
    `  - rolearn: ${roleArn}`,
    '    username: emr-containers)',
  ].join('\n');
  const associate = `aws eks associate-access-policy --cluster-name ${name} ${regionFlag(
    cluster,
  )} --principal-arn ${roleArn} --policy-arn ${EMR_JOB_ACCESS_POLICY} --access-scope type=namespace,namespaces=<each tenant namespace>`;
  const entry = [
    `aws eks create-access-entry --cluster-name ${name} ${regionFlag(
      cluster,
    )} --principal-arn ${roleArn} --type STANDARD --username emr-containers`,
    associate,
  ].join('\n');
  if (mode === 'CONFIG_MAP') {
    if (awsAuth === true) {
      return pass(
        `The aws-auth ConfigMap maps ${EMR_SERVICE_LINKED_ROLE} to the user emr-containers (the plugin gives it RBAC in each tenant namespace).`,
      );
    }
    if (awsAuth === false) {
      return fail(
        `The cluster authenticates through the aws-auth ConfigMap only, and it does not map ${EMR_SERVICE_LINKED_ROLE} to the user emr-containers.`,
        mapping,
      );
    }
    return warn(
      `The cluster authenticates through the aws-auth ConfigMap only, which ${
        cluster.kubernetes.mode === 'gitops'
          ? 'the GitOps output does not hold'
          : 'could not be read'
      }: whether it maps ${EMR_SERVICE_LINKED_ROLE} is unknown.`,
      `Check with:\neksctl get iamidentitymapping --cluster ${name} ${regionFlag(
        cluster,
      )} --arn ${roleArn}\nand map it if it is missing:\n${mapping}`,
    );
  }
  const fact = facts.emrAccessEntry;
  if (!fact) {
    return skipped('Not checked: the access entries were not looked up.');
  }
  if ('error' in fact) {
    return fail(
      `Could not read the cluster's access entries: ${fact.error}`,
      `Allow the backend eks:ListAccessEntries and eks:ListAssociatedAccessPolicies on the cluster.`,
    );
  }
  if (fact.value) {
    if (!fact.value.policies.includes(EMR_JOB_ACCESS_POLICY)) {
      return fail(
        `${EMR_SERVICE_LINKED_ROLE} has an access entry without AmazonEMRJobPolicy: EMR cannot manage the tenants' pods.`,
        associate,
      );
    }
    const where = fact.value.namespaces.length
      ? ` in ${fact.value.namespaces.join(', ')}`
      : '';
    return pass(
      `${EMR_SERVICE_LINKED_ROLE} has an access entry with AmazonEMRJobPolicy${where}.`,
    );
  }
  if (mode === 'API_AND_CONFIG_MAP' && awsAuth === true) {
    return pass(
      `The aws-auth ConfigMap maps ${EMR_SERVICE_LINKED_ROLE} to the user emr-containers.`,
    );
  }
  return fail(
    `The cluster (authentication mode ${mode}) has no access entry for ${EMR_SERVICE_LINKED_ROLE}: EMR cannot reach the tenants' namespaces.`,
    entry,
  );
}

/**
 * Whether an `aws-auth` ConfigMap (its `data.mapRoles` YAML) maps EMR's
 * service-linked role to the user `emr-containers`, as eksctl's
 * `--service-name emr-containers` mapping does. A mapRoles that does not
 * parse maps nothing.
 */
export function awsAuthMapsEmr(configMap: {
  data?: Record<string, string>;
}): boolean {
  let roles: unknown;
  try {
    roles = parseYaml(configMap.data?.mapRoles ?? '[]');
  } catch {
    return false;
  }
  return (
    Array.isArray(roles) &&
    roles.some(
      (role: { rolearn?: unknown; username?: unknown }) =>
        typeof role?.rolearn === 'string' &&
        role.rolearn.endsWith(`:role/${EMR_SERVICE_LINKED_ROLE}`) &&
        role.username === 'emr-containers',
    )
  );
}
