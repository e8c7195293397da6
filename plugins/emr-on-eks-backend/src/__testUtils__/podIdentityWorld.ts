import {
  DescribePodIdentityAssociationCommand,
  EKSClient,
  paginateListPodIdentityAssociations,
  PodIdentityAssociation,
} from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';
import { mockServices } from '@backstage/backend-test-utils';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { base36 } from '../domain/base36';
import { buildTenantPlan, TenantPlan } from '../domain/plan';
import { TENANT_UID_TAG } from '../domain/podIdentity';
import {
  ClusterGateways,
  createClusterGateways,
} from '../gateways/ClusterGateways';
import { RECONCILE_STEP_LIST } from '../services/reconcile/steps';
import {
  identified,
  spec,
  TEST_ACCOUNT_ID,
  TEST_UID,
  testSettings,
} from './fixtures';
import { MotoServer, startMoto, useMotoCredentials } from './moto';
// @ts-ignore: plain ESM with checked JSDoc types, no declaration file.
import { listen } from './emrEmulator/server.mjs';
import {
  createEksRequestHandler,
  passThroughTo,
  // @ts-ignore: plain ESM with checked JSDoc types, no declaration file.
} from './eksEmulator/index.mjs';
import {
  addCluster,
  createPodIdentityState,
  podIdentityOperations,
  // @ts-ignore: plain ESM with checked JSDoc types, no declaration file.
} from './eksEmulator/podIdentity.mjs';
// @ts-ignore: plain ESM with checked JSDoc types, no declaration file.
import { signedFor } from './emrEmulator/wire.mjs';

/*
 * The world of the EKS Pod Identity tests: IAM on moto, the EKS Pod Identity
 * API on the scripted EKS stand-in in front of it (moto lacks it), every
 * request recorded as it went over the wire, and team-a's plan and the real
 * gateways and reconcile steps for a cluster on IRSA or Pod Identity.
 */

export const REGION = 'us-east-1';
export const CLUSTER = 'shared-data';
export const ROLE_NAME = 'emr-tenant-team-a';
export const ROLE_ARN = `arn:aws:iam::${TEST_ACCOUNT_ID}:role/${ROLE_NAME}`;
/** team-a's EMR service accounts: client, driver, executor. */
export const SERVICE_ACCOUNTS = ['client', 'driver', 'executor'].map(
  component =>
    `emr-containers-sa-spark-${component}-${TEST_ACCOUNT_ID}-${base36(
      ROLE_NAME,
    )}`,
);
/** The tags this plugin puts on team-a's associations. */
export const OUR_TAGS = {
  'app.kubernetes.io/managed-by': 'backstage-emr-on-eks',
  'emr-on-eks.spot-spark.io/tenant': 'team-a',
  [TENANT_UID_TAG]: TEST_UID,
};

export type Identity = 'irsa' | 'podIdentity';

/** An EKS request as it reached the stand-in. */
export interface EksCall {
  service: 'eks';
  operation: string;
  method: string;
  path: string;
  query: Record<string, string>;
  body: any;
}

/** One request as it reached the stand-in: EKS ones in full, others by service. */
export type SeenCall = EksCall | { service: string };

export interface PodIdentityWorld {
  moto: MotoServer;
  /** The stand-in's endpoint: EKS Pod Identity there, the rest passed to moto. */
  endpoint: string;
  /** The stand-in's state (associations, clusters, pageSize), fresh per test. */
  state: any;
  /** Requests since the test began (tests empty it to look at a later part). */
  seen: SeenCall[];
  eksCalls(): EksCall[];
  /** Clients on the stand-in, with moto's test credentials; new per test. */
  eks: EKSClient;
  iam: IAMClient;
  /** The gateways of the last `configure`. */
  readonly gateways: ClusterGateways;
  /**
   * The cluster's configuration now says `identity`: fresh gateways for it
   * (the previous ones disposed), and team-a's plan there.
   */
  configure(identity: Identity): TenantPlan;
  planFor(identity: Identity, uid?: string, tenant?: string): TenantPlan;
  /** A reconcile pass's IAM and Pod Identity steps, in order: their changes. */
  reconcile(plan: TenantPlan): Promise<string[]>;
  /** Offboarding's Pod Identity and IAM steps, in reverse order: their changes. */
  offboard(plan: TenantPlan): Promise<string[]>;
  /** Every association on CLUSTER, described in full. */
  associations(): Promise<PodIdentityAssociation[]>;
}

