import type { StartJobRunCommandInput } from '@aws-sdk/client-emr-containers';
import { JobRunRequest, Tenant } from '@spot-spark/plugin-emr-on-eks-common';
import type { ClusterSettings, JobSettings } from '../../config';
import { capacityPlacement } from '../capacity';
import { assetsKeyPrefix, podTemplateKeys } from '../names';
import { emrContainerRequests, quantityText } from './quota';
import { runLogStreamPrefix, tenantLogUri } from './logs/locations';
import { jobShape, releaseFeatures } from './shape';
import { JOB_TAGS } from './tags';

/*
 * Turns a validated request into the Spot-ready StartJobRun input for its
 * tenant.
 */

/**
 * The StartJobRun input for a validated request: the tenant's virtual
 * cluster and role, pod templates (driver On-Demand; executors Spot when
 * asked), decommissioning, PVC reuse and dynamic allocation as the release
 * supports them, EMR's own containers sized within the tenant's limits, the
 * submitter on On-Demand, logs, tags, the idempotency token and, for a
 * request with retries, the retry policy (attempts = retries + 1).
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
  const bucket = cluster.assetsBucket;
  const submitterSelector = capacityPlacement(cluster, 'onDemand').nodeSelector;
  const templates = podTemplateKeys(tenant, shape.tier);
  const assets = `s3://${bucket}/${assetsKeyPrefix(tenant)}`;
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
            // The same On-Demand nodes as the drivers (capacityPlacement).
            [`jobsubmitter.node.selector.${submitterSelector.key}`]:
              submitterSelector.values[0],
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
          logStreamNamePrefix: runLogStreamPrefix(request.name),
        },
        // The log endpoints read from the same places (logs/locations.ts).
        s3MonitoringConfiguration: { logUri: tenantLogUri(bucket, tenant) },
      },
    },
    tags,
    // Retries are validated against guardrails.maxRetries and the release.
    ...((request.retries ?? 0) > 0
      ? { retryPolicyConfiguration: { maxAttempts: request.retries + 1 } }
      : {}),
  };
}

/**
 * A dry run's answer: the request's StartJobRun without what each submission
 * sets (the idempotency token, the submitter and submission tags), so a
 * project can keep it and submit it as it is (the AWS CLI fills the token).
 */
export function composeJobTemplate(
  options: Omit<
    Parameters<typeof composeStartJobRun>[0],
    'clientToken' | 'submissionId' | 'submittedBy'
  >,
): Omit<StartJobRunCommandInput, 'clientToken'> {
  const { clientToken: _perSubmission, ...input } = composeStartJobRun({
    ...options,
    clientToken: '',
    submissionId: '',
    submittedBy: '',
  });
  const {
    [JOB_TAGS.submittedBy]: _submitter,
    [JOB_TAGS.submissionId]: _submission,
    ...tags
  } = input.tags ?? {};
  return { ...input, tags };
}
