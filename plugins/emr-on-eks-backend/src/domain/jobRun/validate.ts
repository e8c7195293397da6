import {
  FieldIssue,
  JobRunRequest,
  PRIORITY_TIERS,
  sparkMemoryToMiB,
  Tenant,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { ClusterSettings, JobSettings } from '../../config';
import { imageProblem } from '../images';
import { podIdentityReleaseIssues } from '../podIdentity';
import { checkQuota, formatMiB, MIB, quantityOf } from './quota';
import { allowedS3Prefixes, uriProblem } from './s3Paths';
import { jobShape, parseReleaseLabel, podMemoryMiB } from './shape';
import {
  FILE_LIST_KEYS,
  forbiddenSparkKeyReason,
  IMAGE_KEYS,
} from './sparkKeys';
import { RESERVED_TAG_PREFIXES } from './tags';
import { findUris } from './uris';

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

/**
 * The first EMR on EKS release with job retry policies
 * (`retryPolicyConfiguration`): 6.9.0, as the EMR on EKS Development Guide
 * says ("Using job retry policies").
 */
export const JOB_RETRIES_MIN_RELEASE = [6, 9] as const;

/*
 * Checks a request against its tenant before anything is submitted: tier,
 * release, LimitRange, quota, S3 prefixes, Spark keys, images and tags.
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

  issues.push(...retryIssues(request, shape.releaseLabel, cluster));
  if (version) {
    issues.push(...podIdentityReleaseIssues(cluster, shape.releaseLabel));
  }

  // Every Spark container within the LimitRange (requests = limits for both).
  const { min, max } = spec.limitRange;
  const containers = [
    { role: 'driver', shape: shape.driver },
    { role: 'executor', shape: shape.executor },
  ] as const;
  for (const { role, shape: size } of containers) {
    const memoryMiB = podMemoryMiB(size);
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
    )} overhead${
      size.extraMiB > 0 ? ` + ${formatMiB(size.extraMiB)} PySpark/off-heap` : ''
    } = ${formatMiB(memoryMiB)}`;
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

  // Every URI, of any scheme, in the entry point, the arguments and the
  // Spark values: S3 paths must resolve inside the tenant's prefixes.
  const prefixes = allowedS3Prefixes(tenant, cluster);
  const checkUris = (path: string, value: string) => {
    for (const uri of findUris(value)) {
      const problem = uriProblem(uri, prefixes, tenant.name);
      if (problem) {
        issues.push({ path, message: problem });
      }
    }
  };
  const entryProblem = uriProblem(request.entryPoint, prefixes, tenant.name);
  if (entryProblem) {
    issues.push({ path: 'entryPoint', message: entryProblem });
  }
  request.entryPointArguments.forEach((argument, index) =>
    checkUris(`entryPointArguments.${index}`, argument),
  );

  const { guardrails } = cluster;
  for (const [key, value] of Object.entries(request.sparkConf)) {
    const path = `sparkConf.${key}`;
    const reason = forbiddenSparkKeyReason(key, guardrails.extraSparkConfKeys);
    if (reason) {
      issues.push({ path, message: reason });
      continue;
    }
    if (
      (key === 'spark.driver.memoryOverhead' ||
        key === 'spark.executor.memoryOverhead' ||
        key === 'spark.executor.pyspark.memory' ||
        key === 'spark.memory.offHeap.size') &&
      sparkMemoryToMiB(value) === undefined
    ) {
      issues.push({ path, message: 'must be a Spark memory size like 1g' });
    }
    if (IMAGE_KEYS.has(key)) {
      const problem = imageProblem(value, guardrails.allowedImages);
      if (problem) {
        issues.push({ path, message: problem });
      }
      continue;
    }
    if (FILE_LIST_KEYS.has(key)) {
      // Each file names its scheme: an S3 path inside the prefixes or local:///.
      for (const entry of value.split(',').map(e => e.trim())) {
        const problem = uriProblem(entry, prefixes, tenant.name);
        if (problem) {
          issues.push({ path, message: problem });
        }
      }
      continue;
    }
    if (key === 'spark.jars.packages') {
      issues.push(...packageIssues(path, value, guardrails.mavenRepositories));
      continue;
    }
    if (key === 'spark.jars.repositories') {
      const allowed = new Set(guardrails.mavenRepositories.map(withSlash));
      for (const repository of value.split(',').map(e => e.trim())) {
        if (!allowed.has(withSlash(repository))) {
          issues.push({
            path,
            message: `${repository} is not a Maven repository this cluster allows (guardrails.mavenRepositories: ${
              guardrails.mavenRepositories.join(', ') || 'none'
            })`,
          });
        }
      }
      continue;
    }
    checkUris(path, value);
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

/**
 * Retries within the cluster's `guardrails.maxRetries`, on a release that
 * has retry policies.
 */
function retryIssues(
  request: JobRunRequest,
  releaseLabel: string,
  cluster: ClusterSettings,
): FieldIssue[] {
  const retries = request.retries ?? 0;
  if (retries === 0) {
    return [];
  }
  const issues: FieldIssue[] = [];
  const { maxRetries } = cluster.guardrails;
  if (retries > maxRetries) {
    issues.push({
      path: 'retries',
      message: `${retries} is more than this cluster allows (guardrails.maxRetries: ${maxRetries}); ask for ${maxRetries} or fewer`,
    });
  }
  const version = parseReleaseLabel(releaseLabel);
  const [major, minor] = JOB_RETRIES_MIN_RELEASE;
  if (
    version &&
    (version[0] < major || (version[0] === major && version[1] < minor))
  ) {
    issues.push({
      path: 'retries',
      message: `job retries need EMR ${major}.${minor}.0 or later, and ${releaseLabel} is older: choose a newer releaseLabel or set retries to 0`,
    });
  }
  return issues;
}

/** Maven coordinates, only where the cluster allows any repository at all. */
function packageIssues(
  path: string,
  value: string,
  repositories: string[],
): FieldIssue[] {
  if (repositories.length === 0) {
    return [
      {
        path,
        message:
          "Maven packages are not allowed on this cluster (guardrails.mavenRepositories is empty); put the jars in the tenant's S3 prefix and list them in spark.jars",
      },
    ];
  }
  return value
    .split(',')
    .map(e => e.trim())
    .filter(coordinate => !/^[\w.-]+:[\w.-]+:[\w.+-]+$/.test(coordinate))
    .map(coordinate => ({
      path,
      message: `${coordinate} is not a Maven coordinate group:artifact:version`,
    }));
}
