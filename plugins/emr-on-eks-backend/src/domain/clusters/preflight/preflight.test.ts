import type { ClusterCheckId } from '@spot-spark/plugin-emr-on-eks-common';
import { CLUSTER_CHECKS } from '@spot-spark/plugin-emr-on-eks-common';
import {
  readyAwsFacts,
  readyClusterState,
} from '../../../__testUtils__/memoryGateways';
import {
  TEST_ACCOUNT_ID,
  TEST_OIDC_ISSUER,
  testSettings,
} from '../../../__testUtils__/fixtures';
import type { ClusterSettings } from '../../../config';
import {
  awsAuthMapsEmr,
  type ClusterFacts,
  EMR_JOB_ACCESS_POLICY,
  onboardingGate,
  preflightChecks,
  preflightReady,
} from '.';

const DIRECT = {
  mode: 'direct',
  url: 'https://kubernetes.example.com',
  token: 'test-token',
};

function clusterOf(
  overrides: Parameters<typeof testSettings>[0] = {},
  patch: Partial<ClusterSettings> = {},
): ClusterSettings {
  return { ...testSettings(overrides).clusters[0], ...patch };
}

function readyFacts(): ClusterFacts {
  return {
    ...readyAwsFacts(),
    identity: {
      value: {
        accountId: TEST_ACCOUNT_ID,
        arn: `arn:aws:sts::${TEST_ACCOUNT_ID}:assumed-role/backstage/s`,
      },
    },
    kubernetes: { value: readyClusterState() },
  };
}

function run(cluster: ClusterSettings, facts: ClusterFacts) {
  const checks = preflightChecks({ cluster, storageClass: 'gp3' }, facts);
  return {
    checks,
    byId: (id: ClusterCheckId) => checks.find(check => check.id === id)!,
  };
}

const irsaDirect = () => clusterOf({ kubernetes: DIRECT });
const podIdentityDirect = () =>
  clusterOf({ kubernetes: DIRECT }, { identity: 'podIdentity' });

