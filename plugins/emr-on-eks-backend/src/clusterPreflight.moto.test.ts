import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  DeleteOpenIDConnectProviderCommand,
  DeleteRoleCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  DeletePublicAccessBlockCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockServices } from '@backstage/backend-test-utils';
import type {
  ClusterCheckId,
  ClusterPreflight,
} from '@spot-spark/plugin-emr-on-eks-common';
import { promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  TEST_ACCOUNT_ID,
  TEST_OIDC_ISSUER,
  testSettings,
} from './__testUtils__/fixtures';
import {
  FakeKubernetesApi,
  startFakeKubernetesApi,
} from './__testUtils__/fakeKubernetesApi';
import {
  MotoServer,
  startMoto,
  useMotoCredentials,
} from './__testUtils__/moto';
// @ts-ignore: plain ESM with checked JSDoc types, no declaration file.
import { listen } from './__testUtils__/emrEmulator/server.mjs';
import {
  clusterFactsOperations,
  createClusterFactsState,
  createEksRequestHandler,
  describeClusterOperations,
  passThroughTo,
  // @ts-ignore: plain ESM with checked JSDoc types, no declaration file.
} from './__testUtils__/eksEmulator/index.mjs';
import type { EmrOnEksSettings } from './config';
import {
  EMR_JOB_ACCESS_POLICY,
  EMR_SERVICE_LINKED_ROLE,
  emrServiceLinkedRoleArn,
} from './domain/clusters/preflight';
import { clusterPriorityClasses } from './domain/kubernetes';
import { toYaml } from './domain/podTemplates';
import { createClusterGateways } from './gateways/ClusterGateways';
import { ClusterService } from './services/clusters/ClusterService';

/*
 * The cluster preflight end to end: the real gateways over the wire to moto
 * (STS, IAM, S3) and the scripted EKS stand-in in front of it (DescribeCluster
 * with its access config, add-ons, access entries), the Kubernetes side read
 * from a GitOps directory; each check made to fail once, with its advice.
 */

jest.setTimeout(60_000);

const BUCKET = 'shared-data-emr-assets';
const CLUSTER = 'shared-data';

let moto: MotoServer;
let kube: FakeKubernetesApi;
let server: { endpoint: string; stop(): Promise<void> };
let state: any;
let iam: IAMClient;
let s3: S3Client;
let directory: string;
const eksOperations: string[] = [];

beforeAll(async () => {
  useMotoCredentials();
  moto = await startMoto();
  kube = await startFakeKubernetesApi();
  state = createClusterFactsState();
  const toMoto = passThroughTo(moto.endpoint);
  server = await listen(
    createEksRequestHandler({
      operations: [
        ...clusterFactsOperations(state),
        ...describeClusterOperations(state),
      ],
      passThrough: (req: IncomingMessage, res: ServerResponse) =>
        toMoto(req, res),
      observe: (call: { operation: string }) =>
        eksOperations.push(call.operation),
    }),
  );
  const common = { region: 'us-east-1', endpoint: moto.endpoint };
  iam = new IAMClient(common);
  s3 = new S3Client({ ...common, forcePathStyle: true });
});

afterAll(async () => {
  iam?.destroy();
  s3?.destroy();
  await server?.stop();
  await kube?.stop();
  await moto?.stop();
});

/** A cluster made ready for Spot Spark, in moto, the stand-in and the directory. */
beforeEach(async () => {
  await moto.reset();
  eksOperations.length = 0;
  state.clusters.clear();
  state.clusters.set(CLUSTER, {
    oidcIssuer: `https://${TEST_OIDC_ISSUER}`,
    authenticationMode: 'API_AND_CONFIG_MAP',
    addons: { 'eks-pod-identity-agent': 'ACTIVE' },
    accessEntries: {
      [emrServiceLinkedRoleArn(TEST_ACCOUNT_ID)]: [
        {
          policyArn: EMR_JOB_ACCESS_POLICY,
          accessScope: { type: 'namespace', namespaces: ['team-a'] },
        },
      ],
    },
  });
  await iam.send(
    new CreateOpenIDConnectProviderCommand({
      Url: `https://${TEST_OIDC_ISSUER}`,
      ClientIDList: ['sts.amazonaws.com'],
      ThumbprintList: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'],
    }),
  );
  await iam.send(
    new CreateRoleCommand({
      RoleName: EMR_SERVICE_LINKED_ROLE,
      Path: '/aws-service-role/emr-containers.amazonaws.com/',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'emr-containers.amazonaws.com' },
            Action: 'sts:AssumeRole',
          },
        ],
      }),
    }),
  );
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: BUCKET,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    }),
  );
  directory = await fs.mkdtemp(path.join(os.tmpdir(), 'emr-preflight-'));
  await fs.mkdir(path.join(directory, 'platform'));
  await fs.writeFile(
    path.join(directory, 'platform', 'cluster.yaml'),
    [
      nodePool('spot-executors', 'SPOT', 'spot'),
      nodePool('on-demand-drivers', 'ON_DEMAND', 'on-demand'),
      {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: 'gp3' },
        provisioner: 'ebs.csi.aws.com',
      },
      ...clusterPriorityClasses(),
    ]
      .map(object => toYaml(object))
      .join('---\n'),
  );
});

