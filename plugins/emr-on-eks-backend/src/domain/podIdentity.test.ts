import fc from 'fast-check';
import {
  identified,
  spec,
  TEST_UID,
  testSettings,
} from '../__testUtils__/fixtures';
import { base36 } from './base36';
import { trustPolicy } from './iam';
import { cluster, fits, jobs, tenant } from './jobRun/__testUtils__/requests';
import { validateJobRun } from './jobRun/validate';
import { buildTenantPlan, checkSpecAgainstSettings } from './plan';
import {
  compareVersions,
  eksClusterArn,
  emrServiceAccountNames,
  podIdentityReleaseIssues,
  podIdentityTrustStatement,
  POD_IDENTITY_MIN_RELEASE,
  releaseSupportsPodIdentity,
  roleAssociations,
  TENANT_UID_TAG,
  trustsPodIdentity,
} from './podIdentity';

const podIdentityCluster = {
  ...testSettings().clusters[0],
  identity: 'podIdentity' as const,
};

describe('emrServiceAccountNames', () => {
  it('are the three service accounts create-role-associations associates for StartJobRun', () => {
    // base36("abcdefghijkl") as the AWS CLI computes it (see iam.test.ts).
    expect(emrServiceAccountNames('111122223333', 'abcdefghijkl')).toEqual([
      'emr-containers-sa-spark-client-111122223333-2x6xx5ubcrus4bplmr0',
      'emr-containers-sa-spark-driver-111122223333-2x6xx5ubcrus4bplmr0',
      'emr-containers-sa-spark-executor-111122223333-2x6xx5ubcrus4bplmr0',
    ]);
  });

  it('match the IRSA trust pattern emr-containers-sa-*-*-<account>-<base36 role name>', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{12}$/),
        fc.stringMatching(/^[\w+=,.@-]{1,64}$/),
        (account, role) => {
          for (const name of emrServiceAccountNames(account, role)) {
            expect(name).toMatch(
              new RegExp(
                `^emr-containers-sa-[^-]+-[^-]+-${account}-${base36(role)}$`,
              ),
            );
          }
        },
      ),
    );
  });
});

describe('the trust policy of a Pod Identity cluster', () => {
  it('trusts EKS Pod Identity for this cluster, namespace and the role’s EMR service accounts only', () => {
    expect(
      trustPolicy(podIdentityCluster, 'team-a', 'emr-tenant-team-a'),
    ).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'pods.eks.amazonaws.com' },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
          Condition: {
            StringEquals: {
              'aws:RequestTag/eks-cluster-arn':
                'arn:aws:eks:us-east-1:123456789012:cluster/shared-data',
              'aws:RequestTag/kubernetes-namespace': 'team-a',
              'aws:RequestTag/kubernetes-service-account':
                emrServiceAccountNames('123456789012', 'emr-tenant-team-a'),
            },
          },
        },
      ],
    });
  });

  it('stays the IRSA one on IRSA clusters', () => {
    const irsa = testSettings().clusters[0];
    expect(irsa.identity).toBe('irsa');
    expect(trustPolicy(irsa, 'team-a', 'r').Statement[0].Action).toBe(
      'sts:AssumeRoleWithWebIdentity',
    );
  });

  it('names the cluster in its partition', () => {
    expect(
      eksClusterArn({
        region: 'cn-north-1',
        accountId: '111122223333',
        eksClusterName: 'c',
      }),
    ).toBe('arn:aws-cn:eks:cn-north-1:111122223333:cluster/c');
    expect(
      podIdentityTrustStatement({
        cluster: {
          region: 'us-gov-west-1',
          accountId: '111122223333',
          eksClusterName: 'c',
        },
        namespace: 'n',
        roleName: 'r',
      }).Condition!.StringEquals['aws:RequestTag/eks-cluster-arn'],
    ).toBe('arn:aws-us-gov:eks:us-gov-west-1:111122223333:cluster/c');
  });
});

describe('the plan of a tenant', () => {
  it('on a Pod Identity cluster: one association per service account, tagged with the tenant and its uid', () => {
    const plan = buildTenantPlan(
      identified(spec()),
      podIdentityCluster,
      testSettings(),
    );
    expect(plan.podIdentity.associations).toEqual(
      emrServiceAccountNames('123456789012', 'emr-tenant-team-a').map(
        serviceAccount => ({
          clusterName: 'shared-data',
          namespace: 'team-a',
          serviceAccount,
          roleArn: 'arn:aws:iam::123456789012:role/emr-tenant-team-a',
          tags: {
            'app.kubernetes.io/managed-by': 'backstage-emr-on-eks',
            'emr-on-eks.spot-spark.io/tenant': 'team-a',
            [TENANT_UID_TAG]: TEST_UID,
          },
        }),
      ),
    );
  });

  it('on an IRSA cluster: none', () => {
    const plan = buildTenantPlan(
      identified(spec()),
      testSettings().clusters[0],
      testSettings(),
    );
    expect(plan.podIdentity.associations).toEqual([]);
  });

  it('on a cluster switched back to IRSA: looks for those it had on Pod Identity', () => {
    const irsa = testSettings().clusters[0];
    const plan = buildTenantPlan(identified(spec()), irsa, testSettings());
    const former = buildTenantPlan(
      identified(spec()),
      podIdentityCluster,
      testSettings(),
    ).podIdentity.associations;
    expect(
      roleAssociations({
        cluster: irsa,
        tenant: plan.tenant,
        uid: plan.uid,
        namespace: plan.namespace,
        roleName: plan.iam.roleName,
        roleArn: plan.iam.roleArn,
      }),
    ).toEqual(former);
  });
});

