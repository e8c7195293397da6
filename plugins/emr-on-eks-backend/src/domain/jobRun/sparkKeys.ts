/*
 * Spark keys a request may not set: those its own fields set, and anything
 * that would move its pods out of the tenant's namespace, nodes or identity.
 */

/** Keys the request's own fields set; the message says which field. */
const KEYS_SET_BY_FIELDS: Record<string, string> = {
  'spark.driver.cores': 'driver.cores',
  'spark.driver.memory': 'driver.memory',
  'spark.executor.cores': 'executor.cores',
  'spark.executor.memory': 'executor.memory',
  'spark.executor.instances': 'executor.instances',
  'spark.dynamicAllocation.enabled':
    'executor.instances (fixed) or executor.minExecutors/maxExecutors (dynamic)',
  'spark.dynamicAllocation.minExecutors': 'executor.minExecutors',
  'spark.dynamicAllocation.maxExecutors': 'executor.maxExecutors',
  'spark.dynamicAllocation.initialExecutors': 'executor.minExecutors',
};

/** `spark.kubernetes.*` keys that change neither where pods run nor what they reach. */
const ALLOWED_KUBERNETES_KEYS = new Set([
  'spark.kubernetes.container.image',
  'spark.kubernetes.container.image.pullPolicy',
  'spark.kubernetes.executor.deleteOnTermination',
  'spark.kubernetes.allocation.batch.size',
  'spark.kubernetes.allocation.batch.delay',
  'spark.kubernetes.memoryOverheadFactor',
  'spark.kubernetes.submission.waitAppCompletion',
  'spark.kubernetes.executor.podNamePrefix',
]);
const LABEL_KEY =
  /^spark\.kubernetes\.(driver|executor)\.(label|annotation)\.(.+)$/;
/** Label domains other components rely on (EMR, Spark, schedulers, this plugin). */
const RESERVED_LABEL_PREFIXES = [
  'emr-containers.amazonaws.com/',
  'emr-on-eks.spot-spark.io/',
  'eks.amazonaws.com/',
  'karpenter.sh/',
  'kubernetes.io/',
  'k8s.io/',
  'spark-',
];

/**
 * Why a Spark key may not be set by a request, or undefined when it may:
 * nothing may move pods out of the tenant's namespace, node pools or service
 * accounts, change what they authenticate as, or swap the pod templates.
 */
export function forbiddenSparkKeyReason(key: string): string | undefined {
  if (KEYS_SET_BY_FIELDS[key]) {
    return `is set from ${KEYS_SET_BY_FIELDS[key]}; use that field`;
  }
  if (key === 'spark.master' || key === 'spark.submit.deployMode') {
    return 'is set by EMR on EKS';
  }
  if (key === 'spark.authenticate' || key.startsWith('spark.authenticate.')) {
    return 'would change how Spark processes authenticate';
  }
  if (
    /^spark\.hadoop\.fs\.s3a?\.(access\.key|secret\.key|session\.token|aws\.credentials\.provider|assumed\.role\..+|customAWSCredentialsProvider)$/.test(
      key,
    ) ||
    /^spark\.hadoop\.fs\.s3a\.bucket\.[^.]+\.(access\.key|secret\.key|session\.token|aws\.credentials\.provider|assumed\.role\..+)$/.test(
      key,
    )
  ) {
    return 'would make Spark use other AWS credentials than the tenant job role';
  }
  if (key.startsWith('spark.kubernetes.')) {
    const label = LABEL_KEY.exec(key);
    if (label) {
      return RESERVED_LABEL_PREFIXES.some(prefix => label[3].startsWith(prefix))
        ? `sets a reserved ${label[2]} (${label[3]})`
        : undefined;
    }
    if (ALLOWED_KUBERNETES_KEYS.has(key)) {
      return undefined;
    }
    return 'would change where the pods run, under which identity, or what they can reach (namespace, service accounts, authentication, pod templates, node selectors, volumes)';
  }
  return undefined;
}
