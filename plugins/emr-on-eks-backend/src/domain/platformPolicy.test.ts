import { ConfigReader } from '@backstage/config';
import fc from 'fast-check';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { readEmrOnEksSettings } from '../config';
import { testConfig } from '../__testUtils__/fixtures';
import { IAM_INLINE_POLICY_MAX_SIZE, PolicyStatement, policySize } from './iam';
import { platformPolicy, queueArn } from './platformPolicy';

/*
 * The policy of the role the backend assumes in a cluster's account
 * (docs/cross-account.md): it must allow every AWS call the gateways make,
 * and nothing outside the cluster's tenants' resources.
 */

const PACKAGE = path.resolve(__dirname, '../..');
const DOC = path.resolve(PACKAGE, '../../docs/cross-account.md');
/** The backend's own role in the doc's example. */
const EXAMPLE_BACKEND_ROLE = 'arn:aws:iam::123456789012:role/backstage';

/** The IAM action of each SDK operation whose name is not the action's. */
const ACTION_OF: Record<string, string | null> = {
  's3:ListObjectsV2': 's3:ListBucket',
  's3:ListObjects': 's3:ListBucket',
  // HeadBucket needs s3:ListBucket with no s3:prefix: the prefix condition
  // that keeps listing under tenants/ refuses it. GetBucketLocation tells
  // the same (the bucket exists and is reachable) and is granted.
  's3:HeadBucket': 's3:ListBucket without an s3:prefix condition',
  's3:HeadObject': 's3:GetObject',
  's3:DeleteObjects': 's3:DeleteObject',
  's3:GetPublicAccessBlock': 's3:GetBucketPublicAccessBlock',
  // STS answers who the caller is without any permission.
  'sts:GetCallerIdentity': null,
};

/** IAM's service prefix of each SDK client package. */
const SERVICE_OF: Record<string, string> = {
  'client-iam': 'iam',
  'client-s3': 's3',
  'client-cloudwatch-logs': 'logs',
  'client-emr-containers': 'emr-containers',
  'client-emr': 'elasticmapreduce',
  'client-eks': 'eks',
  'client-sqs': 'sqs',
  'client-sts': 'sts',
};

/**
 * Every SDK operation a cluster's gateways import (commands and
 * paginators), as `service:Operation`. The cost sources are left out: Athena
 * runs with its own credentials (`costs.athena.roleArn`).
 */
async function gatewayOperations(): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const root = path.join(PACKAGE, 'src/gateways');
  const files = (await fs.readdir(root, { recursive: true }))
    .map(String)
    .filter(
      file =>
        file.endsWith('.ts') &&
        !file.endsWith('.test.ts') &&
        !file.startsWith('costs'),
    );
  for (const file of files) {
    const text = await fs.readFile(path.join(root, file), 'utf8');
    const imports = text.matchAll(
      /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/(client-[a-z0-9-]+)'/g,
    );
    for (const [, names, client] of imports) {
      for (const raw of names.split(',')) {
        const name = raw
          .replace(/^\s*type\s+/, '')
          .trim()
          .split(/\s+as\s+/)[0];
        const operation =
          /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1];
        if (operation) {
          found.set(`${SERVICE_OF[client] ?? client}:${operation}`, file);
        }
      }
    }
  }
  return found;
}

function actionsOf(statements: PolicyStatement[]): Set<string> {
  return new Set(
    statements.flatMap(s => (Array.isArray(s.Action) ? s.Action : [s.Action])),
  );
}

/** A cluster with every feature the policy depends on. */
function fullSettings(
  overrides: {
    identity?: string;
    region?: string;
    iam?: Record<string, string>;
  } = {},
) {
  const config = testConfig({ region: overrides.region, iam: overrides.iam });
  const cluster = (config.emrOnEks as any).clusters[0];
  cluster.identity = overrides.identity ?? 'podIdentity';
  cluster.events = {
    queueUrl: `https://sqs.${
      overrides.region ?? 'us-east-1'
    }.amazonaws.com/123456789012/emr-job-run-events`,
  };
  return readEmrOnEksSettings(new ConfigReader(config));
}

function generate(settings: ReturnType<typeof fullSettings>) {
  return platformPolicy({
    settings,
    cluster: settings.clusters[0],
    backendPrincipal: 'arn:aws:iam::111122223333:role/backstage',
    externalId: 'example-id',
  });
}