describe('trustsPodIdentity (a switch back to IRSA is pending)', () => {
  const podIdentity = trustPolicy(podIdentityCluster, 'team-a', 'r');
  const irsa = trustPolicy(testSettings().clusters[0], 'team-a', 'r');

  it('is true for the Pod Identity trust, as planned and as IAM returns it', () => {
    expect(trustsPodIdentity(podIdentity)).toBe(true);
    // IAM may turn one-element arrays into plain values.
    const statement = podIdentity.Statement[0];
    expect(
      trustsPodIdentity({
        Statement: {
          ...statement,
          Principal: {
            Service: ['sts.amazonaws.com', 'pods.eks.amazonaws.com'],
          },
        },
      }),
    ).toBe(true);
    expect(
      trustsPodIdentity({ Statement: [irsa.Statement[0], statement] }),
    ).toBe(true);
  });

  it('is false for the IRSA trust, a Deny, and anything that is not a policy', () => {
    expect(trustsPodIdentity(irsa)).toBe(false);
    expect(
      trustsPodIdentity({
        Statement: [{ ...podIdentity.Statement[0], Effect: 'Deny' }],
      }),
    ).toBe(false);
    for (const notAPolicy of [
      undefined,
      null,
      'text',
      {},
      { Statement: [null] },
    ]) {
      expect(trustsPodIdentity(notAPolicy)).toBe(false);
    }
  });
});

describe('releases on a Pod Identity cluster', () => {
  const version = fc.tuple(
    fc.integer({ min: 0, max: 999 }),
    fc.integer({ min: 0, max: 999 }),
    fc.integer({ min: 0, max: 999 }),
  );
  const label = ([a, b, c]: [number, number, number], suffix: string) =>
    `emr-${a}.${b}.${c}-${suffix}`;
  const suffix = fc.constantFrom('latest', '20240105', '20261130');

  it('compares versions as numbers, part by part (an order: antisymmetric, transitive)', () => {
    fc.assert(
      fc.property(version, version, version, (a, b, c) => {
        expect(Math.sign(compareVersions(a, b))).toBe(
          -Math.sign(compareVersions(b, a)) || 0,
        );
        const chained =
          compareVersions(a, b) <= 0 && compareVersions(b, c) <= 0;
        expect(!chained || compareVersions(a, c) <= 0).toBe(true);
        expect(compareVersions(a, b) === 0).toBe(a.join('.') === b.join('.'));
      }),
    );
  });

  it('supports a release exactly when it is 7.3.0 or later, whatever its build suffix', () => {
    fc.assert(
      fc.property(version, suffix, (v, s) => {
        const [major, minor] = v;
        const expected = major > 7 || (major === 7 && minor >= 3);
        expect(releaseSupportsPodIdentity(label(v, s))).toBe(expected);
      }),
    );
    // Around the edge, and where string order would get it wrong.
    expect(releaseSupportsPodIdentity('emr-7.3.0-latest')).toBe(true);
    expect(releaseSupportsPodIdentity('emr-7.2.9-20240105')).toBe(false);
    expect(releaseSupportsPodIdentity('emr-7.10.0-latest')).toBe(true);
    expect(releaseSupportsPodIdentity('emr-10.0.0-latest')).toBe(true);
    expect(releaseSupportsPodIdentity('emr-6.15.0-latest')).toBe(false);
    expect(releaseSupportsPodIdentity('not-a-release')).toBe(false);
    expect(POD_IDENTITY_MIN_RELEASE).toEqual([7, 3, 0]);
  });

  it('refuses an older release with a message naming the minimum, and never on IRSA', () => {
    expect(
      podIdentityReleaseIssues(podIdentityCluster, 'emr-6.15.0-latest'),
    ).toEqual([
      {
        path: 'releaseLabel',
        message:
          'emr-6.15.0-latest is older than 7.3.0, the first EMR release that supports EKS Pod Identity, which cluster shared uses; choose emr-7.3.0-latest or newer',
      },
    ]);
    expect(
      podIdentityReleaseIssues(testSettings().clusters[0], 'emr-6.15.0-latest'),
    ).toEqual([]);
  });

  it('refuses a tenant whose default release is older, when it is created or updated', () => {
    const settings = testSettings();
    const onPodIdentity = { ...settings, clusters: [podIdentityCluster] };
    expect(
      checkSpecAgainstSettings(
        spec({ releaseLabel: 'emr-7.2.0-latest' }),
        onPodIdentity,
      ),
    ).toEqual([
      expect.objectContaining({
        path: 'releaseLabel',
        message: expect.stringContaining('older than 7.3.0'),
      }),
    ]);
    expect(
      checkSpecAgainstSettings(
        spec({ releaseLabel: 'emr-7.3.0-latest' }),
        onPodIdentity,
      ),
    ).toEqual([]);
    expect(
      checkSpecAgainstSettings(
        spec({ releaseLabel: 'emr-7.2.0-latest' }),
        settings,
      ),
    ).toEqual([]);
  });

  it('refuses a job run on an older release on a Pod Identity cluster only', () => {
    const run = (onCluster: typeof cluster, releaseLabel: string) =>
      validateJobRun({
        request: fits({ releaseLabel }),
        tenant,
        cluster: onCluster,
        jobs,
      }).filter(issue => issue.path === 'releaseLabel');
    const podCluster = { ...cluster, identity: 'podIdentity' as const };
    expect(run(podCluster, 'emr-7.2.0-latest')).toEqual([
      {
        path: 'releaseLabel',
        message: expect.stringContaining(
          'emr-7.2.0-latest is older than 7.3.0',
        ),
      },
    ]);
    expect(run(podCluster, 'emr-7.5.0-latest')).toEqual([]);
    expect(run(cluster, 'emr-7.2.0-latest')).toEqual([]);
  });
});
