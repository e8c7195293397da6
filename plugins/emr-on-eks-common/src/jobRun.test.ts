import { parseJobRunRequest } from './jobRun';

describe('parseJobRunRequest', () => {
  const issuesOf = (input: Record<string, unknown>) => {
    const parsed = parseJobRunRequest({
      name: 'x',
      entryPoint: 's3://data-lake/team-a/x.py',
      ...input,
    });
    return parsed.success ? [] : parsed.issues.map(i => i.path);
  };

  it.each([
    [{ name: 'has space' }, 'name'],
    [{ entryPoint: 'https://example.com/x.py' }, 'entryPoint'],
    [{ mainClass: 'not a class' }, 'mainClass'],
    [{ releaseLabel: '7.5.0' }, 'releaseLabel'],
    [{ driver: { cores: 0 } }, 'driver.cores'],
    [{ driver: { memory: '4096' } }, 'driver.memory'],
    [{ executor: { cores: 2.5 } }, 'executor.cores'],
    [{ executor: { instances: 3, maxExecutors: 5 } }, 'executor.instances'],
    [
      { executor: { minExecutors: 5, maxExecutors: 2 } },
      'executor.minExecutors',
    ],
    [{ sparkConf: { 'not.spark': 'x' } }, 'sparkConf.not.spark'],
    [{ idempotencyKey: 'has space' }, 'idempotencyKey'],
    [{ entityRef: 'daily-sales' }, 'entityRef'],
    [{ spot: 'yes' }, 'spot'],
    [{ colour: 'blue' }, ''],
  ])('rejects %j at %s', (input, path) => {
    expect(issuesOf(input)).toContain(path);
  });

  it('fills defaults', () => {
    const parsed = parseJobRunRequest({
      name: 'x',
      entryPoint: 'local:///app.py',
    });
    expect(parsed).toEqual({
      success: true,
      data: {
        name: 'x',
        entryPoint: 'local:///app.py',
        entryPointArguments: [],
        driver: { cores: 1, memory: '2g' },
        executor: { cores: 2, memory: '4g' },
        spot: true,
        sparkConf: {},
        tags: {},
        retries: 0,
      },
    });
  });

  it.each([[-1], [11], [1.5], ['2'], [null]])('refuses retries %j', retries => {
    expect(
      issuesOf({ name: 'x', entryPoint: 'local:///a.py', retries }),
    ).toContain('retries');
  });

  it.each([[0], [3], [10]])('accepts retries %j', retries => {
    const parsed = parseJobRunRequest({
      name: 'x',
      entryPoint: 'local:///a.py',
      retries,
    });
    expect(parsed.success && parsed.data.retries).toBe(retries);
  });
});

describe('parseJobRunRequest at the edges (issue 8)', () => {
  const parse = (input: Record<string, unknown>) =>
    parseJobRunRequest({
      name: 'x',
      entryPoint: 's3://data-lake/team-a/x.py',
      ...input,
    });
  const pathsOf = (input: Record<string, unknown>) => {
    const parsed = parse(input);
    return parsed.success ? [] : parsed.issues.map(i => i.path);
  };

  it.each([
    [{ releaseLabel: `emr-${'9'.repeat(80)}.0.0-latest` }, 'releaseLabel'],
    [{ releaseLabel: `emr-7.5.0-${'1'.repeat(80)}` }, 'releaseLabel'],
    [{ name: 'n'.repeat(65) }, 'name'],
    [{ mainClass: `a.${'b'.repeat(1100)}` }, 'mainClass'],
    [{ entityRef: 'component:default/daily sales' }, 'entityRef'],
    [{ entityRef: 'component:default/daily-sales\n' }, 'entityRef'],
    [{ entityRef: `component:default/${'a'.repeat(64)}` }, 'entityRef'],
    [{ entityRef: `component:default/${'a'.repeat(300)}` }, 'entityRef'],
    [{ entityRef: 'component:my_ns/daily-sales' }, 'entityRef'],
    [
      {
        sparkConf: Object.fromEntries(
          Array.from({ length: 201 }, (_, i) => [`spark.k${i}`, '1']),
        ),
      },
      'sparkConf',
    ],
    [
      {
        tags: Object.fromEntries(
          Array.from({ length: 41 }, (_, i) => [`t${i}`, '1']),
        ),
      },
      'tags',
    ],
  ])('refuses %j at %s', (input, path) => {
    expect(pathsOf(input)).toContain(path);
  });

  it('normalises the entity ref as the catalog compares refs', () => {
    const parsed = parse({ entityRef: 'Component:Default/Daily-Sales' });
    expect(parsed.success && parsed.data.entityRef).toBe(
      'component:default/daily-sales',
    );
    const bare = parse({ entityRef: 'component:daily-sales' });
    expect(bare.success && bare.data.entityRef).toBe(
      'component:default/daily-sales',
    );
  });
});
