/*
 * The Spark configuration a job may set: an allow-list of key families that
 * tune Spark without changing where its pods run, what they authenticate as
 * or what they can reach. Anything else is refused, naming the key; platform
 * admins extend the list per cluster (guardrails.extraSparkConfKeys).
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

/** Spark's pod-template keys (`spark.kubernetes.driver.podTemplateFile`, ...). */
const POD_TEMPLATE_KEY = /^spark\.kubernetes\.(.+\.)?podTemplate/i;

/** Keys whose value is the image of Spark's pods, each checked against guardrails.allowedImages. */
export const IMAGE_KEYS = new Set([
  'spark.kubernetes.container.image',
  'spark.kubernetes.driver.container.image',
  'spark.kubernetes.executor.container.image',
]);

/**
 * Key families a job may set (`*` matches the rest of a key). Values are
 * still checked: every URI in them must be allowed.
 */
export const ALLOWED_SPARK_KEYS = [
  // Query, shuffle, scheduling and memory tuning.
  'spark.sql.*',
  'spark.default.parallelism',
  'spark.serializer',
  'spark.kryo.*',
  'spark.kryoserializer.*',
  'spark.shuffle.*',
  'spark.speculation',
  'spark.speculation.*',
  'spark.task.*',
  'spark.stage.*',
  'spark.locality.wait',
  'spark.locality.wait.*',
  'spark.scheduler.mode',
  'spark.network.timeout',
  'spark.executor.heartbeatInterval',
  'spark.driver.maxResultSize',
  'spark.memory.fraction',
  'spark.memory.storageFraction',
  'spark.memory.offHeap.enabled',
  'spark.memory.offHeap.size',
  'spark.executor.pyspark.memory',
  'spark.python.worker.memory',
  'spark.python.worker.reuse',
  'spark.driver.memoryOverhead',
  'spark.executor.memoryOverhead',
  'spark.files.maxPartitionBytes',
  'spark.files.openCostInBytes',
  'spark.broadcast.*',
  'spark.io.compression.*',
  'spark.rdd.compress',
  'spark.checkpoint.compress',
  'spark.cleaner.*',
  'spark.dynamicAllocation.*',
  'spark.decommission.*',
  'spark.storage.decommission.*',
  'spark.app.name',
  // Code and data files: each entry must be an allowed URI.
  'spark.jars',
  'spark.submit.pyFiles',
  'spark.files',
  'spark.archives',
  // Maven packages, only from repositories the guardrails allow.
  'spark.jars.packages',
  'spark.jars.repositories',
  'spark.jars.excludes',
  // Environment variables of the executors, except credentials and JVM hooks.
  'spark.executorEnv.*',
  // S3A performance, never credentials, endpoints or implementations.
  'spark.hadoop.fs.s3a.connection.maximum',
  'spark.hadoop.fs.s3a.connection.timeout',
  'spark.hadoop.fs.s3a.connection.establish.timeout',
  'spark.hadoop.fs.s3a.threads.max',
  'spark.hadoop.fs.s3a.max.total.tasks',
  'spark.hadoop.fs.s3a.attempts.maximum',
  'spark.hadoop.fs.s3a.retry.*',
  'spark.hadoop.fs.s3a.fast.upload',
  'spark.hadoop.fs.s3a.fast.upload.*',
  'spark.hadoop.fs.s3a.multipart.size',
  'spark.hadoop.fs.s3a.multipart.threshold',
  'spark.hadoop.fs.s3a.block.size',
  'spark.hadoop.fs.s3a.readahead.range',
  'spark.hadoop.fs.s3a.experimental.input.fadvise',
  'spark.hadoop.fs.s3a.input.fadvise',
  'spark.hadoop.fs.s3a.paging.maximum',
  'spark.hadoop.fs.s3a.committer.*',
  'spark.hadoop.mapreduce.fileoutputcommitter.*',
  'spark.hadoop.parquet.*',
  // The image of the driver and executors: only from guardrails.allowedImages.
  ...IMAGE_KEYS,
  // Kubernetes keys that change neither where pods run nor what they reach.
  'spark.kubernetes.container.image.pullPolicy',
  'spark.kubernetes.executor.deleteOnTermination',
  'spark.kubernetes.allocation.batch.size',
  'spark.kubernetes.allocation.batch.delay',
  'spark.kubernetes.memoryOverheadFactor',
  'spark.kubernetes.submission.waitAppCompletion',
  'spark.kubernetes.executor.podNamePrefix',
  'spark.kubernetes.driver.label.*',
  'spark.kubernetes.executor.label.*',
  'spark.kubernetes.driver.annotation.*',
  'spark.kubernetes.executor.annotation.*',
];

