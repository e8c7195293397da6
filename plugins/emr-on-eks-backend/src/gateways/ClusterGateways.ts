import type { LoggerService } from '@backstage/backend-plugin-api';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { ClusterSettings, EmrOnEksSettings } from '../config';
import { CallerIdentity, callerIdentity } from './aws/account';
import { clusterCredentials, createAwsClients } from './aws/clients';
import {
  AwsClusterInspectionGateway,
  ClusterInspectionGateway,
} from './aws/ClusterInspectionGateway';
import { AwsIamRoleGateway, IamRoleGateway } from './aws/IamRoleGateway';
import { EmrJobRunGateway, JobRunGateway } from './aws/JobRunGateway';
import {
  CloudWatchLogGroupGateway,
  LogGroupGateway,
} from './aws/LogGroupGateway';
import {
  EksPodIdentityGateway,
  PodIdentityGateway,
} from './aws/PodIdentityGateway';
import {
  PodTemplateGateway,
  S3PodTemplateGateway,
} from './aws/PodTemplateGateway';
import { AwsRunLogGateway, RunLogGateway } from './aws/RunLogGateway';
import { EmrSparkUiGateway, SparkUiGateway } from './aws/SparkUiGateway';
import {
  EmrVirtualClusterGateway,
  VirtualClusterGateway,
} from './aws/VirtualClusterGateway';
import { DirectKubernetesGateway } from './kubernetes/DirectKubernetesGateway';
import { eksToken } from './kubernetes/eksToken';
import { DirectoryKubernetesGateway } from './kubernetes/DirectoryKubernetesGateway';
import { GitRepositoryKubernetesGateway } from './kubernetes/GitRepositoryKubernetesGateway';
import type { KubernetesGateway } from './kubernetes/KubernetesGateway';

/** Every side-effecting dependency of one cluster's reconcile steps. */
export interface ClusterGateways {
  kubernetes: KubernetesGateway;
  iamRoles: IamRoleGateway;
  /** EKS Pod Identity associations (Pod Identity clusters only). */
  podIdentity: PodIdentityGateway;
  podTemplates: PodTemplateGateway;
  logGroups: LogGroupGateway;
  virtualClusters: VirtualClusterGateway;
  jobRuns: JobRunGateway;
  /** The logs EMR wrote for the runs (S3 and CloudWatch Logs). */
  runLogs: RunLogGateway;
  /** The runs' Spark UIs (EMR persistent application UIs). */
  sparkUi: SparkUiGateway;
  /** What the cluster preflight reads from the cluster's account (reads only). */
  inspection: ClusterInspectionGateway;
  /** Account of the AWS credentials in use. */
  accountId(): Promise<string>;
  /**
   * Account and ARN of the AWS credentials in use: the assumed role's
   * session with `aws.roleArn`. Throws an `AssumeRoleError` (naming the
   * cluster and the role) when the role cannot be assumed.
   */
  identity(): Promise<CallerIdentity>;
  /**
   * The cluster's own AWS credentials (its assumed role, one cached session)
   * for clients built elsewhere (the events queue); undefined when the
   * cluster uses the backend's default credentials.
   */
  awsCredentials?: AwsCredentialIdentityProvider;
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
  const clients = createAwsClients(cluster, settings.aws, {
    connectMs: settings.aws.connectTimeoutSeconds * 1000,
    requestMs: settings.aws.requestTimeoutSeconds * 1000,
  });
  // One assumed-role session (when the cluster has a role) for every client.
  const credentials = clusterCredentials(cluster, clients);
  const sparkUi = EmrSparkUiGateway.create({
    cluster,
    aws: settings.aws,
    credentials,
    timeouts: {
      connectMs: settings.aws.connectTimeoutSeconds * 1000,
      requestMs: settings.aws.requestTimeoutSeconds * 1000,
    },
  });
  const kubernetesSettings = cluster.kubernetes;
  let kubernetes: KubernetesGateway;
  if (kubernetesSettings.mode === 'gitops') {
    kubernetes =
      'repository' in kubernetesSettings
        ? GitRepositoryKubernetesGateway.create({
            repository: kubernetesSettings.repository,
            logger: logger.child({ cluster: cluster.name }),
          })
        : DirectoryKubernetesGateway.create({
            directory: kubernetesSettings.directory,
          });
  } else {
    kubernetes = DirectKubernetesGateway.create({
      settings: kubernetesSettings,
      requestTimeoutMs: kubernetesSettings.requestTimeoutSeconds * 1000,
      clusterName: cluster.name,
      logger: logger.child({ cluster: cluster.name }),
      tokenProvider:
        kubernetesSettings.authProvider === 'aws'
          ? () =>
              eksToken({
                clusterName: cluster.eksClusterName,
                region: cluster.region,
                // Signed as the cluster's assumed role when it has one: EKS
                // maps that role (an access entry) to a Kubernetes user.
                credentials: clients.sts.config.credentials,
              })
          : undefined,
    });
  }
  return {
    kubernetes,
    iamRoles: new AwsIamRoleGateway(clients.iam),
    podIdentity: new EksPodIdentityGateway(clients.eks, clients.iam),
    podTemplates: new S3PodTemplateGateway(clients.s3),
    logGroups: new CloudWatchLogGroupGateway(clients.logs),
    virtualClusters: new EmrVirtualClusterGateway(clients.emr),
    jobRuns: new EmrJobRunGateway(clients.emr),
    runLogs: new AwsRunLogGateway(clients.s3, clients.logs),
    sparkUi,
    inspection: new AwsClusterInspectionGateway(clients),
    accountId: async () => (await callerIdentity(clients.sts)).accountId,
    identity: () => callerIdentity(clients.sts),
    awsCredentials: credentials,
    dispose: () => {
      Object.values(clients).forEach(client => client.destroy());
      sparkUi.dispose();
    },
  };
}

/**
 * One set of gateways per cluster, built on first use and shared by the
 * services, so each cluster has one set of AWS connections.
 */
export class ClusterGatewayRegistry {
  private readonly byCluster = new Map<string, ClusterGateways>();

  constructor(
    private readonly build: (cluster: ClusterSettings) => ClusterGateways,
  ) {}

  get(cluster: ClusterSettings): ClusterGateways {
    let gateways = this.byCluster.get(cluster.name);
    if (!gateways) {
      gateways = this.build(cluster);
      this.byCluster.set(cluster.name, gateways);
    }
    return gateways;
  }

  /** Closes every cluster's connections (at shutdown). */
  disposeAll(): void {
    for (const gateways of this.byCluster.values()) {
      gateways.dispose();
    }
    this.byCluster.clear();
  }
}
