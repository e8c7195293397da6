import fc from 'fast-check';
import {
  imageProblem,
  parseImageAllowEntry,
  parseImageReference,
} from './images';

const ECR = '755674844232.dkr.ecr.us-east-1.amazonaws.com';
const EMR_SPARK = `${ECR}/spark/`;
const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('parseImageReference', () => {
  it.each([
    [
      `${ECR}/spark/emr-7.5.0:latest`,
      { registry: ECR, repository: ['spark', 'emr-7.5.0'], tag: 'latest' },
    ],
    [
      `${ECR}/spark/emr-7.5.0@${DIGEST}`,
      { registry: ECR, repository: ['spark', 'emr-7.5.0'], digest: DIGEST },
    ],
    [
      `${ECR}/spark/emr-7.5.0:latest@${DIGEST}`,
      {
        registry: ECR,
        repository: ['spark', 'emr-7.5.0'],
        tag: 'latest',
        digest: DIGEST,
      },
    ],
    [
      'localhost:5000/spark:3.5',
      { registry: 'localhost:5000', repository: ['spark'], tag: '3.5' },
    ],
    // Docker Hub, as container runtimes fill it in.
    [
      'ubuntu:22.04',
      {
        registry: 'docker.io',
        repository: ['library', 'ubuntu'],
        tag: '22.04',
      },
    ],
    [
      'apache/spark',
      { registry: 'docker.io', repository: ['apache', 'spark'] },
    ],
  ])('parses %s', (text, image) => {
    expect(parseImageReference(text)).toEqual({ ok: true, value: image });
  });

  it.each([
    ['an empty text', ''],
    ['a tag alone', ':latest'],
    ['a climb', '../'],
    ['a climb inside the path', `${ECR}/spark/../evil/x:1`],
    ['an upper-case registry', `${ECR.toUpperCase()}/spark/emr-7.5.0:latest`],
    ['an upper-case repository', `${ECR}/Spark/emr-7.5.0:latest`],
    ['a leading space', ` ${ECR}/spark/emr-7.5.0:latest`],
    ['a trailing newline', `${ECR}/spark/emr-7.5.0:latest\n`],
    ['a tab inside', `${ECR}/spark/\temr-7.5.0`],
    ['user info', `user:secret@${ECR}/spark/emr-7.5.0:latest`],
    ['a scheme', `https://${ECR}/spark/emr-7.5.0:latest`],
    ['an empty path component', `${ECR}//spark/emr-7.5.0`],
    ['a trailing slash', `${ECR}/spark/`],
    ['a double separator', `${ECR}/spark/emr..7`],
    ['a short digest', `${ECR}/spark/emr-7.5.0@sha256:abc`],
    ['an md5 digest', `${ECR}/spark/emr-7.5.0@md5:${'a'.repeat(32)}`],
    ['a tag of 129 characters', `${ECR}/spark/emr:${'a'.repeat(129)}`],
    ['a Cyrillic look-alike', `${ECR}/spаrk/emr-7.5.0:latest`],
    ['a name of 300 characters', `${ECR}/${'a'.repeat(300)}`],
  ])('refuses %s', (_what, text) => {
    expect(parseImageReference(text)).toEqual({
      ok: false,
      reason: expect.any(String),
    });
  });
});

describe('parseImageAllowEntry', () => {
  it.each([
    [`${ECR}/`, { registry: ECR, repository: [], prefix: true }],
    [EMR_SPARK, { registry: ECR, repository: ['spark'], prefix: true }],
    [
      `${ECR}/spark-custom/team-a`,
      { registry: ECR, repository: ['spark-custom', 'team-a'], prefix: false },
    ],
  ])('parses %s', (text, entry) => {
    expect(parseImageAllowEntry(text)).toEqual({ ok: true, value: entry });
  });

  it.each([
    ['a registry without its slash', ECR, 'needs a /'],
    ['no registry host', 'spark/', 'names no registry host'],
    ['a tag', `${ECR}/spark:latest`, 'names a tag or digest'],
    ['a digest', `${ECR}/spark@${DIGEST}`, 'names a tag or digest'],
    ['an empty component', `${ECR}//`, 'empty path component'],
    ['an upper-case host', `${ECR.toUpperCase()}/spark/`, 'lowercase'],
    ['a space', `${ECR}/spark /`, 'repository path'],
  ])('refuses %s', (_what, text, reason) => {
    expect(parseImageAllowEntry(text)).toEqual({
      ok: false,
      reason: expect.stringContaining(reason),
    });
  });
});

