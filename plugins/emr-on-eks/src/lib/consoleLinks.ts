/**
 * Links into the AWS console for one job run. Pure functions: everything they
 * need comes in as arguments, so they are tested without a browser.
 *
 * The URL formats are documented in the plugin README ("Console links").
 */

/** The AWS partitions a cluster may live in. */
export type AwsPartition = 'aws' | 'aws-cn' | 'aws-us-gov';

const CONSOLE_HOSTS: Record<AwsPartition, string> = {
  aws: 'console.aws.amazon.com',
  'aws-cn': 'console.amazonaws.cn',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
};

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

/** The partition of a region: `cn-*` is China, `us-gov-*` GovCloud. */
export function partitionOfRegion(region: string): AwsPartition {
  if (region.startsWith('cn-')) {
    return 'aws-cn';
  }
  if (region.startsWith('us-gov-')) {
    return 'aws-us-gov';
  }
  return 'aws';
}

/** The console's host name in the region's partition. */
export function consoleHost(region: string): string {
  return CONSOLE_HOSTS[partitionOfRegion(region)];
}

/** The parts of an EMR on EKS job-run ARN. */
export interface JobRunArnParts {
  partition: AwsPartition;
  region: string;
  accountId: string;
  virtualClusterId: string;
  jobRunId: string;
}

const JOB_RUN_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):emr-containers:([a-z0-9-]+):(\d{12}):\/virtualclusters\/([0-9a-z]+)\/jobruns\/([0-9a-z]+)$/;

/**
 * Splits `arn:<partition>:emr-containers:<region>:<account>:/virtualclusters/<id>/jobruns/<id>`;
 * undefined for anything else (a run EMR has not accepted yet has no ARN).
 */
export function parseJobRunArn(
  arn: string | undefined,
): JobRunArnParts | undefined {
  const match = arn ? JOB_RUN_ARN.exec(arn) : null;
  if (!match || !REGION.test(match[2])) {
    return undefined;
  }
  return {
    partition: match[1] as AwsPartition,
    region: match[2],
    accountId: match[3],
    virtualClusterId: match[4],
    jobRunId: match[5],
  };
}

/** What {@link consoleLinks} needs to know about a run and its tenant. */
export interface ConsoleLinksInput {
  /** Region of the run (from its ARN). */
  region: string;
  /** Account of the run (from its ARN), named in the links' descriptions. */
  accountId?: string;
  virtualClusterId: string;
  /** EMR's id of the run; the per-run links need it. */
  emrJobRunId?: string;
  /** The tenant's CloudWatch Logs group (needs tenant read). */
  logGroupName?: string;
  /** The tenant's `s3://<assets bucket>/tenants/<name>/<uid>/` (needs tenant read). */
  assetsPrefix?: string;
  /** The job name: the run's log stream prefix. */
  jobName: string;
}

/** One console link. */
export interface ConsoleLink {
  kind: 'cloudwatch-logs' | 's3-logs' | 'emr-job-runs' | 'spark-ui';
  title: string;
  description: string;
  href: string;
}

/**
 * The console escapes the part of a CloudWatch Logs URL after `#` twice, with
 * `$` in place of `%`: `/emr-on-eks/a` becomes `$252Femr-on-eks$252Fa`.
 */
function cloudWatchEscape(text: string): string {
  return encodeURIComponent(encodeURIComponent(text)).replace(/%/g, '$');
}

/** The backend's log stream prefix: the job name with `:` and `*` replaced. */
export function logStreamNamePrefix(jobName: string): string {
  return jobName.replace(/[:*]/g, '-');
}

function parseS3Uri(uri: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.*)$/.exec(uri);
  if (!match) {
    return undefined;
  }
  const key =
    match[2] === '' || match[2].endsWith('/') ? match[2] : `${match[2]}/`;
  return { bucket: match[1], key };
}

/**
 * Console links of a run: its CloudWatch Logs streams, its S3 logs, the EMR
 * console's job runs of its virtual cluster, and the Spark UI entry there.
 * Links that need what the caller does not know (a log group, an assets
 * prefix, EMR's run id) are left out; an unknown region gives no links.
 */
export function consoleLinks(input: ConsoleLinksInput): ConsoleLink[] {
  const { region, accountId, virtualClusterId, emrJobRunId, jobName } = input;
  if (!REGION.test(region) || !/^[0-9a-z]+$/.test(virtualClusterId)) {
    return [];
  }
  const host = consoleHost(region);
  const account = accountId ? ` (account ${accountId})` : '';
  const runPath = emrJobRunId
    ? `${virtualClusterId}/jobs/${emrJobRunId}/`
    : undefined;
  const links: ConsoleLink[] = [];

  if (input.logGroupName) {
    // EMR names the streams <prefix>/<virtual cluster>/jobs/<job run>/containers/...
    const streamPrefix = `${logStreamNamePrefix(jobName)}/${runPath ?? ''}`;
    links.push({
      kind: 'cloudwatch-logs',
      title: 'CloudWatch Logs',
      description: `Log streams ${streamPrefix}* in ${input.logGroupName}${account}`,
      href:
        `https://${host}/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/` +
        `${cloudWatchEscape(
          input.logGroupName,
        )}$3FlogStreamNameFilter$3D${cloudWatchEscape(streamPrefix)}`,
    });
  }

  const assets = input.assetsPrefix
    ? parseS3Uri(input.assetsPrefix)
    : undefined;
  if (assets) {
    // EMR uploads to <logUri><virtual cluster>/jobs/<job run>/; logUri is <assets>logs/.
    const prefix = `${assets.key}logs/${runPath ?? ''}`;
    links.push({
      kind: 's3-logs',
      title: 'S3 logs',
      description: `s3://${assets.bucket}/${prefix}${account}`,
      href:
        `https://${host}/s3/buckets/${encodeURIComponent(assets.bucket)}` +
        `?region=${region}&prefix=${encodeURIComponent(
          prefix,
        )}&showversions=false`,
    });
  }

  const emrJobs = `https://${host}/elasticmapreduce/home?region=${region}#virtual-cluster-jobs:${virtualClusterId}`;
  links.push({
    kind: 'emr-job-runs',
    title: 'EMR on EKS console',
    description: `Job runs of virtual cluster ${virtualClusterId}${account}${
      emrJobRunId ? `, run ${emrJobRunId}` : ''
    }`,
    href: emrJobs,
  });
  if (emrJobRunId) {
    links.push({
      kind: 'spark-ui',
      title: 'Spark UI',
      description: `EMR's persistent application UI: choose "Spark UI" on run ${emrJobRunId} in the EMR console`,
      href: emrJobs,
    });
  }
  return links;
}