/** A NodePool whose nodes carry the test config's capacity label. */
function nodePool(name: string, label: string, capacity: string) {
  return {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name },
    spec: {
      template: {
        metadata: { labels: { 'eks.amazonaws.com/capacityType': label } },
        spec: {
          nodeClassRef: {
            group: 'karpenter.k8s.aws',
            kind: 'EC2NodeClass',
            name: 'default',
          },
          requirements: [
            {
              key: 'karpenter.sh/capacity-type',
              operator: 'In',
              values: [capacity],
            },
          ],
        },
      },
    },
  };
}

function settingsFor(
  patch: { accountId?: string; identity?: 'irsa' | 'podIdentity' } = {},
): EmrOnEksSettings {
  const settings = testSettings({
    endpoint: server.endpoint,
    kubernetes: { mode: 'gitops', directory },
  });
  settings.clusters[0] = { ...settings.clusters[0], ...patch };
  return settings;
}

async function preflight(
  settings: EmrOnEksSettings = settingsFor(),
): Promise<ClusterPreflight> {
  const gateways = createClusterGateways({
    cluster: settings.clusters[0],
    settings,
    logger: mockServices.logger.mock(),
  });
  try {
    const service = ClusterService.create({
      settings,
      gatewaysFor: () => gateways,
      logger: mockServices.logger.mock(),
    });
    const [result] = await service.listClusters();
    return result;
  } finally {
    gateways.dispose();
  }
}

const check = (result: ClusterPreflight, id: ClusterCheckId) =>
  result.checks.find(c => c.id === id)!;

it('passes every check of a ready cluster, reading each fact from AWS', async () => {
  const result = await preflight();
  expect(
    result.checks.filter(c => c.status !== 'pass').map(c => [c.id, c.detail]),
  ).toEqual([]);
  expect(result.ready).toBe(true);
  expect(check(result, 'emr-cluster-access').detail).toContain('in team-a');
  expect(eksOperations.sort()).toEqual(
    [
      'DescribeCluster',
      'ListAccessEntries',
      'ListAssociatedAccessPolicies',
    ].sort(),
  );
});

it('reads the Pod Identity agent add-on for a Pod Identity cluster', async () => {
  const result = await preflight(settingsFor({ identity: 'podIdentity' }));
  expect(check(result, 'identity')).toMatchObject({
    status: 'pass',
    detail: 'The eks-pod-identity-agent add-on is ACTIVE.',
  });
  expect(eksOperations).toEqual(
    expect.arrayContaining(['ListAddons', 'DescribeAddon']),
  );
  expect(check(result, 'oidc-provider').status).toBe('skipped');
});