/** Why a statement's resource reaches beyond the cluster, if it does. */
function scopeProblem(
  statement: PolicyStatement,
  resource: string,
  scope: {
    partition: string;
    region: string;
    cluster: string;
    bucket: string;
    tenantRoles: string;
  },
): string | undefined {
  const { partition, region, cluster, bucket, tenantRoles } = scope;
  const actions = [statement.Action].flat();
  const where = `${statement.Sid} on ${resource}`;
  if (resource === '*') {
    // Only calls IAM cannot scope: narrowed by a condition, or a read of
    // the account's list of OIDC providers.
    return statement.Condition ||
      statement.Action === 'iam:ListOpenIDConnectProviders'
      ? undefined
      : `${where}: "*" without a condition`;
  }
  if (!resource.startsWith(`arn:${partition}:`)) {
    return `${where}: not in partition ${partition}`;
  }
  if (resource.includes(':s3:::')) {
    return [
      `arn:${partition}:s3:::${bucket}`,
      `arn:${partition}:s3:::${bucket}/tenants/*`,
    ].includes(resource)
      ? undefined
      : `${where}: not the assets bucket or its tenants/ prefix`;
  }
  if (resource.includes(':iam::')) {
    const reads = ['iam:GetRole', 'iam:GetOpenIDConnectProvider'];
    if (!resource.startsWith(`arn:${partition}:iam::123456789012:`)) {
      return `${where}: another account`;
    }
    return actions.every(a => reads.includes(a)) || resource === tenantRoles
      ? undefined
      : `${where}: not the tenants' roles`;
  }
  if (!resource.includes(`:${region}:123456789012:`)) {
    return `${where}: another region or account`;
  }
  if (
    resource.includes(':logs:') &&
    actions.length > 1 &&
    !resource.includes(`log-group:/emr-on-eks/${cluster}/`)
  ) {
    return `${where}: not the cluster's log groups`;
  }
  return undefined;
}