describe('preflightChecks', () => {
  it('passes every check, in CLUSTER_CHECKS order, on a ready cluster', () => {
    const { checks } = run(irsaDirect(), readyFacts());
    expect(checks.map(c => c.id)).toEqual([...CLUSTER_CHECKS]);
    expect(checks.filter(c => c.status !== 'pass')).toEqual([]);
    expect(preflightReady(checks)).toBe(true);
    expect(checks.every(c => c.advice === undefined)).toBe(true);
  });

  /** Each check failing once: what breaks it, and the advice it must give. */
  const failures: Array<{
    check: ClusterCheckId;
    because: string;
    cluster?: () => ClusterSettings;
    breaks: (facts: ClusterFacts) => void;
    detail: RegExp;
    advice: RegExp;
  }> = [
    {
      check: 'credentials',
      because: 'the role cannot be assumed',
      cluster: () =>
        clusterOf(
          { kubernetes: DIRECT },
          {
            aws: {
              roleArn: 'arn:aws:iam::210987654321:role/backstage-emr',
              sessionName: 'backstage-emr-on-eks',
            },
          },
        ),
      breaks: f => {
        f.identity = {
          error:
            'cluster shared: could not assume role arn:aws:iam::210987654321:role/backstage-emr: AccessDenied',
        };
      },
      detail: /could not assume role/,
      advice:
        /aws sts assume-role --role-arn arn:aws:iam::210987654321:role\/backstage-emr --role-session-name backstage-emr-on-eks/,
    },
    {
      check: 'credentials',
      because: 'the credentials are of another account',
      breaks: f => {
        f.identity = {
          value: {
            accountId: '999999999999',
            arn: 'arn:aws:iam::999999999999:user/ci',
          },
        };
      },
      detail:
        /of account 999999999999, but the cluster is configured in account 123456789012/,
      advice:
        /aws\.roleArn of cluster shared to a role in account 123456789012/,
    },
    {
      check: 'eks-cluster',
      because: 'the EKS cluster does not exist',
      breaks: f => {
        f.eksCluster = { value: undefined };
      },
      detail: /no EKS cluster shared-data in us-east-1/,
      advice: /aws eks list-clusters --region us-east-1/,
    },
    {
      check: 'identity',
      because: "the cluster's OIDC issuer is not the configured one",
      breaks: f => {
        f.eksCluster = {
          value: {
            status: 'ACTIVE',
            oidcIssuer: 'https://oidc.eks.us-east-1.amazonaws.com/id/OTHER',
            authenticationMode: 'API',
          },
        };
      },
      detail:
        /OIDC issuer is https:\/\/oidc\.eks\.us-east-1\.amazonaws\.com\/id\/OTHER/,
      advice:
        /Set oidcIssuer of cluster shared to https:\/\/oidc\.eks\.us-east-1\.amazonaws\.com\/id\/OTHER/,
    },
    {
      check: 'identity',
      because: 'the Pod Identity agent add-on is missing',
      cluster: podIdentityDirect,
      breaks: f => {
        f.podIdentityAgent = { value: undefined };
      },
      detail: /eks-pod-identity-agent add-on is not installed/,
      advice:
        /^aws eks create-addon --cluster-name shared-data --addon-name eks-pod-identity-agent --region us-east-1$/,
    },
    {
      check: 'identity',
      because: 'the Pod Identity agent add-on is degraded',
      cluster: podIdentityDirect,
      breaks: f => {
        f.podIdentityAgent = { value: { status: 'DEGRADED' } };
      },
      detail: /is DEGRADED/,
      advice:
        /aws eks describe-addon --cluster-name shared-data --addon-name eks-pod-identity-agent/,
    },
    {
      check: 'oidc-provider',
      because: 'IAM has no OIDC provider for the issuer',
      breaks: f => {
        f.oidcProvider = { value: undefined };
      },
      detail: new RegExp(`no OIDC provider for ${TEST_OIDC_ISSUER}`),
      advice: new RegExp(
        `eksctl utils associate-iam-oidc-provider --cluster shared-data --region us-east-1 --approve[\\s\\S]*aws iam create-open-id-connect-provider --url https://${TEST_OIDC_ISSUER} --client-id-list sts.amazonaws.com`,
      ),
    },
    {
      check: 'oidc-provider',
      because: 'the OIDC provider does not accept STS as an audience',
      breaks: f => {
        f.oidcProvider = {
          value: {
            arn: `arn:aws:iam::${TEST_ACCOUNT_ID}:oidc-provider/${TEST_OIDC_ISSUER}`,
            audiences: ['example.com'],
          },
        };
      },
      detail:
        /does not accept the audience sts\.amazonaws\.com \(it accepts example\.com\)/,
      advice: new RegExp(
        `^aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn arn:aws:iam::${TEST_ACCOUNT_ID}:oidc-provider/${TEST_OIDC_ISSUER} --client-id sts\\.amazonaws\\.com$`,
      ),
    },
    {
      check: 'emr-service-linked-role',
      because: "EMR's service-linked role is missing",
      breaks: f => {
        f.serviceLinkedRole = { value: false };
      },
      detail: /AWSServiceRoleForAmazonEMRContainers does not exist/,
      advice:
        /^aws iam create-service-linked-role --aws-service-name emr-containers\.amazonaws\.com$/,
    },
    {
      check: 'emr-cluster-access',
      because: 'there is no access entry for EMR and aws-auth does not map it',
      breaks: f => {
        f.emrAccessEntry = { value: undefined };
        (
          f.kubernetes as { value: { awsAuthMapsEmr?: boolean } }
        ).value.awsAuthMapsEmr = false;
      },
      detail: /no access entry for AWSServiceRoleForAmazonEMRContainers/,
      advice:
        /aws eks create-access-entry --cluster-name shared-data --region us-east-1 --principal-arn arn:aws:iam::123456789012:role\/AWSServiceRoleForAmazonEMRContainers --type STANDARD --username emr-containers\naws eks associate-access-policy .*--policy-arn arn:aws:eks::aws:cluster-access-policy\/AmazonEMRJobPolicy --access-scope type=namespace/,
    },
    {
      check: 'emr-cluster-access',
      because: 'the access entry lacks AmazonEMRJobPolicy',
      breaks: f => {
        f.emrAccessEntry = {
          value: {
            policies: [
              'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy',
            ],
            namespaces: [],
          },
        };
      },
      detail: /access entry without AmazonEMRJobPolicy/,
      advice: /^aws eks associate-access-policy --cluster-name shared-data/,
    },
    {
      check: 'emr-cluster-access',
      because: 'a ConfigMap-only cluster does not map EMR in aws-auth',
      breaks: f => {
        f.eksCluster = {
          value: {
            status: 'ACTIVE',
            oidcIssuer: `https://${TEST_OIDC_ISSUER}`,
            authenticationMode: 'CONFIG_MAP',
          },
        };
        (
          f.kubernetes as { value: { awsAuthMapsEmr?: boolean } }
        ).value.awsAuthMapsEmr = false;
      },
      detail: /aws-auth ConfigMap only, and it does not map/,
      advice:
        /eksctl create iamidentitymapping --cluster shared-data --region us-east-1 --arn arn:aws:iam::123456789012:role\/AWSServiceRoleForAmazonEMRContainers --username emr-containers/,
    },
    {
      check: 'node-pools',
      because: 'nothing runs On-Demand drivers',
      breaks: f => {
        (f.kubernetes as { value: { nodes: unknown[] } }).value.nodes = [
          {
            name: 'spot-1',
            labels: { 'eks.amazonaws.com/capacityType': 'SPOT' },
          },
        ];
      },
      detail:
        /Nothing can run Spark drivers and job submitters on On-Demand \(eks\.amazonaws\.com\/capacityType=ON_DEMAND\)/,
      advice: /kubectl apply -k shared-bootstrap\//,
    },
    {
      check: 'node-pools',
      because: 'the Kubernetes API cannot be read',
      breaks: f => {
        f.kubernetes = { error: 'connect ECONNREFUSED 10.0.0.1:443' };
      },
      detail:
        /Could not read the cluster's node pools and nodes: connect ECONNREFUSED/,
      advice: /reaches the Kubernetes API of cluster shared/,
    },
    {
      check: 'storage-class',
      because: "the jobs' storage class is missing",
      breaks: f => {
        (
          f.kubernetes as { value: { storageClasses: string[] } }
        ).value.storageClasses = ['standard'];
      },
      detail:
        /StorageClass gp3 \(emrOnEks\.jobs\.storageClass\) does not exist/,
      advice:
        /kubectl apply -f - <<'EOF'\napiVersion: storage\.k8s\.io\/v1\nkind: StorageClass\nmetadata:\n {2}name: gp3\nprovisioner: ebs\.csi\.aws\.com\nvolumeBindingMode: WaitForFirstConsumer/,
    },
    {
      check: 'assets-bucket',
      because: 'the assets bucket does not exist',
      breaks: f => {
        f.assetsBucket = { value: undefined };
      },
      detail: /Bucket shared-data-emr-assets does not exist/,
      advice:
        /aws s3api create-bucket --bucket shared-data-emr-assets --region us-east-1\naws s3api put-public-access-block --bucket shared-data-emr-assets/,
    },
    {
      check: 'assets-bucket',
      because: "the bucket's public-access block is partly off",
      breaks: f => {
        f.assetsBucket = {
          value: {
            publicAccessBlock: {
              BlockPublicAcls: true,
              IgnorePublicAcls: true,
              BlockPublicPolicy: false,
              RestrictPublicBuckets: false,
            },
          },
        };
      },
      detail: /leaves BlockPublicPolicy, RestrictPublicBuckets off/,
      advice:
        /^aws s3api put-public-access-block --bucket shared-data-emr-assets --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true$/,
    },
  ];

  it.each(failures)(
    'fails $check when $because, with its advice',
    ({ check, cluster, breaks, detail, advice }) => {
      const facts = readyFacts();
      breaks(facts);
      const { checks, byId } = run((cluster ?? irsaDirect)(), facts);
      const result = byId(check);
      expect(result.status).toBe('fail');
      expect(result.detail).toMatch(detail);
      expect(result.advice).toMatch(advice);
      expect(preflightReady(checks)).toBe(false);
    },
  );

  it('warns (not fails) about missing priority classes, which the plugin creates itself', () => {
    const facts = readyFacts();
    (
      facts.kubernetes as { value: { priorityClasses: string[] } }
    ).value.priorityClasses = ['emr-on-eks-low-driver'];
    const { checks, byId } = run(irsaDirect(), facts);
    expect(byId('priority-classes')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('emr-on-eks-standard-executor'),
      advice: expect.stringContaining('kubectl apply -k shared-bootstrap/'),
    });
    expect(preflightReady(checks)).toBe(true);
  });

  it('skips what depends on failed credentials, naming the failed check', () => {
    const facts: ClusterFacts = {
      identity: { error: 'could not assume role' },
      kubernetes: { value: readyClusterState() },
    };
    const { byId } = run(irsaDirect(), facts);
    for (const id of [
      'eks-cluster',
      'identity',
      'oidc-provider',
      'emr-service-linked-role',
      'emr-cluster-access',
      'assets-bucket',
    ] as const) {
      expect(byId(id)).toMatchObject({
        status: 'skipped',
        detail: expect.stringMatching(
          /^Not checked: ".+" (failed|was not checked)\.$/,
        ),
      });
      expect(byId(id).advice).toBeUndefined();
    }
    expect(byId('eks-cluster').detail).toContain(
      `"AWS credentials work and are the cluster account's" failed`,
    );
    // The Kubernetes side is reached with its own token: still checked.
    expect(byId('node-pools').status).toBe('pass');
  });

  it('skips the Kubernetes checks when the EKS token cannot be had (authProvider aws)', () => {
    const facts = readyFacts();
    facts.eksCluster = { value: undefined };
    const { byId } = run(
      clusterOf({
        kubernetes: {
          mode: 'direct',
          url: 'https://kubernetes.example.com',
          authProvider: 'aws',
        },
      }),
      facts,
    );
    expect(byId('node-pools').status).toBe('skipped');
    expect(byId('storage-class').status).toBe('skipped');
  });

  it('skips the OIDC provider for Pod Identity, and EMR access after a missing service-linked role', () => {
    const facts = readyFacts();
    facts.serviceLinkedRole = { value: false };
    const { byId } = run(podIdentityDirect(), facts);
    expect(byId('oidc-provider')).toMatchObject({
      status: 'skipped',
      detail: expect.stringContaining('EKS Pod Identity'),
    });
    expect(byId('emr-cluster-access')).toMatchObject({
      status: 'skipped',
      detail: expect.stringContaining(
        `"EMR on EKS's service-linked role exists" failed`,
      ),
    });
    expect(byId('identity').status).toBe('pass');
  });

  it('only warns in GitOps mode about node pools and storage classes the output does not declare', () => {
    const facts = readyFacts();
    facts.kubernetes = {
      value: {
        nodePools: [],
        nodes: [],
        storageClasses: [],
        priorityClasses: [],
      },
    };
    const { checks, byId } = run(clusterOf(), facts);
    expect(byId('node-pools')).toMatchObject({
      status: 'warn',
      advice: expect.stringContaining(
        'POST /api/emr-on-eks/clusters/shared/bootstrap',
      ),
    });
    expect(byId('storage-class').status).toBe('warn');
    expect(preflightReady(checks)).toBe(true);
  });

  it('passes EMR access on an access entry with AmazonEMRJobPolicy, naming its namespaces', () => {
    const facts = readyFacts();
    facts.emrAccessEntry = {
      value: { policies: [EMR_JOB_ACCESS_POLICY], namespaces: ['team-a'] },
    };
    expect(run(irsaDirect(), facts).byId('emr-cluster-access')).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining('in team-a'),
    });
  });
});

