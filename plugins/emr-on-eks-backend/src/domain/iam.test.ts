import {
  TEST_UID,
  spec,
  testSettings,
  TEST_ACCOUNT_ID,
  TEST_OIDC_ISSUER,
} from '../__testUtils__/fixtures';
import { base36 } from './base36';
import {
  emrTrustStatement,
  permissionsBoundaryFor,
  permissionsPolicy,
  samePolicy,
  parsePolicyDocument,
  trustPolicy,
} from './iam';
import { executionRoleArn, partitionOf } from './names';

describe('emrTrustStatement', () => {
  it('is the statement aws emr-containers update-role-trust-policy adds', () => {
    expect(
      emrTrustStatement({
        accountId: '111122223333',
        region: 'us-west-2',
        oidcIssuer: 'oidc.eks.us-west-2.amazonaws.com/id/ABC',
        namespace: 'team-a',
        roleName: 'abcdefghijkl',
      }),
    ).toEqual({
      Effect: 'Allow',
      Principal: {
        Federated:
          'arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC',
      },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringLike: {
          'oidc.eks.us-west-2.amazonaws.com/id/ABC:sub':
            'system:serviceaccount:team-a:emr-containers-sa-*-*-111122223333-2x6xx5ubcrus4bplmr0',
        },
      },
    });
  });

  it.each([
    ['us-east-1', 'aws'],
    ['eu-west-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
  ])('uses the partition of %s (%s)', (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
    const statement = emrTrustStatement({
      accountId: '111122223333',
      region,
      oidcIssuer: 'oidc.example/id/X',
      namespace: 'ns',
      roleName: 'r',
    });
    expect(statement.Principal!.Federated).toBe(
      `arn:${partition}:iam::111122223333:oidc-provider/oidc.example/id/X`,
    );
  });

  it('never trusts a wildcard role part: only this role name matches', () => {
    const settings = testSettings();
    const policy = trustPolicy(
      settings.clusters[0],
      'team-a',
      'emr-tenant-team-a',
    );
    const subject = Object.values(policy.Statement[0].Condition!.StringLike)[0];
    expect(subject).toBe(
      `system:serviceaccount:team-a:emr-containers-sa-*-*-${TEST_ACCOUNT_ID}-${base36(
        'emr-tenant-team-a',
      )}`,
    );
    expect(String(subject).endsWith('-*')).toBe(false);
    // The issuer is used without https://, as IAM expects.
    expect(Object.keys(policy.Statement[0].Condition!.StringLike)[0]).toBe(
      `${TEST_OIDC_ISSUER}:sub`,
    );
  });
});

describe('executionRoleArn', () => {
  it('puts path and partition in the ARN', () => {
    const settings = testSettings({
      region: 'cn-north-1',
      iam: { rolePath: '/emr/' },
    });
    expect(executionRoleArn('team-a', settings.clusters[0], settings.iam)).toBe(
      `arn:aws-cn:iam::${TEST_ACCOUNT_ID}:role/emr/emr-tenant-team-a`,
    );
  });
});

