/**
 * Catalog annotation naming the EMR on EKS tenant an entity belongs to
 * (on a Group: the tenant it owns; on a Component: the tenant its jobs run in).
 *
 * @public
 */
export const ANNOTATION_EMR_ON_EKS_TENANT = 'emr-on-eks.spot-spark.io/tenant';

/** Label and tag keys the plugin puts on what it creates. @public */
export const EMR_ON_EKS_LABELS = {
  tenant: 'emr-on-eks.spot-spark.io/tenant',
  /** The owner entity's name; the full ref is in the annotation of the same key. */
  owner: 'emr-on-eks.spot-spark.io/owner',
  managedBy: 'app.kubernetes.io/managed-by',
} as const;

/** Value of the managed-by label and tag. @public */
export const EMR_ON_EKS_MANAGED_BY = 'backstage-emr-on-eks';
