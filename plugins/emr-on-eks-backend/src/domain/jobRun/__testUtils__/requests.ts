import {
  jobRequest,
  readyTenant,
  TEST_UID,
  testSettings,
} from '../../../__testUtils__/fixtures';

/*
 * What the compose, validate and shape tests share: the example tenant, its
 * cluster and job settings, and a request that fits them.
 */

const settings = testSettings();
export const cluster = settings.clusters[0];
export const jobs = settings.jobs;
export const tenant = readyTenant();
export const ASSETS = `s3://shared-data-emr-assets/tenants/team-a/${TEST_UID}/`;

/** The example request, at 10 executors so that it fits the example quota. */
export const fits = (input: Record<string, unknown> = {}) =>
  jobRequest({
    executor: { cores: 4, memory: '16g', minExecutors: 2, maxExecutors: 10 },
    ...input,
  });
