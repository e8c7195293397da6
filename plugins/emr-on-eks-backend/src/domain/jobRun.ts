import type { StartJobRunCommandInput } from '@aws-sdk/client-emr-containers';
import {
  EMR_ON_EKS_LABELS,
  FieldIssue,
  JobRunRequest,
  parseQuantity,
  parseS3Prefix,
  PRIORITY_TIERS,
  PriorityTier,
  RequestedResources,
  sparkMemoryToMiB,
  Tenant,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { ClusterSettings, JobSettings } from '../config';
import { assetsKeyPrefix, podTemplateKeys } from './names';

/*
 * Turns a short job-run request into a Spot-ready StartJobRun for a tenant,
 * and checks it against the tenant's LimitRange, quota and S3 prefixes first.
 * Pure: no I/O, so every rule here is tested directly.
 */

/** Tags the plugin puts on every run it submits (read back by the sync). */
export const JOB_TAGS = {
  tenant: EMR_ON_EKS_LABELS.tenant,
  owner: EMR_ON_EKS_LABELS.owner,
  entityRef: 'emr-on-eks.spot-spark.io/entity-ref',
  submittedBy: 'emr-on-eks.spot-spark.io/submitted-by',
  submissionId: 'emr-on-eks.spot-spark.io/submission-id',
} as const;
const RESERVED_TAG_PREFIXES = ['emr-on-eks.spot-spark.io/', 'aws:'];

/** `emr-6.12.0-latest` -> [6, 12, 0]. */
export function parseReleaseLabel(
  label: string,
): [number, number, number] | undefined {
  const match = /^emr-(\d+)\.(\d+)\.(\d+)-/.exec(label);
  return match
    ? [Number(match[1]), Number(match[2]), Number(match[3])]
    : undefined;
}

function releaseAtLeast(label: string, major: number, minor: number): boolean {
  const version = parseReleaseLabel(label);
  return (
    version !== undefined &&
    (version[0] > major || (version[0] === major && version[1] >= minor))
  );
}

/** What each release line supports, from the EMR on EKS release notes. */
export function releaseFeatures(label: string) {
  return {
    /** Graceful executor decommissioning (EMR 6.3+). */
    decommission: releaseAtLeast(label, 6, 3),
    /** Driver-owned, reusable executor PVCs (EMR 6.8+). */
    pvcReuse: releaseAtLeast(label, 6, 8),
    /** waitToReusePersistentVolumeClaim and the local-disk shuffle IO plugin (Spark 3.4, EMR 6.12+). */
    pvcWaitAndShuffleIO: releaseAtLeast(label, 6, 12),
  };
}

/** Overhead Spark adds to a container's memory: 10% for JVM jobs, 40% for PySpark; at least 384 MiB. */
export function memoryOverheadMiB(memoryMiB: number, pyspark: boolean): number {
  return Math.max(384, Math.ceil(memoryMiB * (pyspark ? 0.4 : 0.1)));
}

function isPySpark(request: JobRunRequest) {
  return request.mainClass === undefined && /\.py$/i.test(request.entryPoint);
}

/** The resolved size of a run: the numbers both validation and composition use. */
export interface JobShape {
  releaseLabel: string;
  tier: PriorityTier;
  driver: { cores: number; memoryMiB: number; overheadMiB: number };
  executor: { cores: number; memoryMiB: number; overheadMiB: number };
  dynamicAllocation: boolean;
  minExecutors: number;
  maxExecutors: number;
  localStorage: string;
}

export const DEFAULT_MIN_EXECUTORS = 1;
export const DEFAULT_MAX_EXECUTORS = 10;

export function jobShape(
  request: JobRunRequest,
  tenant: Tenant,
  jobs: JobSettings,
): JobShape {
  const pyspark = isPySpark(request);
  const overhead = (key: string, memoryMiB: number) => {
    const given = request.sparkConf[key];
    const parsed = given === undefined ? undefined : sparkMemoryToMiB(given);
    return parsed ?? memoryOverheadMiB(memoryMiB, pyspark);
  };
  const driverMemory = sparkMemoryToMiB(request.driver.memory)!;
  const executorMemory = sparkMemoryToMiB(request.executor.memory)!;
  const { instances, minExecutors, maxExecutors } = request.executor;
  const dynamicAllocation = instances === undefined;
  return {
    releaseLabel: request.releaseLabel ?? tenant.spec.releaseLabel,
    tier: request.priorityTier ?? tenant.spec.priorityTier,
    driver: {
      cores: request.driver.cores,
      memoryMiB: driverMemory,
      overheadMiB: overhead('spark.driver.memoryOverhead', driverMemory),
    },
    executor: {
      cores: request.executor.cores,
      memoryMiB: executorMemory,
      overheadMiB: overhead('spark.executor.memoryOverhead', executorMemory),
    },
    dynamicAllocation,
    minExecutors:
      instances ??
      minExecutors ??
      Math.min(DEFAULT_MIN_EXECUTORS, maxExecutors ?? DEFAULT_MIN_EXECUTORS),
    maxExecutors:
      instances ??
      maxExecutors ??
      Math.max(DEFAULT_MAX_EXECUTORS, minExecutors ?? 0),
    localStorage: request.executor.localStorage ?? jobs.localStorage,
  };
}

export function requestedResources(shape: JobShape): RequestedResources {
  const driverMemory = shape.driver.memoryMiB + shape.driver.overheadMiB;
  const executorMemory = shape.executor.memoryMiB + shape.executor.overheadMiB;
  return {
    driver: { cores: shape.driver.cores, memoryMiB: driverMemory },
    executor: { cores: shape.executor.cores, memoryMiB: executorMemory },
    minExecutors: shape.minExecutors,
    maxExecutors: shape.maxExecutors,
    maxCores: shape.driver.cores + shape.maxExecutors * shape.executor.cores,
    maxMemoryMiB: driverMemory + shape.maxExecutors * executorMemory,
  };
}

// ---------------------------------------------------------------------------
// Spark keys a request may not set.

/** Keys the request's own fields set; the message says which field. */
const KEYS_SET_BY_FIELDS: Record<string, string> = {
  'spark.driver.cores': 'driver.cores',
  'spark.driver.memory': 'driver.memory',
  'spark.executor.cores': 'executor.cores',
  'spark.executor.memory': 'executor.memory',
  'spark.executor.instances': 'executor.instances',
  'spark.dynamicAllocation.enabled':
    'executor.instances (fixed) or executor.minExecutors/maxExecutors (dynamic)',
  'spark.dynamicAllocation.minExecutors': 'executor.minExecutors',
  'spark.dynamicAllocation.maxExecutors': 'executor.maxExecutors',
  'spark.dynamicAllocation.initialExecutors': 'executor.minExecutors',
};

/** `spark.kubernetes.*` keys that change neither where pods run nor what they reach. */
const ALLOWED_KUBERNETES_KEYS = new Set([
  'spark.kubernetes.container.image',
  'spark.kubernetes.container.image.pullPolicy',
  'spark.kubernetes.executor.deleteOnTermination',
  'spark.kubernetes.allocation.batch.size',
  'spark.kubernetes.allocation.batch.delay',
  'spark.kubernetes.memoryOverheadFactor',
  'spark.kubernetes.submission.waitAppCompletion',
  'spark.kubernetes.executor.podNamePrefix',
]);
const LABEL_KEY =
  /^spark\.kubernetes\.(driver|executor)\.(label|annotation)\.(.+)$/;
/** Label domains other components rely on (EMR, Spark, schedulers, this plugin). */
const RESERVED_LABEL_PREFIXES = [
  'emr-containers.amazonaws.com/',
  'emr-on-eks.spot-spark.io/',
  'eks.amazonaws.com/',
  'karpenter.sh/',
  'kubernetes.io/',
  'k8s.io/',
  'spark-',
];

/**
 * Why a Spark key may not be set by a request, or undefined when it may:
 * nothing may move pods out of the tenant's namespace, node pools or service
 * accounts, change what they authenticate as, or swap the pod templates.
 */
export function forbiddenSparkKeyReason(key: string): string | undefined {
  if (KEYS_SET_BY_FIELDS[key]) {
    return `is set from ${KEYS_SET_BY_FIELDS[key]}; use that field`;
  }
  if (key === 'spark.master' || key === 'spark.submit.deployMode') {
    return 'is set by EMR on EKS';
  }
  if (key === 'spark.authenticate' || key.startsWith('spark.authenticate.')) {
    return 'would change how Spark processes authenticate';
  }
  if (
    /^spark\.hadoop\.fs\.s3a?\.(access\.key|secret\.key|session\.token|aws\.credentials\.provider|assumed\.role\..+|customAWSCredentialsProvider)$/.test(
      key,
    ) ||
    /^spark\.hadoop\.fs\.s3a\.bucket\.[^.]+\.(access\.key|secret\.key|session\.token|aws\.credentials\.provider|assumed\.role\..+)$/.test(
      key,
    )
  ) {
    return 'would make Spark use other AWS credentials than the tenant job role';
  }
  if (key.startsWith('spark.kubernetes.')) {
    const label = LABEL_KEY.exec(key);
    if (label) {
      return RESERVED_LABEL_PREFIXES.some(prefix => label[3].startsWith(prefix))
        ? `sets a reserved ${label[2]} (${label[3]})`
        : undefined;
    }
    if (ALLOWED_KUBERNETES_KEYS.has(key)) {
      return undefined;
    }
    return 'would change where the pods run, under which identity, or what they can reach (namespace, service accounts, authentication, pod templates, node selectors, volumes)';
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Validation against the tenant.

/** The tenant's S3 prefixes a job may name: its data grants and its own assets. */
export function allowedS3Prefixes(
  tenant: Tenant,
  cluster: ClusterSettings,
): string[] {
  return [
    ...tenant.spec.dataAccess.map(grant => grant.s3),
    `s3://${cluster.podTemplateBucket}/${assetsKeyPrefix(tenant.name)}`,
  ];
}

const S3_URI = /\bs3a?:\/\/[^\s,;"'=]+/g;

function insidePrefixes(uri: string, prefixes: string[]): boolean {
  const normalised = uri.replace(/^s3a:\/\//, 's3://');
  // The path must not climb out of its prefix.
  if (
    normalised.split('/').some(segment => segment === '..' || segment === '.')
  ) {
    return false;
  }
  return prefixes.some(prefix => {
    const parsed = parseS3Prefix(prefix)!;
    return normalised.startsWith(`s3://${parsed.bucket}/${parsed.prefix}`);
  });
}

function quantityOf(value: string | undefined): number | undefined {
  return value === undefined ? undefined : parseQuantity(value);
}

const MIB = 1024 * 1024;
const formatMiB = (mib: number) =>
  mib % 1024 === 0 ? `${mib / 1024}Gi` : `${Math.round(mib)}Mi`;
const formatCpu = (cores: number) => `${Math.round(cores * 1000) / 1000}`;

/** Requests of EMR's own containers, within the tenant's LimitRange. */
export function emrContainerRequests(tenant: Tenant) {
  const { min, max, default: limits } = tenant.spec.limitRange;
  const clamp = (wanted: number, resource: 'cpu' | 'memory') => {
    const low = quantityOf(min[resource]) ?? 0;
    const high = Math.min(
      quantityOf(max[resource]) ?? Infinity,
      quantityOf(limits[resource]) ?? Infinity,
    );
    return Math.min(Math.max(wanted, low), high);
  };
  return {
    logging: { cpu: clamp(0.1, 'cpu'), memory: clamp(512 * MIB, 'memory') },
    submitterLogging: {
      cpu: clamp(0.1, 'cpu'),
      memory: clamp(200 * MIB, 'memory'),
    },
  };
}

function quantityText(cpuOrBytes: number, kind: 'cpu' | 'memory'): string {
  return kind === 'cpu'
    ? `${Math.round(cpuOrBytes * 1000)}m`
    : `${Math.ceil(cpuOrBytes / MIB)}Mi`;
}

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

/**
 * The job alone, at its largest, must fit the tenant's quota: the driver,
 * maxExecutors executors, EMR's logging container in each of those pods, and
 * the job submitter pod. (Other running jobs share the quota; a job that
 * cannot fit even alone would never start.)
 */
function checkQuota(
  request: JobRunRequest,
  tenant: Tenant,
  shape: JobShape,
): FieldIssue[] {
  const quota = tenant.spec.quota;
  const emr = emrContainerRequests(tenant);
  const defaults = tenant.spec.limitRange;
  const submitterMain = {
    cpu: quantityOf(defaults.defaultRequest.cpu) ?? 0,
    memory: quantityOf(defaults.defaultRequest.memory) ?? 0,
  };
  const submitterMainLimit = {
    cpu: quantityOf(defaults.default.cpu) ?? submitterMain.cpu,
    memory: quantityOf(defaults.default.memory) ?? submitterMain.memory,
  };
  const loggingLimit = {
    cpu: quantityOf(defaults.default.cpu) ?? emr.logging.cpu,
    memory: quantityOf(defaults.default.memory) ?? emr.logging.memory,
  };
  const sparkPods = 1 + shape.maxExecutors;
  const sparkCpu =
    shape.driver.cores + shape.maxExecutors * shape.executor.cores;
  const sparkMemory =
    (shape.driver.memoryMiB +
      shape.driver.overheadMiB +
      shape.maxExecutors *
        (shape.executor.memoryMiB + shape.executor.overheadMiB)) *
    MIB;
  const needs: Record<string, number> = {
    pods: sparkPods + 1,
    'requests.cpu':
      sparkCpu +
      sparkPods * emr.logging.cpu +
      submitterMain.cpu +
      emr.submitterLogging.cpu,
    'requests.memory':
      sparkMemory +
      sparkPods * emr.logging.memory +
      submitterMain.memory +
      emr.submitterLogging.memory,
    'limits.cpu':
      sparkCpu +
      sparkPods * loggingLimit.cpu +
      submitterMainLimit.cpu +
      loggingLimit.cpu,
    'limits.memory':
      sparkMemory +
      sparkPods * loggingLimit.memory +
      submitterMainLimit.memory +
      loggingLimit.memory,
    persistentvolumeclaims: shape.maxExecutors,
    'requests.storage':
      shape.maxExecutors * (quantityOf(shape.localStorage) ?? 0),
  };
  const field =
    request.executor.instances !== undefined
      ? 'executor.instances'
      : 'executor.maxExecutors';
  const issues: FieldIssue[] = [];
  for (const [key, needed] of Object.entries(needs)) {
    const hard = quantityOf(quota[key as keyof typeof quota]);
    if (hard !== undefined && needed > hard + 1e-9) {
      const shown =
        key.endsWith('memory') || key.endsWith('storage')
          ? formatMiB(Math.ceil(needed / MIB))
          : formatCpu(needed);
      issues.push({
        path: field,
        message: `with ${
          shape.maxExecutors
        } executors the job needs ${shown} of ${key}, but tenant ${
          tenant.name
        }'s quota is ${quota[key as keyof typeof quota]}`,
      });
    }
  }
  return issues;
}

// ---------------------------------------------------------------------------
// Composition.

/**
 * The StartJobRun input for a validated request: the tenant's virtual
 * cluster and role, pod templates (driver On-Demand; executors Spot when
 * asked), decommissioning, PVC reuse and dynamic allocation as the release
 * supports them, EMR's own containers sized within the tenant's limits, the
 * submitter on On-Demand, logs, tags and the idempotency token.
 */
export function composeStartJobRun(options: {
  request: JobRunRequest;
  tenant: Tenant;
  cluster: ClusterSettings;
  jobs: JobSettings;
  clientToken: string;
  submissionId: string;
  submittedBy: string;
}): StartJobRunCommandInput {
  const {
    request,
    tenant,
    cluster,
    jobs,
    clientToken,
    submissionId,
    submittedBy,
  } = options;
  const shape = jobShape(request, tenant, jobs);
  const features = releaseFeatures(shape.releaseLabel);
  const bucket = cluster.podTemplateBucket;
  const templates = podTemplateKeys(tenant.name, shape.tier);
  const assets = `s3://${bucket}/${assetsKeyPrefix(tenant.name)}`;
  const emr = emrContainerRequests(tenant);

  const submit = [
    ...(request.mainClass ? ['--class', request.mainClass] : []),
    '--conf',
    `spark.driver.cores=${shape.driver.cores}`,
    '--conf',
    `spark.driver.memory=${request.driver.memory}`,
    '--conf',
    `spark.executor.cores=${shape.executor.cores}`,
    '--conf',
    `spark.executor.memory=${request.executor.memory}`,
    ...(shape.dynamicAllocation
      ? []
      : ['--conf', `spark.executor.instances=${shape.maxExecutors}`]),
  ];

  const sparkDefaults: Record<string, string> = {
    'spark.kubernetes.driver.podTemplateFile': `s3://${bucket}/${templates.driver}`,
    'spark.kubernetes.executor.podTemplateFile': `s3://${bucket}/${
      request.spot ? templates.executor : templates.executorOnDemand
    }`,
    // Requests and limits equal, so the LimitRange's default limits (smaller
    // than a multi-core executor) never apply and the quota sees what we checked.
    'spark.kubernetes.driver.request.cores': String(shape.driver.cores),
    'spark.kubernetes.driver.limit.cores': String(shape.driver.cores),
    'spark.kubernetes.executor.request.cores': String(shape.executor.cores),
    'spark.kubernetes.executor.limit.cores': String(shape.executor.cores),
    'spark.driver.memoryOverhead': `${shape.driver.overheadMiB}m`,
    'spark.executor.memoryOverhead': `${shape.executor.overheadMiB}m`,
  };
  if (features.decommission) {
    Object.assign(sparkDefaults, {
      'spark.decommission.enabled': 'true',
      'spark.storage.decommission.enabled': 'true',
      'spark.storage.decommission.rddBlocks.enabled': 'true',
      'spark.storage.decommission.shuffleBlocks.enabled': 'true',
      'spark.storage.decommission.fallbackStorage.path': `${assets}spark/fallback/`,
    });
  }
  if (features.pvcReuse) {
    const volume =
      'spark.kubernetes.executor.volumes.persistentVolumeClaim.spark-local-dir-1';
    Object.assign(sparkDefaults, {
      'spark.kubernetes.driver.ownPersistentVolumeClaim': 'true',
      'spark.kubernetes.driver.reusePersistentVolumeClaim': 'true',
      [`${volume}.options.claimName`]: 'OnDemand',
      [`${volume}.options.storageClass`]: jobs.storageClass,
      [`${volume}.options.sizeLimit`]: shape.localStorage,
      [`${volume}.mount.path`]: '/data',
      [`${volume}.mount.readOnly`]: 'false',
    });
  }
  if (features.pvcWaitAndShuffleIO) {
    Object.assign(sparkDefaults, {
      'spark.kubernetes.driver.waitToReusePersistentVolumeClaim': 'true',
      'spark.shuffle.sort.io.plugin.class':
        'org.apache.spark.shuffle.KubernetesLocalDiskShuffleDataIO',
    });
  }
  if (shape.dynamicAllocation) {
    Object.assign(sparkDefaults, {
      'spark.dynamicAllocation.enabled': 'true',
      // No external shuffle service on Kubernetes: track shuffle files instead.
      'spark.dynamicAllocation.shuffleTracking.enabled': 'true',
      'spark.dynamicAllocation.shuffleTracking.timeout': '300s',
      'spark.dynamicAllocation.executorIdleTimeout': '60s',
      'spark.dynamicAllocation.minExecutors': String(shape.minExecutors),
      'spark.dynamicAllocation.initialExecutors': String(shape.minExecutors),
      'spark.dynamicAllocation.maxExecutors': String(shape.maxExecutors),
    });
  } else {
    sparkDefaults['spark.dynamicAllocation.enabled'] = 'false';
  }
  // The request's own settings (already checked against the deny-list) last.
  Object.assign(sparkDefaults, request.sparkConf);

  const tags: Record<string, string> = {
    ...request.tags,
    [JOB_TAGS.tenant]: tenant.name,
    [JOB_TAGS.owner]: tenant.spec.owner,
    [JOB_TAGS.submittedBy]: submittedBy,
    [JOB_TAGS.submissionId]: submissionId,
    ...(request.entityRef ? { [JOB_TAGS.entityRef]: request.entityRef } : {}),
  };

  return {
    name: request.name,
    virtualClusterId: tenant.status.virtualClusterId!,
    executionRoleArn: tenant.status.executionRoleArn!,
    releaseLabel: shape.releaseLabel,
    clientToken,
    jobDriver: {
      sparkSubmitJobDriver: {
        entryPoint: request.entryPoint,
        entryPointArguments: request.entryPointArguments,
        sparkSubmitParameters: submit.join(' '),
      },
    },
    configurationOverrides: {
      applicationConfiguration: [
        { classification: 'spark-defaults', properties: sparkDefaults },
        {
          classification: 'emr-containers-defaults',
          properties: {
            'job-start-timeout': String(jobs.startTimeoutSeconds),
            'logging.request.cores': quantityText(emr.logging.cpu, 'cpu'),
            'logging.request.memory': quantityText(
              emr.logging.memory,
              'memory',
            ),
          },
        },
        {
          // The submitter pod outlives nothing if its node is reclaimed: keep it off Spot.
          classification: 'emr-job-submitter',
          properties: {
            [`jobsubmitter.node.selector.${cluster.capacityTypeLabel}`]:
              cluster.capacityTypeValues.onDemand,
            'jobsubmitter.logging.request.cores': quantityText(
              emr.submitterLogging.cpu,
              'cpu',
            ),
            'jobsubmitter.logging.request.memory': quantityText(
              emr.submitterLogging.memory,
              'memory',
            ),
          },
        },
      ],
      monitoringConfiguration: {
        persistentAppUI: 'ENABLED',
        cloudWatchMonitoringConfiguration: {
          logGroupName: tenant.status.logGroupName!,
          logStreamNamePrefix: request.name.replace(/[:*]/g, '-'),
        },
        s3MonitoringConfiguration: { logUri: `${assets}logs/` },
      },
    },
    tags,
  };
}
