import {
  DeleteObjectsCommand,
  GetObjectCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { assetsKeyPrefix } from '../../domain/names';
import type { TenantPlan } from '../../domain/plan';
import { errorName } from './errorName';

/** DeleteObjects takes at most this many keys per request. */
const DELETE_BATCH = 1000;

/**
 * The tenant's pod templates in the cluster's assets bucket: written when
 * their content differs. On offboarding, everything under the tenant's
 * `tenants/<name>/` goes. Each method returns what it changed.
 */
export interface PodTemplateGateway {
  ensureFiles(plan: TenantPlan): Promise<string[]>;
  /**
   * Deletes every object under `tenants/<name>/` (the trailing slash matters:
   * `team` never touches `team-a`'s): the pod templates of every tier, Spark
   * event logs and container logs, shuffle fallback storage.
   */
  deleteFiles(plan: TenantPlan): Promise<string[]>;
}

/** {@link PodTemplateGateway} on Amazon S3. */
export class S3PodTemplateGateway implements PodTemplateGateway {
  /** `batchSize`: keys per list page and per delete (tests make it small). */
  constructor(
    private readonly s3: S3Client,
    private readonly options: { batchSize?: number } = {},
  ) {}

  async ensureFiles(plan: TenantPlan): Promise<string[]> {
    const { bucket, files } = plan.podTemplates;
    const changes: string[] = [];
    for (const file of files) {
      const current = await this.read(bucket, file.key);
      if (current === file.body) {
        continue;
      }
      await this.s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: file.key,
          Body: file.body,
          ContentType: 'application/yaml',
        }),
      );
      changes.push(`wrote s3://${bucket}/${file.key}`);
    }
    return changes;
  }

  async deleteFiles(plan: TenantPlan): Promise<string[]> {
    const { bucket } = plan.podTemplates;
    const prefix = assetsKeyPrefix({ name: plan.tenant, uid: plan.uid });
    const batchSize = Math.min(
      this.options.batchSize ?? DELETE_BATCH,
      DELETE_BATCH,
    );
    let deleted = 0;
    try {
      // Each listed page (at most 1000 keys) is deleted before the next is
      // listed: ListObjectsV2 continues after the last key it returned, so
      // deleting behind it skips nothing.
      for await (const page of paginateListObjectsV2(
        { client: this.s3, pageSize: batchSize },
        { Bucket: bucket, Prefix: prefix },
      )) {
        const keys = (page.Contents ?? [])
          .map(object => object.Key)
          .filter((key): key is string => !!key && key.startsWith(prefix));
        for (let start = 0; start < keys.length; start += batchSize) {
          const batch = keys.slice(start, start + batchSize);
          const result = await this.s3.send(
            new DeleteObjectsCommand({
              Bucket: bucket,
              Delete: { Objects: batch.map(Key => ({ Key })), Quiet: true },
            }),
          );
          const errors = result.Errors ?? [];
          if (errors.length > 0) {
            throw new Error(
              `S3 did not delete ${errors.length} of ${
                batch.length
              } objects under s3://${bucket}/${prefix}, first ${
                errors[0].Key
              }: ${errors[0].Code} ${errors[0].Message ?? ''}`.trim(),
            );
          }
          deleted += batch.length;
        }
      }
    } catch (error) {
      if (errorName(error) === 'NoSuchBucket') {
        return [];
      }
      throw error;
    }
    return deleted > 0
      ? [`deleted ${deleted} objects under s3://${bucket}/${prefix}`]
      : [];
  }

  private async read(bucket: string, key: string): Promise<string | undefined> {
    try {
      const result = await this.s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: key }),
      );
      return await result.Body?.transformToString('utf8');
    } catch (error) {
      if (errorName(error) === 'NoSuchKey') {
        return undefined;
      }
      if (errorName(error) === 'NoSuchBucket') {
        throw new Error(
          `S3 bucket ${bucket} does not exist; create it or fix emrOnEks.clusters[].assetsBucket`,
        );
      }
      throw error;
    }
  }
}