describe('imageProblem', () => {
  it.each([
    `${ECR}/spark/emr-7.5.0:latest`,
    `${ECR}/spark/emr-7.5.0@${DIGEST}`,
    `${ECR}/spark/emr-6.15.0`,
  ])('allows the release image %s', image => {
    expect(imageProblem(image, [EMR_SPARK])).toBeUndefined();
  });

  it.each([
    ['another registry', `evil.example.com/x@${DIGEST}`],
    [
      'a host that only starts like the registry',
      `${ECR}.evil.com/spark/emr-7.5.0:latest`,
    ],
    ['another account', '123456789012.dkr.ecr.us-east-1.amazonaws.com/spark/x'],
    ['another region', `${ECR.replace('us-east-1', 'eu-west-1')}/spark/x:1`],
    ['a sibling repository', `${ECR}/spark-evil/emr-7.5.0:latest`],
    ['the prefix repository itself', `${ECR}/spark:latest`],
    ['another port', `${ECR}:444/spark/emr-7.5.0:latest`],
    ['Docker Hub', 'spark:3.5.0'],
  ])('refuses %s', (_what, image) => {
    expect(imageProblem(image, [EMR_SPARK])).toContain(
      `is not in an image repository this cluster allows (guardrails.allowedImages: ${EMR_SPARK})`,
    );
  });

  it('matches an exact repository only, never one that starts with it', () => {
    const allowed = ['registry.example.com/repo/spark'];
    expect(
      imageProblem('registry.example.com/repo/spark:3.5', allowed),
    ).toBeUndefined();
    for (const image of [
      'registry.example.com/repo/spark-evil:3.5',
      'registry.example.com/repo/spark/evil:3.5',
      'registry.example.com/repo/sparkle:3.5',
    ]) {
      expect([image, imageProblem(image, allowed)]).toEqual([
        image,
        expect.stringContaining('is not in an image repository'),
      ]);
    }
  });

  it('names the list, and says when a value is no image at all', () => {
    expect(imageProblem(' spark', [EMR_SPARK, 'r.example.com/x/'])).toBe(
      `" spark" is not an image reference: it has a repository path that is not lowercase letters and digits separated by single . _ - or /; an image is registry/repository with a :tag or an @sha256: digest, in lowercase, like registry.example.com/spark/emr-7.5.0:latest (guardrails.allowedImages: ${EMR_SPARK}, r.example.com/x/)`,
    );
    expect(imageProblem(`${ECR}/spark/x`, [])).toContain(
      'guardrails.allowedImages: none',
    );
  });

  /** Characters that make up references, and the tricks around them. */
  const CHARACTERS = [
    ...'abcz09-._/:@',
    'A',
    ' ',
    '\n',
    '\t',
    '%',
    '\u0430',
    '\u200b',
  ];
  const suffix = fc
    .array(fc.constantFrom(...CHARACTERS), { maxLength: 30 })
    .map(chars => chars.join(''));

  it('allows an image only when its text starts with a prefix entry (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          EMR_SPARK,
          'registry.example.com/',
          'localhost:5000/a/',
        ),
        suffix,
        suffix,
        (entry, before, after) => {
          // Variations around the entry: text before it, after it, or in it.
          const allowedOutside = [
            before + entry + after,
            entry + after,
            entry.slice(0, -1) + after,
          ].filter(
            text =>
              imageProblem(text, [entry]) === undefined &&
              !(
                text.startsWith(entry) &&
                // A tag may have capitals (`:Latest`); the rest may not.
                /^[a-z0-9.:/_@-]+$/.test(text.replace(/:\w[\w.-]*$/, ''))
              ),
          );
          expect(allowedOutside).toEqual([]);
        },
      ),
    );
  });

  it('allows every well-formed image below a prefix entry (property)', () => {
    const component = fc.stringMatching(/^[a-z0-9]{1,8}([._-][a-z0-9]{1,8})?$/);
    fc.assert(
      fc.property(
        fc.array(component, { minLength: 1, maxLength: 4 }),
        fc.option(fc.stringMatching(/^\w[\w.-]{0,20}$/), { nil: undefined }),
        (path, tag) => {
          const image = `${EMR_SPARK}${path.join('/')}${tag ? `:${tag}` : ''}`;
          expect(imageProblem(image, [EMR_SPARK])).toBeUndefined();
        },
      ),
    );
  });
});