/** The reconcile step called `name`. */
export const step = (name: string) =>
  RECONCILE_STEP_LIST.find(s => s.name === name)!;

/**
 * Starts moto and the EKS stand-in for the test file (beforeAll), gives each
 * test a reset world with CLUSTER in the stand-in (beforeEach), and stops it
 * all afterwards.
 */
export function usePodIdentityWorld(): PodIdentityWorld {
  let server: { endpoint: string; stop(): Promise<void> };
  let current: ClusterGateways | undefined;

  const run = async (
    gateways: ClusterGateways,
    plan: TenantPlan,
    names: string[],
    how: 'apply' | 'remove',
  ) => {
    const changes: string[] = [];
    for (const name of names) {
      const context = {
        plan,
        gateways,
        outputs: {},
        clientToken: 'token',
      };
      changes.push(
        ...(how === 'apply'
          ? (await step(name).apply(context)).changes
          : await step(name).remove(context)),
      );
    }
    return changes;
  };

  const world: PodIdentityWorld = {
    seen: [] as SeenCall[],
    eksCalls: () =>
      world.seen.filter((call): call is EksCall => call.service === 'eks'),
    get gateways() {
      if (!current) {
        throw new Error('call configure() first');
      }
      return current;
    },
    configure(identity) {
      current?.dispose();
      const settings = testSettings({ endpoint: world.endpoint });
      current = createClusterGateways({
        cluster: { ...settings.clusters[0], identity },
        settings,
        logger: mockServices.logger.mock(),
      });
      return world.planFor(identity);
    },
    planFor: (identity, uid = TEST_UID, tenant = 'team-a') =>
      buildTenantPlan(
        identified(spec({ name: tenant, namespace: tenant }), uid),
        { ...testSettings().clusters[0], identity },
        testSettings(),
      ),
    reconcile: plan =>
      run(world.gateways, plan, ['iam-role', 'pod-identity'], 'apply'),
    offboard: plan =>
      run(world.gateways, plan, ['pod-identity', 'iam-role'], 'remove'),
    async associations() {
      const found: PodIdentityAssociation[] = [];
      for await (const page of paginateListPodIdentityAssociations(
        { client: world.eks },
        { clusterName: CLUSTER },
      )) {
        for (const summary of page.associations ?? []) {
          const { association } = await world.eks.send(
            new DescribePodIdentityAssociationCommand({
              clusterName: CLUSTER,
              associationId: summary.associationId,
            }),
          );
          found.push(association!);
        }
      }
      return found;
    },
  } as PodIdentityWorld;

  beforeAll(async () => {
    useMotoCredentials();
    world.moto = await startMoto();
    world.state = createPodIdentityState({ motoEndpoint: world.moto.endpoint });
    const toMoto = passThroughTo(world.moto.endpoint);
    server = await listen(
      createEksRequestHandler({
        operations: podIdentityOperations(world.state),
        passThrough: (req: IncomingMessage, res: ServerResponse) => {
          // Anything else (IAM) goes to moto; an EKS request here would be
          // one the stand-in does not know, and is recorded as such.
          world.seen.push({ service: signedFor(req).service ?? 'unsigned' });
          toMoto(req, res);
        },
        observe: (call: any) =>
          world.seen.push({
            service: 'eks',
            operation: call.operation,
            method: call.method,
            path: call.path,
            query: Object.fromEntries(call.query),
            body: call.body,
          }),
      }),
    );
    world.endpoint = server.endpoint;
  });

  afterAll(async () => {
    await server?.stop();
    await world.moto?.stop();
  });

  beforeEach(async () => {
    await world.moto.reset();
    // One stand-in for the whole file: its state starts afresh per test.
    world.state.associations.length = 0;
    world.state.clusters.clear();
    world.state.pageSize = 100;
    addCluster(world.state, {
      account: TEST_ACCOUNT_ID,
      region: REGION,
      name: CLUSTER,
    });
    world.seen.length = 0;
    const common = {
      region: REGION,
      endpoint: world.endpoint,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    };
    world.eks = new EKSClient(common);
    world.iam = new IAMClient(common);
  });

  afterEach(() => {
    current?.dispose();
    current = undefined;
    world.eks.destroy();
    world.iam.destroy();
  });

  return world;
}
