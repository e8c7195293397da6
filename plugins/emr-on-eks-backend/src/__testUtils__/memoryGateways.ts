import type { StartJobRunCommandInput } from '@aws-sdk/client-emr-containers';
import type { ClusterBootstrapFile } from '@spot-spark/plugin-emr-on-eks-common';
import {
  EMR_JOB_ACCESS_POLICY,
  type ClusterKubernetesState,
} from '../domain/clusters/preflight';
import type {
  AwsClusterFacts,
  ClusterInspectionGateway,
} from '../gateways/aws/ClusterInspectionGateway';
import type { KubernetesObject } from '../domain/kubernetes';
import { assetsKeyPrefix } from '../domain/names';
import type { TenantPlan } from '../domain/plan';
import type { ClusterGateways } from '../gateways/ClusterGateways';
import type { IamRoleGateway } from '../gateways/aws/IamRoleGateway';
import type { EmrJobRun, JobRunGateway } from '../gateways/aws/JobRunGateway';
import type { LogGroupGateway } from '../gateways/aws/LogGroupGateway';
import type { PodIdentityGateway } from '../gateways/aws/PodIdentityGateway';
import type { PodTemplateGateway } from '../gateways/aws/PodTemplateGateway';
import type { SparkUiGateway } from '../gateways/aws/SparkUiGateway';
import type { VirtualClusterGateway } from '../gateways/aws/VirtualClusterGateway';
import { VirtualClusterGoneError } from '../gateways/errors';
import type { KubernetesGateway } from '../gateways/kubernetes/KubernetesGateway';
import { TEST_ACCOUNT_ID, TEST_OIDC_ISSUER } from './fixtures';
import { MemoryRunLogs } from './memoryRunLogs';

/**
 * One cluster's world kept in memory: what the gateways hold, and every call
 * they received (`calls`, as `gateway.method`). The fast test tier runs the
 * real plugin, routes, services and permission framework on these instead of
 * moto and a Kubernetes API server; it checks what reached "the cloud", not
 * how the SDK spoke to it (the moto suites do that).
 */
export class MemoryCluster implements ClusterGateways {
  readonly calls: string[] = [];
  readonly kubernetesObjects = new Map<string, KubernetesObject[]>();
  readonly roles = new Set<string>();
  readonly podTemplateKeys = new Set<string>();
  readonly logGroupNames = new Set<string>();
  /** Virtual cluster id to namespace. */
  readonly virtualClusterNamespaces = new Map<string, string>();
  readonly runs = new Map<string, EmrJobRun>();
  readonly started: StartJobRunCommandInput[] = [];
  /** Calls (`gateway.method`) that throw instead of answering. */
  readonly failing = new Set<string>();
  private nextId = 0;

  readonly kubernetes: KubernetesGateway = {
    applyClusterObjects: async objects => {
      this.record('kubernetes.applyClusterObjects');
      return objects.length > 0 && !this.kubernetesObjects.has('')
        ? (this.kubernetesObjects.set('', objects), ['applied cluster objects'])
        : [];
    },
    applyTenantObjects: async (tenant, objects) => {
      this.record('kubernetes.applyTenantObjects');
      const before = JSON.stringify(this.kubernetesObjects.get(tenant));
      this.kubernetesObjects.set(tenant, objects);
      return before === JSON.stringify(objects) ? [] : [`applied ${tenant}`];
    },
    deleteTenantObjects: async tenant => {
      this.record('kubernetes.deleteTenantObjects');
      return this.kubernetesObjects.delete(tenant) ? [`deleted ${tenant}`] : [];
    },
    readClusterState: async () => {
      this.record('kubernetes.readClusterState');
      return structuredClone(this.clusterState);
    },
    writeClusterBundle: async files => {
      this.record('kubernetes.writeClusterBundle');
      const before = JSON.stringify(this.bundleFiles);
      this.bundleFiles = files;
      return {
        writtenTo: 'bootstrap/',
        changes: before === JSON.stringify(files) ? [] : ['wrote bootstrap/'],
      };
    },
  };

  /**
   * What the cluster's Kubernetes side holds for the preflight: by default a
   * cluster ready for the test config's tenants (see readyClusterState).
   */
  clusterState: ClusterKubernetesState = readyClusterState();
  /** The bootstrap bundle last written (GitOps modes). */
  bundleFiles?: ClusterBootstrapFile[];

  /**
   * What the preflight finds in the cluster's account (the identity comes
   * from `identity()`): by default everything in place (see readyAwsFacts).
   */
  awsFacts: Omit<AwsClusterFacts, 'identity'> = readyAwsFacts();

  readonly inspection: ClusterInspectionGateway = {
    inspect: async (_cluster, identity) => {
      this.record('inspection.inspect');
      let who: AwsClusterFacts['identity'];
      try {
        who = { value: await identity() };
      } catch (error) {
        return { identity: { error: (error as Error).message } };
      }
      return { ...structuredClone(this.awsFacts), identity: who };
    },
  };