describe('permissionsPolicy', () => {
  const settings = testSettings();
  const cluster = settings.clusters[0];
  const policy = permissionsPolicy({
    spec: spec(),
    uid: TEST_UID,
    cluster,
    logGroupName: '/emr-on-eks/shared/team-a',
  });
  const statement = (sid: string) => policy.Statement.find(s => s.Sid === sid)!;
  const asList = (value: string | string[] | undefined) =>
    ([] as string[]).concat(value ?? []);

  it('grants no action on every resource', () => {
    for (const s of policy.Statement) {
      expect(asList(s.Resource)).not.toContain('*');
      expect(s.Effect).toBe('Allow');
    }
  });

  it('lets the tenant write only its read-write prefixes and its own scratch/log prefixes', () => {
    expect(asList(statement('WriteTenantObjects').Resource).sort()).toEqual(
      [
        'arn:aws:s3:::data-lake/team-a/*',
        'arn:aws:s3:::shared-data-emr-assets/tenants/team-a/0a1b2c3d-0000-4000-8000-00000000aaaa/logs/*',
        'arn:aws:s3:::shared-data-emr-assets/tenants/team-a/0a1b2c3d-0000-4000-8000-00000000aaaa/spark/*',
      ].sort(),
    );
  });

  it('lets the tenant read its data, read-only prefixes and pod templates', () => {
    expect(asList(statement('ReadTenantObjects').Resource)).toEqual(
      expect.arrayContaining([
        'arn:aws:s3:::data-lake/team-a/*',
        'arn:aws:s3:::shared-reference/*',
        'arn:aws:s3:::shared-data-emr-assets/tenants/team-a/0a1b2c3d-0000-4000-8000-00000000aaaa/pod-templates/*',
      ]),
    );
    // Pod templates are never writable by the jobs they constrain.
    expect(JSON.stringify(statement('WriteTenantObjects'))).not.toContain(
      'pod-templates',
    );
    expect(JSON.stringify(statement('WriteTenantObjects'))).not.toContain(
      'shared-reference',
    );
  });

  it('lists each bucket only under that bucket’s own prefixes', () => {
    const lists = policy.Statement.filter(s => s.Action === 's3:ListBucket');
    const byBucket = Object.fromEntries(
      lists.map(s => [s.Resource, s.Condition!.StringLike['s3:prefix']]),
    );
    expect(byBucket).toEqual({
      'arn:aws:s3:::data-lake': ['team-a/*'],
      'arn:aws:s3:::shared-reference': ['*'],
      'arn:aws:s3:::shared-data-emr-assets': [
        'tenants/team-a/0a1b2c3d-0000-4000-8000-00000000aaaa/logs/*',
        'tenants/team-a/0a1b2c3d-0000-4000-8000-00000000aaaa/spark/*',
        'tenants/team-a/0a1b2c3d-0000-4000-8000-00000000aaaa/pod-templates/*',
      ],
    });
  });

  it('scopes log writes to the tenant log group', () => {
    expect(statement('WriteTenantLogs').Resource).toEqual([
      `arn:aws:logs:us-east-1:${TEST_ACCOUNT_ID}:log-group:/emr-on-eks/shared/team-a`,
      `arn:aws:logs:us-east-1:${TEST_ACCOUNT_ID}:log-group:/emr-on-eks/shared/team-a:log-stream:*`,
    ]);
  });

  it('grants no data access the spec did not ask for', () => {
    const bare = permissionsPolicy({
      spec: spec({ dataAccess: [] }),
      uid: TEST_UID,
      cluster,
      logGroupName: '/x',
    });
    expect(JSON.stringify(bare)).not.toContain('data-lake');
  });
});

describe('samePolicy', () => {
  it('treats URL-encoded IAM output and one-element arrays as equal', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['s3:GetObject'],
          Resource: 'arn:aws:s3:::b/*',
        },
      ],
    };
    const fromIam = encodeURIComponent(
      JSON.stringify({
        Statement: [
          {
            Resource: ['arn:aws:s3:::b/*'],
            Action: 's3:GetObject',
            Effect: 'Allow',
          },
        ],
        Version: '2012-10-17',
      }),
    );
    expect(samePolicy(parsePolicyDocument(fromIam), doc)).toBe(true);
  });

  it('sees a changed statement', () => {
    const a = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::b/*',
        },
      ],
    };
    const b = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 's3:PutObject',
          Resource: 'arn:aws:s3:::b/*',
        },
      ],
    };
    expect(samePolicy(a, b)).toBe(false);
  });
});

describe('permissionsBoundaryFor', () => {
  it("puts the cluster's account into the configured boundary's ARN", () => {
    expect(
      permissionsBoundaryFor(
        'arn:aws:iam::123456789012:policy/platform/emr-tenant-boundary',
        { accountId: '210987654321' },
      ),
    ).toBe('arn:aws:iam::210987654321:policy/platform/emr-tenant-boundary');
    expect(
      permissionsBoundaryFor('arn:aws-cn:iam::123456789012:policy/b', {
        accountId: '123456789012',
      }),
    ).toBe('arn:aws-cn:iam::123456789012:policy/b');
  });

  it('is unset without a configured boundary', () => {
    expect(
      permissionsBoundaryFor(undefined, { accountId: '210987654321' }),
    ).toBeUndefined();
  });
});
