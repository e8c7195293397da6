import { EMR_ON_EKS_LABELS } from '@spot-spark/plugin-emr-on-eks-common';

/*
 * The tags on the plugin's runs: what it sets on every run it submits
 * (compose) and the prefixes a request's own tags may not use (validate).
 */

/** Tags the plugin puts on every run it submits (read back by the sync). */
export const JOB_TAGS = {
  tenant: EMR_ON_EKS_LABELS.tenant,
  owner: EMR_ON_EKS_LABELS.owner,
  entityRef: 'emr-on-eks.spot-spark.io/entity-ref',
  submittedBy: 'emr-on-eks.spot-spark.io/submitted-by',
  submissionId: 'emr-on-eks.spot-spark.io/submission-id',
} as const;
export const RESERVED_TAG_PREFIXES = ['emr-on-eks.spot-spark.io/', 'aws:'];
