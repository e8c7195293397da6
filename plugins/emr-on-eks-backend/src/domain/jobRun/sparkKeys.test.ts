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
  ])('forbids %s', key => {
    expect(forbiddenSparkKeyReason(key)).toEqual(expect.any(String));
  });

  it.each([
    'spark.sql.shuffle.partitions',
    'spark.kubernetes.executor.label.team',
    'spark.kubernetes.container.image',
    'spark.dynamicAllocation.shuffleTracking.timeout',
    'spark.decommission.enabled',
    'spark.executor.memoryOverhead',
  ])('allows %s', key => {
    expect(forbiddenSparkKeyReason(key)).toBeUndefined();
  });

  it('explains which field replaces a key', () => {
    expect(forbiddenSparkKeyReason('spark.executor.cores')).toBe(
      'is set from executor.cores; use that field',
    );
  });
});