  readonly iamRoles: IamRoleGateway = {
    ensureRole: async plan =>
      this.ensure('iamRoles.ensureRole', this.roles, plan.iam.roleName),
    deleteRole: async plan =>
      this.remove('iamRoles.deleteRole', this.roles, plan.iam.roleName),
  };

  /** EKS Pod Identity associations held, as `cluster/namespace/serviceAccount`. */
  readonly podIdentityAssociations = new Set<string>();

  readonly podIdentity: PodIdentityGateway = {
    ensureAssociations: async plan => {
      this.record('podIdentity.ensureAssociations');
      return plan.podIdentity.associations.flatMap(a => {
        const key = `${a.clusterName}/${a.namespace}/${a.serviceAccount}`;
        return this.podIdentityAssociations.has(key)
          ? []
          : (this.podIdentityAssociations.add(key), [`associated ${key}`]);
      });
    },
    deleteAssociations: async plan => {
      this.record('podIdentity.deleteAssociations');
      return plan.podIdentity.associations.flatMap(a => {
        const key = `${a.clusterName}/${a.namespace}/${a.serviceAccount}`;
        return this.podIdentityAssociations.delete(key)
          ? [`deleted association ${key}`]
          : [];
      });
    },
    // No trust policies here to say a tenant had associations: the switch
    // back to IRSA is tested on moto (podIdentitySwitchBack.moto.test.ts).
    deleteFormerAssociations: async () => [],
  };

  readonly podTemplates: PodTemplateGateway = {
    ensureFiles: async plan =>
      plan.podTemplates.files.flatMap(file =>
        this.ensure('podTemplates.ensureFiles', this.podTemplateKeys, file.key),
      ),
    // Like the S3 gateway: everything under tenants/<name>/ goes.
    deleteFiles: async plan => {
      this.record('podTemplates.deleteFiles');
      const prefix = assetsKeyPrefix({ name: plan.tenant, uid: plan.uid });
      const keys = [...this.podTemplateKeys].filter(key =>
        key.startsWith(prefix),
      );
      keys.forEach(key => this.podTemplateKeys.delete(key));
      return keys.map(key => `deleted ${key}`);
    },
  };

  readonly logGroups: LogGroupGateway = {
    ensureLogGroup: async plan =>
      this.ensure(
        'logGroups.ensureLogGroup',
        this.logGroupNames,
        plan.logGroup.name,
      ),
    deleteLogGroup: async plan =>
      this.remove(
        'logGroups.deleteLogGroup',
        this.logGroupNames,
        plan.logGroup.name,
      ),
  };

  readonly virtualClusters: VirtualClusterGateway = {
    ensureVirtualCluster: async (plan: TenantPlan, knownId) => {
      this.record('virtualClusters.ensureVirtualCluster');
      const namespace = plan.virtualCluster.namespace;
      if (knownId && this.virtualClusterNamespaces.get(knownId) === namespace) {
        return { id: knownId, changes: [] };
      }
      const id = `vc${String(++this.nextId).padStart(23, '0')}`;
      this.virtualClusterNamespaces.set(id, namespace);
      return { id, changes: [`created virtual cluster ${id}`] };
    },
    deleteVirtualCluster: async (_plan, knownId) => {
      this.record('virtualClusters.deleteVirtualCluster');
      return knownId && this.virtualClusterNamespaces.delete(knownId)
        ? [`deleted virtual cluster ${knownId}`]
        : [];
    },
  };

  readonly jobRuns: JobRunGateway = {
    start: async input => {
      this.record('jobRuns.start');
      this.started.push(input);
      const id = `job${String(++this.nextId).padStart(16, '0')}`;
      const run: EmrJobRun = {
        id,
        virtualClusterId: this.liveCluster(input.virtualClusterId!),
        name: input.name!,
        state: 'PENDING',
        releaseLabel: input.releaseLabel,
        createdAt: new Date(),
        tags: input.tags ?? {},
      };
      this.runs.set(id, run);
      return {
        id,
        arn: `arn:aws:emr-containers:us-east-1:${TEST_ACCOUNT_ID}:/virtualclusters/${run.virtualClusterId}/jobruns/${id}`,
      };
    },
    describe: async (virtualClusterId, id) => {
      this.record('jobRuns.describe');
      this.liveCluster(virtualClusterId);
      return this.runs.get(id);
    },
    list: async function* list(
      this: MemoryCluster,
      virtualClusterId: string,
      createdAfter: Date,
    ) {
      this.record('jobRuns.list');
      this.liveCluster(virtualClusterId);
      yield [...this.runs.values()].filter(
        run =>
          run.virtualClusterId === virtualClusterId &&
          run.createdAt >= createdAfter,
      );
    }.bind(this),
    cancel: async (virtualClusterId, id) => {
      this.record('jobRuns.cancel');
      this.liveCluster(virtualClusterId);
      const run = this.runs.get(id);
      if (run) {
        this.runs.set(id, {
          ...run,
          state: 'CANCELLED',
          finishedAt: new Date(),
        });
      }
    },
  };

