import fc from 'fast-check';
import { findUris, parseUri } from './uris';

describe('parseUri', () => {
  it.each([
    ['s3://lake/team-a/x.py', 'lake', 'team-a/x.py'],
    ['s3a://lake/team-a/x.py', 'lake', 'team-a/x.py'],
    ['s3n://lake/team-a/x.py', 'lake', 'team-a/x.py'],
    ['S3://Lake/team-a/X.py', 'lake', 'team-a/X.py'],
    ['s3://lake/team-a/', 'lake', 'team-a/'],
    ['s3://lake//team-a///x.py', 'lake', 'team-a/x.py'],
    ['s3://lake/team-a/./x.py', 'lake', 'team-a/x.py'],
    ['s3://lake/team-a/x=/../../team-b/', 'lake', 'team-b/'],
    ['s3://lake/team-a/%2e%2e/team-b/y', 'lake', 'team-b/y'],
    ['s3://lake/team-a%2F..%2Fteam-b/y', 'lake', 'team-b/y'],
    ['s3://lake/team-a/..', 'lake', ''],
  ])('resolves %s to bucket %s, key %s', (text, bucket, key) => {
    expect(parseUri(text)).toEqual({ kind: 's3', bucket, key, text });
  });

  it.each([
    ['s3://lake/../other/x', 'does not resolve inside its bucket'],
    ['s3://lake/%zz', 'does not resolve inside its bucket'],
    ['s3:///x', 'names no bucket'],
    ['s3://Bad_Bucket/x', 'names no valid bucket'],
    ['https://example.com/x.jar', 'the https:// scheme is not allowed'],
    ['http://example.com/x.jar', 'the http:// scheme is not allowed'],
    ['hdfs://namenode/x', 'the hdfs:// scheme is not allowed'],
    ['file:///etc/passwd', 'the file:// scheme is not allowed'],
    ['local://host/app.py', 'local URIs are local:///path'],
    ['jar.jar', 'is not a URI'],
  ])('refuses %s: %s', (text, reason) => {
    expect(parseUri(text)).toMatchObject({
      kind: 'refused',
      reason: expect.stringContaining(reason),
    });
  });

  it.each([
    ['s3://lake/team-a/*.csv', '*'],
    ['s3a://lake/team-a/part-?.parquet', '?'],
    ['s3n://lake/team-a/[ab]/x', '['],
    ['s3://lake/team-a/{x,y}/', '{'],
    ['s3://lake/team-*/x', '*'],
    ['s3://lake/team-a/%2A.csv', '*'],
    ['s3://lake/team-a/%7Bx%7D', '{'],
    ['local:///opt/jobs/*.py', '*'],
  ])('refuses %s: Hadoop would expand %s', (text, glob) => {
    expect(parseUri(text)).toEqual({
      kind: 'refused',
      text,
      reason: `has the glob character ${glob}, which Hadoop and Spark expand into every matching path, so the pattern could reach beyond the path that was checked; name each file or directory`,
    });
  });

  it('refuses every S3 path with a glob character, raw or percent-encoded (property)', () => {
    const plain = fc.stringMatching(/^[a-z0-9/=._-]{0,12}$/);
    const glob = fc.constantFrom(
      '*',
      '?',
      '[',
      '{',
      '%2A',
      '%2a',
      '%3F',
      '%5B',
      '%7B',
    );
    fc.assert(
      fc.property(
        fc.constantFrom('s3', 's3a', 's3n', 'S3'),
        plain,
        glob,
        plain,
        (scheme, before, pattern, after) => {
          const text = `${scheme}://lake/${before}${pattern}${after}`;
          expect(parseUri(text)).toMatchObject({
            kind: 'refused',
            reason: expect.stringContaining('glob character'),
          });
        },
      ),
    );
  });

  it('accepts a path inside the image', () => {
    expect(parseUri('local:///opt/app/main.py')).toEqual({
      kind: 'local',
      path: '/opt/app/main.py',
      text: 'local:///opt/app/main.py',
    });
  });
});

describe('findUris', () => {
  it('finds URIs of every scheme inside values and arguments', () => {
    expect(
      findUris(
        '--input=s3://lake/a/,s3n://other/b --jar https://x.example/j.jar;file:/etc/x "hdfs://nn/y"',
      ),
    ).toEqual([
      's3://lake/a/',
      's3n://other/b',
      'https://x.example/j.jar',
      'file:/etc/x',
      'hdfs://nn/y',
    ]);
  });
});
