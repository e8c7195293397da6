import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EMRContainersClient } from '@aws-sdk/client-emr-containers';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import type { ClusterSettings, EmrOnEksSettings } from '../../config';

/** The AWS SDK clients of one cluster's account and region. */
export interface AwsClients {
  iam: IAMClient;
  s3: S3Client;
  logs: CloudWatchLogsClient;
  emr: EMRContainersClient;
  sts: STSClient;
}

/** Builds the SDK clients of a cluster from configuration. */
export function createAwsClients(
  cluster: ClusterSettings,
  aws: EmrOnEksSettings['aws'],
): AwsClients {
  const common = {
    region: cluster.region,
    // Standard retries with backoff absorb throttling.
    maxAttempts: 5,
    ...(aws.endpoint ? { endpoint: aws.endpoint } : {}),
  };
  return {
    iam: new IAMClient(common),
    s3: new S3Client({ ...common, forcePathStyle: Boolean(aws.endpoint) }),
    logs: new CloudWatchLogsClient(common),
    emr: new EMRContainersClient(common),
    sts: new STSClient(common),
  };
}
