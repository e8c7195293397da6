import fc from 'fast-check';
import { redactIdentifiers } from './redact';

describe('redactIdentifiers', () => {
  it('replaces the ARNs of an access-denied message, keeping the words around them', () => {
    expect(
      redactIdentifiers(
        'User: arn:aws:sts::999988887777:assumed-role/platform-admin/i-0abc is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::999988887777:role/emr-tenant-team-b because no identity-based policy allows the iam:CreateRole action',
      ),
    ).toBe(
      'User: <arn> is not authorized to perform: iam:CreateRole on resource: <arn> because no identity-based policy allows the iam:CreateRole action',
    );
  });

  it('keeps the ARNs it is told to keep, account id included', () => {
    const own = 'arn:aws:iam::123456789012:role/emr-tenant-team-a';
    expect(
      redactIdentifiers(
        `Role ${own} cannot be assumed by arn:aws:iam::123456789012:role/emr-tenant-team-b.`,
        { arns: [own] },
      ),
    ).toBe(`Role ${own} cannot be assumed by <arn>.`);
  });

  it.each([
    [
      'China',
      'arn:aws-cn:emr-containers:cn-north-1:123456789012:/virtualclusters/abc',
    ],
    ['GovCloud', 'arn:aws-us-gov:iam::123456789012:role/x'],
    ['ISOB', 'arn:aws-iso-b:s3:::bucket/key'],
    [
      'an S3 bucket (no account)',
      'arn:aws:s3:::shared-data-emr-assets/pod-templates/team-a/driver.yaml',
    ],
    ['an AWS managed policy', 'arn:aws:iam::aws:policy/ReadOnlyAccess'],
    [
      'a log group',
      'arn:aws:logs:us-east-1:123456789012:log-group:/emr-on-eks/team-a:*',
    ],
  ])('replaces ARNs of %s', (_what, arn) => {
    expect(redactIdentifiers(`denied on ${arn}, retry`)).toBe(
      'denied on <arn>, retry',
    );
  });

  it('replaces account ids standing alone, unless kept', () => {
    expect(redactIdentifiers('account 123456789012 (999988887777).')).toBe(
      'account <account-id> (<account-id>).',
    );
    expect(
      redactIdentifiers('account 123456789012 (999988887777).', {
        accountIds: ['123456789012'],
      }),
    ).toBe('account 123456789012 (<account-id>).');
  });

  it('replaces access key ids and IAM unique ids', () => {
    expect(
      redactIdentifiers(
        'The security token AKIAIOSFODNN7EXAMPLE (session ASIAIOSFODNN7EXAMPLE) of AROAJ2UCCR6DPCEXAMPLE:botocore is invalid',
      ),
    ).toBe(
      'The security token <access-key-id> (session <access-key-id>) of <aws-unique-id>:botocore is invalid',
    );
  });

  it.each([
    'job run 0a1b2c3d-0000-4000-8000-000000000042 not found',
    'created at 1712345678901 (13 digits), 12345678901 (11)',
    'Kubernetes refused to apply Namespace team-a (HTTP 409): conflict',
    'arn: is not an ARN, neither is arn:aws:iam',
    'image 123456789012abc and abc123456789012',
  ])('leaves what only looks like an identifier: %s', message => {
    expect(redactIdentifiers(message)).toBe(message);
  });

  describe('properties', () => {
    const partition = fc.constantFrom(
      'aws',
      'aws-cn',
      'aws-us-gov',
      'aws-iso',
      'aws-iso-b',
      'aws-eusc',
    );
    const accountId = fc.stringMatching(/^\d{12}$/);
    const arn = fc
      .record({
        partition,
        service: fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/),
        region: fc.constantFrom('', 'us-east-1', 'cn-north-1', 'us-gov-west-1'),
        account: fc.oneof(
          { weight: 8, arbitrary: accountId },
          fc.constantFrom('', 'aws'),
        ),
        // Resources do not end in `.`, `,` or `:` (see redact.ts).
        resource: fc.stringMatching(
          /^[A-Za-z0-9_+=,.@/:*-]{0,30}[A-Za-z0-9_+=@/*-]$/,
        ),
      })
      .map(
        a =>
          `arn:${a.partition}:${a.service}:${a.region}:${a.account}:${a.resource}`,
      );
    const accessKeyId = fc.stringMatching(/^A[KS]IA[A-Z0-9]{16}$/);
    /** Words and numbers that are no identifiers. */
    const plain = fc.oneof(
      fc.stringMatching(/^[A-Za-z]{1,10}$/),
      fc.stringMatching(/^\d{1,11}$/),
      fc.constantFrom('HTTP 409', 'team-a', 'iam:GetRole', '(retry)'),
    );
    const separator = fc.constantFrom(
      ' ',
      ': ',
      ', ',
      '. ',
      ' (',
      ') ',
      '"',
      '\n',
      ' / ',
    );
    type Part =
      | { kind: 'arn'; text: string; keep: boolean }
      | { kind: 'account'; text: string; keep: boolean }
      | { kind: 'key' | 'plain'; text: string };
    const part: fc.Arbitrary<Part> = fc.oneof(
      fc.record({
        kind: fc.constant('arn' as const),
        text: arn,
        keep: fc.boolean(),
      }),
      fc.record({
        kind: fc.constant('account' as const),
        text: accountId,
        keep: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('key' as const), text: accessKeyId }),
      fc.record({ kind: fc.constant('plain' as const), text: plain }),
    );
    const message = fc
      .array(fc.tuple(part, separator), { maxLength: 8 })
      .map(parts => ({
        parts: parts.map(([p]) => p),
        text: parts.map(([p, sep]) => p.text + sep).join(''),
      }));
    const keepOf = (parts: Part[]) => ({
      arns: parts.flatMap(p => (p.kind === 'arn' && p.keep ? [p.text] : [])),
      accountIds: parts.flatMap(p =>
        p.kind === 'account' && p.keep ? [p.text] : [],
      ),
    });
    const digitRuns = (text: string) =>
      [...text.matchAll(/\d{12,}/g)].flatMap(([run]) =>
        Array.from({ length: run.length - 11 }, (_, i) => run.slice(i, i + 12)),
      );

    it('output contains no 12-digit run of an ARN that was not kept', () => {
      fc.assert(
        fc.property(message, ({ parts, text }) => {
          const keep = keepOf(parts);
          const allowed = new Set([
            ...keep.arns.flatMap(digitRuns),
            ...keep.accountIds,
          ]);
          const foreignRuns = parts
            .flatMap(p => (p.kind === 'arn' && !p.keep ? [p.text] : []))
            .flatMap(digitRuns)
            .filter(run => !allowed.has(run));
          const output = redactIdentifiers(text, keep);
          for (const run of foreignRuns) {
            expect(output).not.toContain(run);
          }
        }),
      );
    });

    it('output contains every kept ARN and no access key id', () => {
      fc.assert(
        fc.property(message, ({ parts, text }) => {
          const keep = keepOf(parts);
          const output = redactIdentifiers(text, keep);
          for (const kept of keep.arns) {
            expect(output).toContain(kept);
          }
          for (const key of parts.filter(p => p.kind === 'key')) {
            expect(output).not.toContain(key.text);
          }
        }),
      );
    });

    it('is idempotent', () => {
      const anyText = fc.oneof(
        message.map(m => ({ text: m.text, keep: keepOf(m.parts) })),
        fc.record({
          text: fc.string({ unit: 'binary-ascii', maxLength: 200 }),
          keep: fc.constant({}),
        }),
      );
      fc.assert(
        fc.property(anyText, ({ text, keep }) => {
          const once = redactIdentifiers(text, keep);
          expect(redactIdentifiers(once, keep)).toBe(once);
        }),
      );
    });

    it('leaves messages without identifiers unchanged', () => {
      const withoutIdentifiers = fc.oneof(
        fc
          .array(fc.tuple(plain, separator), { maxLength: 10 })
          .map(parts => parts.map(([p, sep]) => p + sep).join('')),
        fc
          .string({ unit: 'binary-ascii', maxLength: 200 })
          .filter(
            s =>
              !/\d{12}|arn:aws|A(?:KIA|SIA|IDA|ROA|GPA|NPA|NVA|IPA)[A-Z0-9]{13}/.test(
                s,
              ),
          ),
      );
      fc.assert(
        fc.property(withoutIdentifiers, text => {
          expect(redactIdentifiers(text)).toBe(text);
        }),
      );
    });
  });
});