describe('awsAuthMapsEmr', () => {
  const mapRoles = (text: string) => ({ data: { mapRoles: text } });

  it("recognises eksctl's mapping of EMR's service-linked role", () => {
    expect(
      awsAuthMapsEmr(
        mapRoles(
          '- rolearn: arn:aws:iam::123456789012:role/AWSServiceRoleForAmazonEMRContainers\n  username: emr-containers\n',
        ),
      ),
    ).toBe(true);
  });

  it('does not take another user name, another role, or YAML that does not parse', () => {
    expect(
      awsAuthMapsEmr(
        mapRoles(
          '- rolearn: arn:aws:iam::123456789012:role/AWSServiceRoleForAmazonEMRContainers\n  username: admin\n',
        ),
      ),
    ).toBe(false);
    expect(
      awsAuthMapsEmr(
        mapRoles(
          '- rolearn: arn:aws:iam::123456789012:role/NotEMR\n  username: emr-containers\n',
        ),
      ),
    ).toBe(false);
    expect(awsAuthMapsEmr(mapRoles('- [unclosed'))).toBe(false);
    expect(awsAuthMapsEmr({})).toBe(false);
  });
});

describe('onboardingGate', () => {
  const failed = [{ title: 'EMR can reach the cluster' }];

  it('refuses a member with the failed checks and what to do', () => {
    const gate = onboardingGate({
      cluster: 'shared',
      failed,
      mode: 'refuse',
      platformAdmin: false,
    });
    expect(gate).toEqual({
      allow: false,
      reason: expect.stringMatching(
        /Cluster shared is not ready.*EMR can reach the cluster.*nothing was created\. Ask a platform admin/,
      ),
    });
  });

  it('warns a platform admin, and everyone in warn mode', () => {
    for (const [mode, platformAdmin] of [
      ['refuse', true],
      ['warn', false],
    ] as const) {
      const gate = onboardingGate({
        cluster: 'shared',
        failed,
        mode,
        platformAdmin,
      });
      expect(gate).toEqual({
        allow: true,
        warnings: [expect.stringContaining('EMR can reach the cluster')],
      });
    }
  });

  it('never blocks when the preflight could not run, passed, or is off', () => {
    for (const [f, mode] of [
      [undefined, 'refuse'],
      [[], 'refuse'],
      [failed, 'off'],
    ] as const) {
      expect(
        onboardingGate({
          cluster: 'shared',
          failed: f as typeof failed | undefined,
          mode,
          platformAdmin: false,
        }),
      ).toEqual({ allow: true, warnings: [] });
    }
  });
});
