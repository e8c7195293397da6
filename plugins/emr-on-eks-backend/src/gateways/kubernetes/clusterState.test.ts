import { mockServices } from '@backstage/backend-test-utils';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  FakeKubernetesApi,
  startFakeKubernetesApi,
} from '../../__testUtils__/fakeKubernetesApi';
import { toYaml } from '../../domain/podTemplates';
import { DirectKubernetesGateway } from './DirectKubernetesGateway';
import { DirectoryKubernetesGateway } from './DirectoryKubernetesGateway';
import { ClusterBundleNotWritableError } from './KubernetesGateway';

/*
 * What the cluster preflight reads from the Kubernetes side, and where the
 * bootstrap bundle goes: the live cluster's API in direct mode (a recording
 * stand-in of the API server here), the YAML of the output in GitOps mode.
 */

const AWS_AUTH = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'aws-auth', namespace: 'kube-system' },
  data: {
    mapRoles:
      '- rolearn: arn:aws:iam::123456789012:role/AWSServiceRoleForAmazonEMRContainers\n  username: emr-containers\n',
  },
};
const NODE_POOL = {
  apiVersion: 'karpenter.sh/v1',
  kind: 'NodePool',
  metadata: { name: 'spot-executors' },
  spec: { template: { metadata: { labels: { capacity: 'spot' } } } },
};

describe('DirectKubernetesGateway.readClusterState', () => {
  let kube: FakeKubernetesApi;

  beforeAll(async () => {
    kube = await startFakeKubernetesApi();
  });
  afterAll(() => kube.stop());
  beforeEach(() => {
    kube.objects.clear();
    kube.clear();
  });

  const gateway = () =>
    DirectKubernetesGateway.create({
      settings: {
        mode: 'direct',
        url: kube.url,
        caData: kube.caData,
        token: 'test-token',
      } as never,
      clusterName: 'shared',
      logger: mockServices.logger.mock(),
    });

  it('lists node pools, nodes, storage and priority classes, and reads aws-auth', async () => {
    kube.put('/apis/karpenter.sh/v1/nodepools/spot-executors', NODE_POOL);
    kube.put('/api/v1/nodes/ip-10-0-0-1', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: 'ip-10-0-0-1',
        labels: { 'eks.amazonaws.com/capacityType': 'ON_DEMAND' },
      },
    });
    kube.put('/apis/storage.k8s.io/v1/storageclasses/gp3', {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'gp3' },
      provisioner: 'ebs.csi.aws.com',
    });
    kube.put(
      '/apis/scheduling.k8s.io/v1/priorityclasses/emr-on-eks-low-driver',
      {
        apiVersion: 'scheduling.k8s.io/v1',
        kind: 'PriorityClass',
        metadata: { name: 'emr-on-eks-low-driver' },
        value: 2000,
      },
    );
    kube.put('/api/v1/namespaces/kube-system/configmaps/aws-auth', AWS_AUTH);

    const state = await gateway().readClusterState();
    expect(state).toEqual({
      nodePools: [
        expect.objectContaining({
          kind: 'NodePool',
          metadata: expect.objectContaining({ name: 'spot-executors' }),
          spec: NODE_POOL.spec,
        }),
      ],
      nodes: [
        {
          name: 'ip-10-0-0-1',
          labels: { 'eks.amazonaws.com/capacityType': 'ON_DEMAND' },
        },
      ],
      storageClasses: ['gp3'],
      priorityClasses: ['emr-on-eks-low-driver'],
      awsAuthMapsEmr: true,
    });
    // Reads only.
    expect(kube.requests.every(r => r.method === 'GET')).toBe(true);
  });

  it('takes a cluster without the NodePool CRD as one with no node pools, and no aws-auth as no mapping', async () => {
    const state = await gateway().readClusterState();
    expect(state).toMatchObject({
      nodePools: [],
      nodes: [],
      awsAuthMapsEmr: false,
    });
  });

  it('does not write the bundle, saying to apply the downloaded one', async () => {
    await expect(
      gateway().writeClusterBundle([
        { path: 'kustomization.yaml', content: 'resources: []\n' },
      ]),
    ).rejects.toThrow(ClusterBundleNotWritableError);
    await expect(gateway().writeClusterBundle([])).rejects.toThrow(
      /kubectl apply -k/,
    );
    expect(kube.requests).toEqual([]);
  });
});