/** Even inside an allowed family, a key that configures credentials or endpoints. */
const CREDENTIAL_WORDS =
  /access[._-]?key|secret|session[._-]?token|credential|password|passwd|endpoint|assume[._-]?role|role[._-]?arn|keystore|truststore|token/i;

const LABEL_KEY =
  /^spark\.kubernetes\.(driver|executor)\.(label|annotation)\.(.+)$/;
/** Label domains other components rely on (EMR, Spark, schedulers, IAM agents, this plugin). */
const RESERVED_LABEL_PREFIXES = [
  'emr-containers.amazonaws.com/',
  'emr-on-eks.spot-spark.io/',
  'eks.amazonaws.com/',
  'iam.amazonaws.com/',
  'karpenter.sh/',
  'kubernetes.io/',
  'k8s.io/',
  'spark-',
];

const ENV_NAME = /^spark\.executorEnv\.(.+)$/;
/** Environment variables that change credentials or inject code into the JVM. */
const RESERVED_ENV =
  /^(AWS_.*|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS|LD_PRELOAD|LD_LIBRARY_PATH|HADOOP_.*|SPARK_.*|PYTHONPATH|PYTHONSTARTUP)$/i;

/** Keys whose value is a comma-separated list of files, each an allowed URI. */
export const FILE_LIST_KEYS = new Set([
  'spark.jars',
  'spark.submit.pyFiles',
  'spark.files',
  'spark.archives',
]);

function matches(pattern: string, key: string): boolean {
  return pattern.endsWith('*')
    ? key.startsWith(pattern.slice(0, -1))
    : key === pattern;
}

/**
 * Why a Spark key may not be set by a request, or undefined when it may.
 * `extraAllowed` are the cluster's additional key patterns.
 */
export function forbiddenSparkKeyReason(
  key: string,
  extraAllowed: string[] = [],
): string | undefined {
  if (KEYS_SET_BY_FIELDS[key]) {
    return `is set from ${KEYS_SET_BY_FIELDS[key]}; use that field`;
  }
  if (key === 'spark.master' || key === 'spark.submit.deployMode') {
    return 'is set by EMR on EKS';
  }
  // A pod template decides the image, init containers, volumes and where a
  // pod runs: only the platform's, whatever extraSparkConfKeys allows.
  if (POD_TEMPLATE_KEY.test(key)) {
    return "is set by the plugin: the tenant's pod templates, which the platform writes";
  }
  const allowed = [...ALLOWED_SPARK_KEYS, ...extraAllowed].some(pattern =>
    matches(pattern, key),
  );
  if (!allowed) {
    return 'is not a Spark setting jobs may change on this cluster (allowed: spark.sql.*, shuffle, memory, scheduling and speculation tuning, S3A performance, files and jars by URI; ask the platform team to add it to guardrails.extraSparkConfKeys)';
  }
  const extra = extraAllowed.some(pattern => matches(pattern, key));
  if (!extra && CREDENTIAL_WORDS.test(key)) {
    return 'would configure credentials or endpoints, which jobs take from the tenant job role only';
  }
  const label = LABEL_KEY.exec(key);
  if (
    label &&
    RESERVED_LABEL_PREFIXES.some(prefix =>
      label[3].toLowerCase().startsWith(prefix),
    )
  ) {
    return `sets a reserved ${label[2]} (${label[3]})`;
  }
  const env = ENV_NAME.exec(key);
  if (
    env &&
    (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(env[1]) || RESERVED_ENV.test(env[1]))
  ) {
    return `sets the environment variable ${env[1]}, which would change credentials or the JVM`;
  }
  return undefined;
}
