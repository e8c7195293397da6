import type { TenantIdentity } from '../../names';
import { assetsKeyPrefix } from '../../names';

/*
 * Where EMR on EKS writes a run's logs, from what the plugin stored. One
 * place for both sides: compose.ts tells EMR where to write, and the log
 * endpoints read from the same places, so the two cannot disagree.
 *
 * EMR on EKS (best-practices guide, "Logging"): with
 * s3MonitoringConfiguration.logUri, objects
 *   <logUri>/<virtual cluster id>/jobs/<job id>/containers/<job runner pod>/stdout.gz
 *   <logUri>/<virtual cluster id>/jobs/<job id>/containers/<spark app id>/<pod>/stderr.gz
 * and with cloudWatchMonitoringConfiguration, streams named
 *   <logStreamNamePrefix>/<virtual cluster id>/jobs/<job id>/containers/...
 * in the same layout (the `.gz` ending is S3's only).
 */

/** Key prefix, in the assets bucket, of every log of a tenant's runs. */
export function tenantLogKeyPrefix(tenant: TenantIdentity): string {
  return `${assetsKeyPrefix(tenant)}logs/`;
}

/** The `logUri` the plugin gives each run of the tenant. */
export function tenantLogUri(bucket: string, tenant: TenantIdentity): string {
  return `s3://${bucket}/${tenantLogKeyPrefix(tenant)}`;
}

/**
 * The CloudWatch stream name prefix of a run named `jobName` (CloudWatch
 * refuses `:` and `*` in stream names).
 */
export function runLogStreamPrefix(jobName: string): string {
  return jobName.replace(/[:*]/g, '-');
}

/** Where one run's logs are, when it has any. */
export interface RunLogLocation {
  /** The run's objects in the assets bucket: every key starts with `prefix`. */
  s3?: { bucket: string; prefix: string };
  /** The run's streams in the tenant's log group: every name starts with `prefix`. */
  cloudWatch?: { logGroupName: string; prefix: string };
}

/** Ids EMR gives virtual clusters and job runs: lower-case letters and digits. */
const EMR_ID = /^[a-z0-9]{1,64}$/;

/**
 * The run's log locations: under the tenant's own log prefix and log group
 * only, whatever the run's own StartJobRun said (a run started outside
 * Backstage may name any bucket; we read only the tenant's). Undefined when
 * the run has no EMR id yet. `streamNamePrefix` is the one the plugin gave a
 * run it submitted; without it, CloudWatch is not searched (another
 * submitter's prefix is unknown, and listing a whole log group to guess is
 * not bounded).
 */
export function runLogLocation(options: {
  bucket: string;
  tenant: TenantIdentity;
  virtualClusterId: string;
  emrJobId?: string;
  logGroupName?: string;
  streamNamePrefix?: string;
}): RunLogLocation | undefined {
  const { virtualClusterId, emrJobId } = options;
  if (!emrJobId || !EMR_ID.test(emrJobId) || !EMR_ID.test(virtualClusterId)) {
    return undefined;
  }
  const tail = `${virtualClusterId}/jobs/${emrJobId}/containers/`;
  const location: RunLogLocation = {
    s3: {
      bucket: options.bucket,
      prefix: `${tenantLogKeyPrefix(options.tenant)}${tail}`,
    },
  };
  if (options.logGroupName && options.streamNamePrefix) {
    location.cloudWatch = {
      logGroupName: options.logGroupName,
      prefix: `${options.streamNamePrefix}/${tail}`,
    };
  }
  return location;
}