describe('DirectoryKubernetesGateway', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), 'emr-state-'));
  });

  it('reads what the YAML under the output declares, whatever the file layout', async () => {
    await fs.mkdir(path.join(directory, 'platform', 'karpenter'), {
      recursive: true,
    });
    await fs.writeFile(
      path.join(directory, 'platform', 'karpenter', 'pools.yml'),
      `${toYaml(NODE_POOL)}---\n${toYaml({
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: 'gp3' },
      })}`,
    );
    await fs.writeFile(path.join(directory, 'aws-auth.yaml'), toYaml(AWS_AUTH));
    await fs.writeFile(path.join(directory, 'broken.yaml'), 'a: [unclosed');
    const state = await DirectoryKubernetesGateway.create({
      directory,
    }).readClusterState();
    expect(state).toEqual({
      nodePools: [NODE_POOL],
      nodes: [],
      storageClasses: ['gp3'],
      priorityClasses: [],
      awsAuthMapsEmr: true,
    });
  });

  it('leaves the aws-auth mapping unknown when the output has no aws-auth', async () => {
    const state = await DirectoryKubernetesGateway.create({
      directory,
    }).readClusterState();
    expect(state.awsAuthMapsEmr).toBeUndefined();
  });

  it('writes the bundle under bootstrap/, removing what a newer bundle dropped', async () => {
    const gateway = DirectoryKubernetesGateway.create({ directory });
    const first = await gateway.writeClusterBundle([
      { path: 'kustomization.yaml', content: 'resources: [a.yaml]\n' },
      { path: 'karpenter/a.yaml', content: 'a: 1\n' },
    ]);
    expect(first).toEqual({
      writtenTo: 'bootstrap/',
      changes: [
        'wrote bootstrap/kustomization.yaml',
        'wrote bootstrap/karpenter/a.yaml',
      ],
    });
    const second = await gateway.writeClusterBundle([
      { path: 'kustomization.yaml', content: 'resources: [b.yaml]\n' },
      { path: 'karpenter/b.yaml', content: 'b: 1\n' },
    ]);
    expect(second.changes.sort()).toEqual(
      [
        'wrote bootstrap/kustomization.yaml',
        'wrote bootstrap/karpenter/b.yaml',
        'removed bootstrap/karpenter/a.yaml',
      ].sort(),
    );
    await expect(
      fs.readFile(
        path.join(directory, 'bootstrap', 'karpenter', 'b.yaml'),
        'utf8',
      ),
    ).resolves.toBe('b: 1\n');
    expect(
      (
        await gateway.writeClusterBundle([
          { path: 'kustomization.yaml', content: 'resources: [b.yaml]\n' },
          { path: 'karpenter/b.yaml', content: 'b: 1\n' },
        ])
      ).changes,
    ).toEqual([]);
  });

  it('refuses a bundle path that leaves bootstrap/, writing nothing', async () => {
    const gateway = DirectoryKubernetesGateway.create({ directory });
    for (const bad of [
      '../escape.yaml',
      '/etc/x.yaml',
      'a/../../x.yaml',
      '.hidden',
    ]) {
      await expect(
        gateway.writeClusterBundle([
          { path: 'ok.yaml', content: 'a: 1\n' },
          { path: bad, content: 'x' },
        ]),
      ).rejects.toThrow(/not a plain relative path; nothing was written/);
    }
    await expect(fs.readdir(directory)).resolves.toEqual([]);
  });
});