const failures: Array<{
  check: ClusterCheckId;
  because: string;
  settings?: () => EmrOnEksSettings;
  breaks?: () => Promise<void>;
  advice: RegExp;
}> = [
  {
    check: 'credentials',
    because: 'the credentials are of another account',
    settings: () => settingsFor({ accountId: '210987654321' }),
    advice: /aws\.roleArn of cluster shared to a role in account 210987654321/,
  },
  {
    check: 'eks-cluster',
    because: 'EKS has no such cluster',
    breaks: async () => {
      state.clusters.delete(CLUSTER);
    },
    advice: /aws eks list-clusters --region us-east-1/,
  },
  {
    check: 'identity',
    because: 'the OIDC issuer is another',
    breaks: async () => {
      state.clusters.get(CLUSTER).oidcIssuer =
        'https://oidc.eks.us-east-1.amazonaws.com/id/ANOTHER';
    },
    advice:
      /Set oidcIssuer of cluster shared to https:\/\/oidc\.eks\.us-east-1\.amazonaws\.com\/id\/ANOTHER/,
  },
  {
    check: 'identity',
    because: 'the Pod Identity agent is not installed',
    settings: () => settingsFor({ identity: 'podIdentity' }),
    breaks: async () => {
      state.clusters.get(CLUSTER).addons = {};
    },
    advice:
      /aws eks create-addon --cluster-name shared-data --addon-name eks-pod-identity-agent/,
  },
  {
    check: 'oidc-provider',
    because: 'IAM has no OIDC provider for the issuer',
    breaks: async () => {
      await iam.send(
        new DeleteOpenIDConnectProviderCommand({
          OpenIDConnectProviderArn: `arn:aws:iam::${TEST_ACCOUNT_ID}:oidc-provider/${TEST_OIDC_ISSUER}`,
        }),
      );
    },
    advice: /eksctl utils associate-iam-oidc-provider --cluster shared-data/,
  },
  {
    check: 'oidc-provider',
    because: 'the OIDC provider does not accept the STS audience',
    breaks: async () => {
      // Made for another audience (moto has no AddClientID / RemoveClientID).
      await iam.send(
        new DeleteOpenIDConnectProviderCommand({
          OpenIDConnectProviderArn: `arn:aws:iam::${TEST_ACCOUNT_ID}:oidc-provider/${TEST_OIDC_ISSUER}`,
        }),
      );
      await iam.send(
        new CreateOpenIDConnectProviderCommand({
          Url: `https://${TEST_OIDC_ISSUER}`,
          ClientIDList: ['example.com'],
          ThumbprintList: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'],
        }),
      );
    },
    advice:
      /aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn \S+ --client-id sts\.amazonaws\.com/,
  },
  {
    check: 'emr-service-linked-role',
    because: "EMR's service-linked role is missing",
    breaks: async () => {
      await iam.send(
        new DeleteRoleCommand({ RoleName: EMR_SERVICE_LINKED_ROLE }),
      );
    },
    advice:
      /aws iam create-service-linked-role --aws-service-name emr-containers\.amazonaws\.com/,
  },
  {
    check: 'emr-cluster-access',
    because: 'EMR has no access entry',
    breaks: async () => {
      state.clusters.get(CLUSTER).accessEntries = {};
    },
    advice: /aws eks create-access-entry --cluster-name shared-data/,
  },
  {
    check: 'assets-bucket',
    because: 'the bucket has no public-access block',
    breaks: async () => {
      await s3.send(new DeletePublicAccessBlockCommand({ Bucket: BUCKET }));
    },
    advice:
      /aws s3api put-public-access-block --bucket shared-data-emr-assets --public-access-block-configuration BlockPublicAcls=true/,
  },
];

it.each(failures)(
  'fails $check when $because, with its advice',
  async ({ check: id, settings, breaks, advice }) => {
    await breaks?.();
    const result = await preflight(settings?.());
    expect(check(result, id)).toMatchObject({
      status: 'fail',
      advice: expect.stringMatching(advice),
    });
    expect(result.ready).toBe(false);
  },
);

it('warns in GitOps mode when the output declares no node pools or storage class', async () => {
  await fs.rm(path.join(directory, 'platform'), { recursive: true });
  const result = await preflight();
  expect(check(result, 'node-pools')).toMatchObject({
    status: 'warn',
    advice: expect.stringContaining('kubectl apply -k shared-bootstrap/'),
  });
  expect(check(result, 'storage-class').status).toBe('warn');
  expect(check(result, 'priority-classes').status).toBe('warn');
});

describe('in direct mode, reading the live cluster', () => {
  function directSettings(): EmrOnEksSettings {
    return testSettings({
      endpoint: server.endpoint,
      kubernetes: {
        mode: 'direct',
        url: kube.url,
        caData: kube.caData,
        token: 'test-token',
      },
    });
  }

  beforeEach(() => {
    kube.objects.clear();
    kube.clear();
    kube.put('/api/v1/nodes/spot-1', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: 'spot-1',
        labels: { 'eks.amazonaws.com/capacityType': 'SPOT' },
      },
    });
  });

  it('fails node-pools without On-Demand capacity, and storage-class without gp3, with their advice', async () => {
    const result = await preflight(directSettings());
    expect(check(result, 'node-pools')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining(
        'Nothing can run Spark drivers and job submitters on On-Demand',
      ),
      advice: expect.stringContaining('kubectl apply -k shared-bootstrap/'),
    });
    expect(check(result, 'storage-class')).toMatchObject({
      status: 'fail',
      advice: expect.stringContaining('provisioner: ebs.csi.aws.com'),
    });
    // Reads only.
    expect(kube.requests.every(r => r.method === 'GET')).toBe(true);
  });

  it('passes them once an On-Demand node and the storage class exist', async () => {
    kube.put('/api/v1/nodes/od-1', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: 'od-1',
        labels: { 'eks.amazonaws.com/capacityType': 'ON_DEMAND' },
      },
    });
    kube.put('/apis/storage.k8s.io/v1/storageclasses/gp3', {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'gp3' },
    });
    const result = await preflight(directSettings());
    expect(check(result, 'node-pools')).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining('node od-1'),
    });
    expect(check(result, 'storage-class').status).toBe('pass');
  });
});
