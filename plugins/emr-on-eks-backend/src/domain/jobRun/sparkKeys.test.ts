import { forbiddenSparkKeyReason } from './sparkKeys';

describe('forbiddenSparkKeyReason', () => {
  it.each([
    'spark.kubernetes.namespace',
    'spark.kubernetes.authenticate.driver.serviceAccountName',
    'spark.kubernetes.authenticate.executor.serviceAccountName',
    'spark.kubernetes.driver.podTemplateFile',
    'spark.kubernetes.executor.podTemplateFile',
    'spark.kubernetes.node.selector.eks.amazonaws.com/capacityType',
    'spark.kubernetes.executor.node.selector.karpenter.sh/capacity-type',
    'spark.kubernetes.driver.volumes.hostPath.root.mount.path',
    'spark.kubernetes.executor.limit.cores',
    'spark.kubernetes.executor.label.spark-role',
    'spark.kubernetes.driver.label.emr-containers.amazonaws.com/job.id',
    'spark.authenticate',
    'spark.hadoop.fs.s3a.aws.credentials.provider',
    'spark.hadoop.fs.s3a.bucket.other.access.key',
    'spark.executor.instances',
    'spark.dynamicAllocation.maxExecutors',
    'spark.master',
    // Bypasses of the old deny-list: credentials, EMRFS, per-bucket
    // providers on dotted bucket names, IAM agents, JVM hooks, unknown keys.
    'spark.executorEnv.AWS_ACCESS_KEY_ID',
    'spark.executorEnv.aws_secret_access_key',
    'spark.executorEnv.AWS_WEB_IDENTITY_TOKEN_FILE',
    'spark.executorEnv.JAVA_TOOL_OPTIONS',
    'spark.hadoop.fs.s3.customAWSCredentialsProvider',
    'spark.hadoop.fs.s3.impl',
    'spark.hadoop.fs.s3.access.key',
    'spark.hadoop.fs.s3a.bucket.my.dotted.bucket.aws.credentials.provider',
    'spark.hadoop.fs.s3a.bucket.other.endpoint',
    'spark.hadoop.fs.s3a.endpoint',
    'spark.hadoop.fs.s3a.impl',
    'spark.hadoop.fs.s3a.assumed.role.arn',
    'SPARK.HADOOP.FS.S3A.ACCESS.KEY',
    'Spark.Executor.Instances',
    'spark.kubernetes.driver.annotation.iam.amazonaws.com/role',
    'spark.kubernetes.executor.annotation.IAM.amazonaws.com/role',
    'spark.kubernetes.driverEnv.AWS_ROLE_ARN',
    'spark.jars.ivySettings',
    'spark.jars.ivy',
    'spark.sql.catalog.glue.s3.access-key-id',
    'spark.sql.catalog.glue.client.assume-role.arn',
    'spark.driver.extraJavaOptions',
    'spark.executor.extraClassPath',
    'spark.eventLog.dir',
    'spark.yarn.dist.jars',
    'spark.not.a.setting',
  ])('forbids %s', key => {
    expect(forbiddenSparkKeyReason(key)).toEqual(expect.any(String));
  });

  it.each([
    'spark.sql.shuffle.partitions',
    'spark.kubernetes.executor.label.team',
    'spark.kubernetes.container.image',
    'spark.kubernetes.driver.container.image',
    'spark.kubernetes.executor.container.image',
    'spark.dynamicAllocation.shuffleTracking.timeout',
    'spark.decommission.enabled',
    'spark.executor.memoryOverhead',
    'spark.jars',
    'spark.submit.pyFiles',
    'spark.hadoop.fs.s3a.fast.upload',
    'spark.hadoop.fs.s3a.committer.name',
    'spark.executorEnv.PYSPARK_PYTHON',
    'spark.memory.offHeap.size',
    'spark.executor.pyspark.memory',
  ])('allows %s', key => {
    expect(forbiddenSparkKeyReason(key)).toBeUndefined();
  });

  it('explains which field replaces a key', () => {
    expect(forbiddenSparkKeyReason('spark.executor.cores')).toBe(
      'is set from executor.cores; use that field',
    );
  });
});

describe('the cluster’s extra Spark keys', () => {
  it('allows what the platform adds, and only that', () => {
    const extra = ['spark.eventLog.*', 'spark.driver.extraJavaOptions'];
    expect(
      forbiddenSparkKeyReason('spark.eventLog.enabled', extra),
    ).toBeUndefined();
    expect(
      forbiddenSparkKeyReason('spark.driver.extraJavaOptions', extra),
    ).toBeUndefined();
    expect(
      forbiddenSparkKeyReason('spark.executor.extraJavaOptions', extra),
    ).toEqual(expect.any(String));
  });

  it('never lets an extra pattern override the keys the request’s fields set', () => {
    expect(
      forbiddenSparkKeyReason('spark.executor.instances', ['spark.*']),
    ).toBe('is set from executor.instances; use that field');
  });

  it('never lets an extra pattern hand a job its own pod template (image, init containers, volumes)', () => {
    for (const key of [
      'spark.kubernetes.driver.podTemplateFile',
      'spark.kubernetes.executor.podTemplateFile',
      'spark.kubernetes.driver.podTemplateContainerName',
      'spark.kubernetes.executor.podTemplateContainerName',
    ]) {
      expect({
        key,
        reason: forbiddenSparkKeyReason(key, ['spark.kubernetes.*']),
      }).toEqual({
        key,
        reason:
          "is set by the plugin: the tenant's pod templates, which the platform writes",
      });
    }
  });
});
