import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ClusterSettings, EmrOnEksSettings } from '../config';
import {
  callerAccountId,
  createAwsClients,
  IamRoleGateway,
  LogGroupGateway,
  PodTemplateGateway,
  VirtualClusterGateway,
} from './aws';
import { DirectKubernetesGateway } from './DirectKubernetesGateway';
import { GitOpsKubernetesGateway } from './GitOpsKubernetesGateway';
import type { KubernetesGateway } from './KubernetesGateway';

/** Every side-effecting dependency of one cluster's reconcile steps. */
export interface ClusterGateways {
  kubernetes: KubernetesGateway;
  iamRoles: IamRoleGateway;
  podTemplates: PodTemplateGateway;
  logGroups: LogGroupGateway;
  virtualClusters: VirtualClusterGateway;
  /** Account of the AWS credentials in use. */
  accountId(): Promise<string>;
  /** Closes the AWS clients' connections (at shutdown). */
  dispose(): void;
}

/** Builds a cluster's gateways from configuration (one set per cluster). */
export function createClusterGateways(options: {
  cluster: ClusterSettings;
  settings: EmrOnEksSettings;
  logger: LoggerService;
}): ClusterGateways {
  const { cluster, settings, logger } = options;
  const clients = createAwsClients(cluster, settings.aws);
  const kubernetes: KubernetesGateway =
    cluster.kubernetes.mode === 'gitops'
      ? GitOpsKubernetesGateway.create({
          directory: cluster.kubernetes.directory,
        })
      : DirectKubernetesGateway.create({
          settings: cluster.kubernetes,
          clusterName: cluster.name,
          logger: logger.child({ cluster: cluster.name }),
        });
  return {
    kubernetes,
    iamRoles: new IamRoleGateway(clients.iam),
    podTemplates: new PodTemplateGateway(clients.s3),
    logGroups: new LogGroupGateway(clients.logs),
    virtualClusters: new VirtualClusterGateway(clients.emr),
    accountId: () => callerAccountId(clients.sts),
    dispose: () => Object.values(clients).forEach(client => client.destroy()),
  };
}
