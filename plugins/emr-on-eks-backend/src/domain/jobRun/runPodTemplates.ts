import type {
  JobRunRequest,
  JobRunPodTemplates,
  Tenant,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { ClusterSettings, JobSettings } from '../../config';
import { podTemplateKeys } from '../names';
import { tenantPodTemplates, toYaml } from '../podTemplates';
import { jobShape } from './shape';

/**
 * The two pod templates a run uses (driver, and executors on Spot or
 * On-Demand as it asks, at its priority tier): where StartJobRun points and
 * the exact text onboarding uploaded there, so a generated project can hold
 * the same files.
 */
export function runPodTemplates(options: {
  request: JobRunRequest;
  tenant: Tenant;
  cluster: ClusterSettings;
  jobs: JobSettings;
}): JobRunPodTemplates {
  const { request, tenant, cluster, jobs } = options;
  const { tier } = jobShape(request, tenant, jobs);
  const keys = podTemplateKeys(tenant, tier);
  const texts = tenantPodTemplates(tenant.spec, cluster, tier);
  const executor = request.spot ? 'executor' : 'executorOnDemand';
  const uri = (key: string) => `s3://${cluster.assetsBucket}/${key}`;
  return {
    driver: { uri: uri(keys.driver), body: toYaml(texts.driver) },
    executor: { uri: uri(keys[executor]), body: toYaml(texts[executor]) },
  };
}