  readonly runLogs = new MemoryRunLogs();

  /** Persistent app UIs by id: what each was made for, and describes left to answer CREATING. */
  readonly sparkUis = new Map<
    string,
    { virtualClusterArn: string; jobRunId: string; creating: number }
  >();
  /** How many describes a new persistent app UI answers CREATING before ATTACHED. */
  sparkUiCreatingDescribes = 0;

  readonly sparkUi: SparkUiGateway = {
    createForJobRun: async target => {
      this.record('sparkUi.createForJobRun');
      const id = `p-${String(++this.nextId).padStart(12, '0')}`;
      this.sparkUis.set(id, {
        ...target,
        creating: this.sparkUiCreatingDescribes,
      });
      return id;
    },
    status: async id => {
      this.record('sparkUi.status');
      const ui = this.sparkUis.get(id);
      if (!ui) {
        return undefined;
      }
      if (ui.creating > 0) {
        ui.creating -= 1;
        return 'CREATING';
      }
      return 'ATTACHED';
    },
    presignedUrl: async id => {
      this.record('sparkUi.presignedUrl');
      return this.sparkUis.get(id)?.creating === 0
        ? { ready: true, url: `https://${id}.emrappui.example/shs/` }
        : { ready: false };
    },
  };

  async accountId() {
    return TEST_ACCOUNT_ID;
  }

  async identity() {
    return {
      accountId: TEST_ACCOUNT_ID,
      arn: `arn:aws:sts::${TEST_ACCOUNT_ID}:assumed-role/backstage/test`,
    };
  }

  dispose() {}

  /** Calls that wrote something or would have (everything but reads). */
  get writeCalls(): string[] {
    return this.calls.filter(
      call =>
        !call.endsWith('.describe') &&
        !call.endsWith('.list') &&
        // The cluster preflight's reads.
        call !== 'inspection.inspect' &&
        call !== 'kubernetes.readClusterState',
    );
  }

  private record(call: string) {
    this.calls.push(call);
    if (this.failing.has(call)) {
      throw new Error(`${call} is failing (test)`);
    }
  }

  private ensure(call: string, held: Set<string>, key: string): string[] {
    this.record(call);
    if (held.has(key)) {
      return [];
    }
    held.add(key);
    return [`created ${key}`];
  }

  private remove(call: string, held: Set<string>, key: string): string[] {
    this.record(call);
    return held.delete(key) ? [`deleted ${key}`] : [];
  }

  private liveCluster(id: string): string {
    if (!this.virtualClusterNamespaces.has(id)) {
      throw new VirtualClusterGoneError(id);
    }
    return id;
  }
}

/**
 * A Kubernetes side ready for the test config (capacity label
 * eks.amazonaws.com/capacityType): a Spot and an On-Demand node, the jobs'
 * storage class gp3 and every tier's priority classes; EMR mapped in aws-auth.
 */
export function readyClusterState(): ClusterKubernetesState {
  return {
    nodePools: [],
    nodes: [
      {
        name: 'ip-10-0-0-1',
        labels: { 'eks.amazonaws.com/capacityType': 'SPOT' },
      },
      {
        name: 'ip-10-0-0-2',
        labels: { 'eks.amazonaws.com/capacityType': 'ON_DEMAND' },
      },
    ],
    storageClasses: ['gp3'],
    priorityClasses: ['low', 'standard', 'high'].flatMap(tier => [
      `emr-on-eks-${tier}-driver`,
      `emr-on-eks-${tier}-executor`,
    ]),
    awsAuthMapsEmr: true,
  };
}

/** An account where every AWS fact the preflight reads is in place. */
export function readyAwsFacts(): Omit<AwsClusterFacts, 'identity'> {
  return {
    eksCluster: {
      value: {
        status: 'ACTIVE',
        oidcIssuer: `https://${TEST_OIDC_ISSUER}`,
        authenticationMode: 'API_AND_CONFIG_MAP',
      },
    },
    podIdentityAgent: { value: { status: 'ACTIVE' } },
    oidcProvider: {
      value: {
        arn: `arn:aws:iam::${TEST_ACCOUNT_ID}:oidc-provider/${TEST_OIDC_ISSUER}`,
        audiences: ['sts.amazonaws.com'],
      },
    },
    serviceLinkedRole: { value: true },
    emrAccessEntry: {
      value: { policies: [EMR_JOB_ACCESS_POLICY], namespaces: [] },
    },
    assetsBucket: {
      value: {
        publicAccessBlock: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
      },
    },
  };
}
