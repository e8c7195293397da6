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
 */
export function virtualClusterArn(region, virtualClusterId) {
  return `arn:aws:emr-containers:${region}:${ACCOUNT}:/virtualclusters/${virtualClusterId}`;
}

/**
 * @param {{ region: string, virtualClusterId: string, id: string }} run
 */
export function jobRunArn(run) {
  return `${virtualClusterArn(run.region, run.virtualClusterId)}/jobruns/${
    run.id
  }`;
}
