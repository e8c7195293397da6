import {
  FieldIssue,
  JobRunRequest,
  PRIORITY_TIERS,
  sparkMemoryToMiB,
  Tenant,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { ClusterSettings, JobSettings } from '../../config';
import { checkQuota, formatMiB, MIB, quantityOf } from './quota';
import { allowedS3Prefixes, insidePrefixes, S3_URI } from './s3Paths';
import { jobShape, parseReleaseLabel } from './shape';
import { forbiddenSparkKeyReason } from './sparkKeys';
import { RESERVED_TAG_PREFIXES } from './tags';

/*
 * Checks a request against its tenant before anything is submitted: tier,
 * release, LimitRange, quota, S3 prefixes, Spark keys and tags.
 */

/**
 * Every reason a request cannot run in the tenant, each naming the field to
 * change. An empty list means the request fits.
 */
export function validateJobRun(options: {
  request: JobRunRequest;
  tenant: Tenant;
  cluster: ClusterSettings;
  jobs: JobSettings;
}): FieldIssue[] {
  const { request, tenant, cluster, jobs } = options;
  const issues: FieldIssue[] = [];
  const shape = jobShape(request, tenant, jobs);
  const spec = tenant.spec;

  if (
    PRIORITY_TIERS.indexOf(shape.tier) >
    PRIORITY_TIERS.indexOf(spec.priorityTier)
  ) {
    issues.push({
      path: 'priorityTier',
      message: `${shape.tier} is above tenant ${tenant.name}'s tier ${spec.priorityTier}`,
    });
  }
  const version = parseReleaseLabel(shape.releaseLabel);
  if (!version || version[0] < 5 || (version[0] === 5 && version[1] < 32)) {
    issues.push({
      path: 'releaseLabel',
      message: `${shape.releaseLabel} is not an EMR on EKS release (5.32 or later)`,
    });
  }

  // Every Spark container within the LimitRange (requests = limits for both).
  const { min, max } = spec.limitRange;
  const containers = [
    { role: 'driver', shape: shape.driver },
    { role: 'executor', shape: shape.executor },
  ] as const;
  for (const { role, shape: size } of containers) {
    const memoryMiB = size.memoryMiB + size.overheadMiB;
    const maxCpu = quantityOf(max.cpu);
    const minCpu = quantityOf(min.cpu);
    const maxMemory = quantityOf(max.memory);
    const minMemory = quantityOf(min.memory);
    if (maxCpu !== undefined && size.cores > maxCpu) {
      issues.push({
        path: `${role}.cores`,
        message: `${size.cores} exceeds the LimitRange max cpu ${max.cpu} of tenant ${tenant.name}`,
      });
    }
    if (minCpu !== undefined && size.cores < minCpu) {
      issues.push({
        path: `${role}.cores`,
        message: `${size.cores} is below the LimitRange min cpu ${min.cpu} of tenant ${tenant.name}`,
      });
    }
    const memoryText = `${request[role].memory} + ${formatMiB(
      size.overheadMiB,
    )} overhead = ${formatMiB(memoryMiB)}`;
    if (maxMemory !== undefined && memoryMiB * MIB > maxMemory) {
      issues.push({
        path: `${role}.memory`,
        message: `${memoryText} exceeds the LimitRange max memory ${max.memory} of tenant ${tenant.name}`,
      });
    }
    if (minMemory !== undefined && memoryMiB * MIB < minMemory) {
      issues.push({
        path: `${role}.memory`,
        message: `${memoryText} is below the LimitRange min memory ${min.memory} of tenant ${tenant.name}`,
      });
    }
  }

  issues.push(...checkQuota(request, tenant, shape));

  // S3 paths must stay inside the tenant's prefixes.
  const prefixes = allowedS3Prefixes(tenant, cluster);
  const outside = (uri: string) =>
    `${uri} is outside tenant ${tenant.name}'s S3 prefixes (${prefixes.join(
      ', ',
    )})`;
  if (
    request.entryPoint.startsWith('s3://') &&
    !insidePrefixes(request.entryPoint, prefixes)
  ) {
    issues.push({ path: 'entryPoint', message: outside(request.entryPoint) });
  }
  request.entryPointArguments.forEach((argument, index) => {
    for (const uri of argument.match(S3_URI) ?? []) {
      if (!insidePrefixes(uri, prefixes)) {
        issues.push({
          path: `entryPointArguments.${index}`,
          message: outside(uri),
        });
      }
    }
  });

  for (const [key, value] of Object.entries(request.sparkConf)) {
    const reason = forbiddenSparkKeyReason(key);
    if (reason) {
      issues.push({ path: `sparkConf.${key}`, message: reason });
      continue;
    }
    if (
      (key === 'spark.driver.memoryOverhead' ||
        key === 'spark.executor.memoryOverhead') &&
      sparkMemoryToMiB(value) === undefined
    ) {
      issues.push({
        path: `sparkConf.${key}`,
        message: 'must be a Spark memory size like 1g',
      });
    }
    for (const uri of value.match(S3_URI) ?? []) {
      if (!insidePrefixes(uri, prefixes)) {
        issues.push({ path: `sparkConf.${key}`, message: outside(uri) });
      }
    }
  }

  for (const key of Object.keys(request.tags)) {
    if (RESERVED_TAG_PREFIXES.some(prefix => key.startsWith(prefix))) {
      issues.push({
        path: `tags.${key}`,
        message: 'uses a reserved tag prefix',
      });
    }
  }
  if (Object.keys(request.tags).length > 40) {
    issues.push({
      path: 'tags',
      message: 'at most 40 tags (EMR allows 50 and the plugin adds its own)',
    });
  }
  return issues;
}
