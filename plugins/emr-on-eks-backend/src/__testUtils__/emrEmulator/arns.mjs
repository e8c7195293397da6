// @ts-check
// The account, region and ARNs the emulator reports.

export const ACCOUNT = '123456789012';
/** For runs whose request named no region, and for virtual clusters. */
export const DEFAULT_REGION = 'us-east-1';
/** Who EMR says created every run. */
export const CREATED_BY = `arn:aws:iam::${ACCOUNT}:root`;

/**
 * @param {string} region
 * @param {string} virtualClusterId
 * @param {string} [account] Default {@link ACCOUNT}.
 */
export function virtualClusterArn(region, virtualClusterId, account = ACCOUNT) {
  return `arn:aws:emr-containers:${region}:${account}:/virtualclusters/${virtualClusterId}`;
}

/**
 * @param {{ region: string, virtualClusterId: string, id: string, account?: string }} run
 */
export function jobRunArn(run) {
  return `${virtualClusterArn(
    run.region,
    run.virtualClusterId,
    run.account,
  )}/jobruns/${run.id}`;
}

/**
 * The account an ARN names (a virtual cluster's, as moto describes it in
 * the account the request was signed for), if it names one.
 * @param {string | undefined} arn
 * @returns {string | undefined}
 */
export function accountOfArn(arn) {
  return /^arn:[a-z-]+:[a-z0-9-]+:[^:]*:(\d{12}):/.exec(arn ?? '')?.[1];
}
