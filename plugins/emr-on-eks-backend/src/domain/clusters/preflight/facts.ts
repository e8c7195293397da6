import type { ClusterSettings } from '../../../config';
import type { KubernetesObject } from '../../kubernetes';

/*
 * What the preflight of one cluster looks at: the facts gathered about it
 * (AWS and Kubernetes), and the names of what EMR on EKS needs there.
 */

/** A fact as gathered: its value, or why it could not be read. */
export type Fact<T> = { value: T } | { error: string };

/** What the Kubernetes side holds (the live cluster, or the GitOps output). */
export interface ClusterKubernetesState {
  /** Karpenter NodePools (`karpenter.sh/v1`). */
  nodePools: KubernetesObject[];
  /**
   * Labels of the cluster's nodes (managed node groups among them); empty in
   * GitOps mode, where the output cannot show nodes.
   */
  nodes: Array<{ name: string; labels: Record<string, string> }>;
  storageClasses: string[];
  priorityClasses: string[];
  /**
   * Whether the `aws-auth` ConfigMap maps EMR's service-linked role to the
   * user `emr-containers`; undefined when it could not be seen (GitOps
   * output without it).
   */
  awsAuthMapsEmr?: boolean;
}

/** An EKS access entry of EMR's service-linked role. */
export interface EmrAccessEntry {
  /** Access policy ARNs associated with the entry. */
  policies: string[];
  /** Namespaces of namespace-scoped associations (for the detail). */
  namespaces: string[];
}

/** Everything the checks look at; a fact left out was not gathered. */
export interface ClusterFacts {
  /** The identity the cluster's AWS calls run as (after any role assumption). */
  identity: Fact<{ accountId: string; arn: string }>;
  /** DescribeCluster: undefined value when the cluster does not exist. */
  eksCluster?: Fact<
    | {
        status?: string;
        /** `https://oidc.eks…` as EKS reports it. */
        oidcIssuer?: string;
        /** accessConfig.authenticationMode: API, API_AND_CONFIG_MAP, CONFIG_MAP. */
        authenticationMode?: string;
      }
    | undefined
  >;
  /** The `eks-pod-identity-agent` add-on's status; undefined when not installed. */
  podIdentityAgent?: Fact<{ status: string } | undefined>;
  /**
   * IAM's OIDC provider of the cluster's issuer (IRSA) and the audiences it
   * accepts; undefined value when there is none.
   */
  oidcProvider?: Fact<OidcProvider | undefined>;
  /** Whether `AWSServiceRoleForAmazonEMRContainers` exists. */
  serviceLinkedRole?: Fact<boolean>;
  /** EMR's access entry; undefined value when there is none. */
  emrAccessEntry?: Fact<EmrAccessEntry | undefined>;
  kubernetes?: Fact<ClusterKubernetesState>;
  /** The assets bucket; undefined value when it does not exist. */
  assetsBucket?: Fact<
    | {
        /** The four settings of its public-access block; undefined when it has none. */
        publicAccessBlock?: {
          BlockPublicAcls?: boolean;
          IgnorePublicAcls?: boolean;
          BlockPublicPolicy?: boolean;
          RestrictPublicBuckets?: boolean;
        };
      }
    | undefined
  >;
}

/** EMR on EKS's service-linked role. */
export const EMR_SERVICE_LINKED_ROLE = 'AWSServiceRoleForAmazonEMRContainers';
/** The EKS access policy EMR on EKS needs in a tenant's namespace. */
export const EMR_JOB_ACCESS_POLICY =
  'arn:aws:eks::aws:cluster-access-policy/AmazonEMRJobPolicy';
/** The EKS add-on of Pod Identity. */
export const POD_IDENTITY_AGENT_ADDON = 'eks-pod-identity-agent';

/** The cluster's settings the checks need, and how its Kubernetes side is reached. */
export interface PreflightCluster {
  cluster: ClusterSettings;
  /** `settings.jobs.storageClass`. */
  storageClass: string;
}

/**
 * The ARN of EMR's service-linked role in `accountId` as EKS access entries
 * and the aws-auth ConfigMap name it: without the role's path
 * (`aws-service-role/emr-containers.amazonaws.com/`), which aws-auth cannot
 * match.
 */
export function emrServiceLinkedRoleArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:role/${EMR_SERVICE_LINKED_ROLE}`;
}

/** An IAM OIDC provider: its ARN and the client ids (audiences) it accepts. */
export interface OidcProvider {
  arn: string;
  audiences: string[];
}
