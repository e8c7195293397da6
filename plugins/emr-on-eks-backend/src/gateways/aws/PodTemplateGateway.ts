import {
  DeleteObjectsCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { PRIORITY_TIERS } from '@spot-spark/plugin-emr-on-eks-common';
import { podTemplateKeys } from '../../domain/names';
import type { TenantPlan } from '../../domain/plan';
import { errorName } from './errorName';

/**
 * The tenant's pod templates in the cluster's assets bucket: written when
 * their content differs, deleted on offboarding. Each method returns what it
 * changed.
 */
export interface PodTemplateGateway {
  ensureFiles(plan: TenantPlan): Promise<string[]>;
  /** Deletes the templates of every tier, including tiers the tenant left. */
  deleteFiles(plan: TenantPlan): Promise<string[]>;
}

/** {@link PodTemplateGateway} on Amazon S3. */
export class S3PodTemplateGateway implements PodTemplateGateway {
  constructor(private readonly s3: S3Client) {}

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
    const keys = PRIORITY_TIERS.flatMap(tier =>
      Object.values(podTemplateKeys(plan.tenant, tier)),
    );
    try {
      await this.s3.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: keys.map(Key => ({ Key })), Quiet: true },
        }),
      );
    } catch (error) {
      if (errorName(error) === 'NoSuchBucket') {
        return [];
      }
      throw error;
    }
    return [
      `deleted the pod templates under tenants/${plan.tenant}/pod-templates/`,
    ];
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
