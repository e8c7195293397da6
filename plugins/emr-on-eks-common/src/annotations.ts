/**
 * Catalog annotation naming the EMR on EKS tenant an entity belongs to
 * (on a Group: the tenant it owns; on a Component: the tenant its jobs run in).
 *
 * @public
 */
export const ANNOTATION_EMR_ON_EKS_TENANT = 'emr-on-eks.spot-spark.io/tenant';

/**
 * Catalog annotation on a tenant's Resource: the id of the tenant's EMR
 * virtual cluster (absent until onboarding created it).
 *
 * @public
 */
export const ANNOTATION_EMR_ON_EKS_VIRTUAL_CLUSTER_ID =
  'emr-on-eks.spot-spark.io/virtual-cluster-id';

/**
 * Catalog annotation on a tenant's Resource: the tenant's Kubernetes
 * namespace.
 *
 * @public
 */
export const ANNOTATION_EMR_ON_EKS_NAMESPACE =
  'emr-on-eks.spot-spark.io/namespace';

/**
 * Catalog annotation on a tenant's Resource: the cluster the tenant runs on,
 * by its name in the backend's `emrOnEks.clusters`.
 *
 * @public
 */
export const ANNOTATION_EMR_ON_EKS_CLUSTER = 'emr-on-eks.spot-spark.io/cluster';

/**
 * Catalog annotation on a tenant's Resource: the AWS region of the tenant's
 * cluster, like `us-east-1`.
 *
 * @public
 */
export const ANNOTATION_EMR_ON_EKS_REGION = 'emr-on-eks.spot-spark.io/region';

/** Label and tag keys the plugin puts on what it creates. @public */
export const EMR_ON_EKS_LABELS = {
  tenant: 'emr-on-eks.spot-spark.io/tenant',
  /** The owner entity's name; the full ref is in the annotation of the same key. */
  owner: 'emr-on-eks.spot-spark.io/owner',
  managedBy: 'app.kubernetes.io/managed-by',
} as const;

/** Value of the managed-by label and tag. @public */
export const EMR_ON_EKS_MANAGED_BY = 'backstage-emr-on-eks';
