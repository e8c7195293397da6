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
      },
    });
  });
});
