import { parseS3Prefix } from '@spot-spark/plugin-emr-on-eks-common';
import fc from 'fast-check';
import { cluster, fits, jobs, tenant } from './__testUtils__/requests';
import { TEST_UID } from '../../__testUtils__/fixtures';
import { composeStartJobRun } from './compose';
import { allowedS3Prefixes } from './s3Paths';
import { posix } from 'node:path';
import { findUris } from './uris';
import { validateJobRun } from './validate';

/** Every string anywhere inside a value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') {
    return [value];
  }
  if (value && typeof value === 'object') {
    return Object.values(value).flatMap(strings);
  }
  return [];
}

/**
 * An oracle independent of uris.ts: Node's POSIX path normalisation of the
 * decoded path, against the tenant's prefixes; local:/// is the image.
 */
function insideByPosixPaths(text: string): boolean {
  if (text.startsWith('local:///')) {
    return true;
  }
  const match = /^s3[an]?:\/\/([^/]+)(\/.*)?$/i.exec(text);
  if (!match) {
    return false;
  }
  const path = posix.normalize(`/${decodeURIComponent(match[2] ?? '/')}`);
  const bucket = match[1].toLowerCase();
  return allowedS3Prefixes(tenant, cluster)
    .map(p => parseS3Prefix(p)!)
    .some(p => p.bucket === bucket && path.startsWith(`/${p.prefix}`));
}

describe('S3 locations of accepted job runs', () => {
  it('any accepted request’s StartJobRun references only the tenant’s own S3 locations or the image', () => {
    const locations = [
      's3://data-lake/team-a/in/',
      's3a://data-lake/team-a/lib/a.jar',
      's3n://data-lake/team-a/x',
      's3://data-lake/team-b/',
      's3://data-lake/team-a/../team-b/',
      's3://data-lake/team-a/%2e%2e/team-b/',
      's3://data-lake//team-a//..//team-b/',
      'S3://DATA-LAKE/team-a/x',
      's3://shared-reference/maps/',
      `s3://${cluster.assetsBucket}/tenants/team-a/${TEST_UID}/spark/`,
      `s3://${cluster.assetsBucket}/tenants/team-b/pod-templates/`,
      `s3://${cluster.assetsBucket}/tenants/team-a/${TEST_UID}/../team-b/`,
      'https://example.com/x.jar',
      'hdfs://nn/x',
      'file:/etc/passwd',
      'local:///opt/app.jar',
    ];
    const location = fc.constantFrom(...locations);
    const value = fc.oneof(
      location,
      fc.tuple(location, location).map(([a, b]) => `${a},${b}`),
      location.map(l => `--path=${l}`),
    );
    const key = fc.constantFrom(
      'spark.jars',
      'spark.files',
      'spark.sql.warehouse.dir',
      'spark.executorEnv.INPUT',
      'spark.storage.decommission.fallbackStorage.path',
    );
    fc.assert(
      fc.property(
        fc.dictionary(key, value, { maxKeys: 3 }),
        fc.array(value, { maxLength: 3 }),
        (sparkConf, entryPointArguments) => {
          const request = fits({ sparkConf, entryPointArguments });
          const issues = validateJobRun({ request, tenant, cluster, jobs });
          fc.pre(issues.length === 0);
          const startJobRun = composeStartJobRun({
            request,
            tenant,
            cluster,
            jobs,
            clientToken: 'token',
            submissionId: 'id',
            submittedBy: 'user:default/alice',
          });
          const outside = strings(startJobRun)
            .flatMap(findUris)
            .filter(text => !insideByPosixPaths(text));
          expect(outside).toEqual([]);
        },
      ),
      { numRuns: 400 },
    );
  });
});