describe('the platform role policy', () => {
  it('allows every AWS call the gateways make', async () => {
    const operations = await gatewayOperations();
    // The scan itself works: it finds calls of every kind of gateway.
    expect([...operations.keys()]).toEqual(
      expect.arrayContaining([
        'iam:CreateRole',
        's3:PutObject',
        's3:ListObjectsV2',
        'logs:CreateLogGroup',
        'emr-containers:StartJobRun',
        'elasticmapreduce:CreatePersistentAppUI',
        'sqs:ReceiveMessage',
        'sts:GetCallerIdentity',
      ]),
    );
    const allowed = actionsOf(
      generate(fullSettings()).permissionsPolicy.Statement,
    );
    const missing = [...operations]
      .map(([operation, file]) => ({
        operation,
        file,
        action: operation in ACTION_OF ? ACTION_OF[operation] : operation,
      }))
      .filter(({ action }) => action !== null && !allowed.has(action));
    expect(missing).toEqual([]);
  });

  it('grants Pod Identity associations and iam:PassRole only on a Pod Identity cluster', () => {
    const irsa = actionsOf(
      generate(fullSettings({ identity: 'irsa' })).permissionsPolicy.Statement,
    );
    const pods = generate(fullSettings()).permissionsPolicy.Statement;
    expect([...irsa].filter(a => /PodIdentity|PassRole/.test(a))).toEqual([]);
    expect(pods.find(s => s.Action === 'iam:PassRole')).toEqual({
      Sid: 'PassTenantRolesToPodIdentity',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: 'arn:aws:iam::123456789012:role/emr-tenant-*',
      Condition: {
        StringEquals: { 'iam:PassedToService': 'pods.eks.amazonaws.com' },
      },
    });
  });

  it('creates roles only within the permissions boundary when one is configured', () => {
    const boundary = 'arn:aws:iam::123456789012:policy/tenant-boundary';
    const statements = generate(
      fullSettings({ iam: { permissionsBoundaryArn: boundary } }),
    ).permissionsPolicy.Statement;
    const creating = statements.filter(s =>
      [s.Action].flat().includes('iam:CreateRole'),
    );
    expect(creating).toEqual([
      expect.objectContaining({
        Condition: { StringEquals: { 'iam:PermissionsBoundary': boundary } },
      }),
    ]);
  });

  it("scopes every grant to the cluster's account, region and tenants' resources", () => {
    const names = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
    fc.assert(
      fc.property(
        fc.record({
          region: fc.constantFrom('us-east-1', 'eu-west-1', 'cn-north-1'),
          prefix: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
          path: fc.constantFrom('/', '/emr-on-eks/', '/a/b/'),
          cluster: names,
          bucket: names.map(n => `${n}-assets`),
        }),
        ({ region, prefix, path: rolePath, cluster, bucket }) => {
          const config = testConfig({
            region,
            iam: { roleNamePrefix: prefix, rolePath },
          });
          const raw = (config.emrOnEks as any).clusters[0];
          raw.name = cluster;
          raw.assetsBucket = bucket;
          const settings = readEmrOnEksSettings(new ConfigReader(config));
          const partition = region.startsWith('cn-') ? 'aws-cn' : 'aws';
          const { permissionsPolicy } = generate(settings);
          const tenantRoles = `arn:${partition}:iam::123456789012:role${rolePath}${prefix}*`;
          const problems = permissionsPolicy.Statement.flatMap(statement =>
            [statement.Resource]
              .flat()
              .map(resource =>
                scopeProblem(statement, resource!, {
                  partition,
                  region,
                  cluster,
                  bucket,
                  tenantRoles,
                }),
              )
              .filter(problem => problem !== undefined),
          );
          expect(problems).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('fits in a customer managed policy (6,144 characters) and an inline one', () => {
    const size = policySize(
      generate(
        fullSettings({
          iam: {
            roleNamePrefix: 'a'.repeat(40),
            rolePath: `/${'p'.repeat(100)}/`,
            permissionsBoundaryArn: `arn:aws:iam::123456789012:policy/${'b'.repeat(
              100,
            )}`,
          },
        }),
      ).permissionsPolicy,
    );
    expect(size).toBeLessThan(6144);
    expect(size).toBeLessThan(IAM_INLINE_POLICY_MAX_SIZE);
  });

  it('trusts the backend with the external id, or without a condition when there is none', () => {
    const settings = fullSettings();
    expect(generate(settings).trustPolicy.Statement).toEqual([
      {
        Sid: 'BackstageEmrOnEks',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111122223333:role/backstage' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': 'example-id' } },
      },
    ]);
    expect(
      platformPolicy({
        settings,
        cluster: settings.clusters[0],
        backendPrincipal: 'arn:aws:iam::111122223333:root',
      }).trustPolicy.Statement[0].Condition,
    ).toBeUndefined();
  });

  it.each([
    [
      'https://sqs.eu-west-1.amazonaws.com/210987654321/events',
      'arn:aws:sqs:eu-west-1:210987654321:events',
    ],
    [
      'http://127.0.0.1:5000/queue/events',
      'arn:aws:sqs:us-east-1:123456789012:events',
    ],
  ])('names the events queue %s as %s', (url, arn) => {
    expect(
      queueArn(url, {
        partition: 'aws',
        region: 'us-east-1',
        account: '123456789012',
      }),
    ).toBe(arn);
  });
});

describe('docs/cross-account.md', () => {
  /** The fenced block after `<!-- generated: <name> -->`. */
  function block(doc: string, name: string): string {
    const match = new RegExp(
      `<!-- generated: ${name} -->\\s*\`\`\`[a-z]*\\n([\\s\\S]*?)\`\`\``,
    ).exec(doc);
    if (!match) {
      throw new Error(`docs/cross-account.md has no block "${name}"`);
    }
    return match[1];
  }

  it("shows the generator's policies for its example cluster", async () => {
    const doc = await fs.readFile(DOC, 'utf8');
    const example = parse(block(doc, 'example config'));
    const settings = readEmrOnEksSettings(new ConfigReader(example));
    const analytics = settings.clusters.find(c => c.aws.roleArn)!;
    const generated = platformPolicy({
      settings,
      cluster: analytics,
      backendPrincipal: EXAMPLE_BACKEND_ROLE,
      externalId: analytics.aws.externalId,
    });

    expect(JSON.parse(block(doc, 'trust policy'))).toEqual(
      generated.trustPolicy,
    );
    expect(JSON.parse(block(doc, 'permissions policy'))).toEqual(
      generated.permissionsPolicy,
    );
  });
});
