import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { readEmrOnEksSettings } from '../../config';
import { testConfig } from '../../__testUtils__/fixtures';
import { createCostSources } from './createCostSources';

function settingsWith(costs: object) {
  const config = testConfig() as any;
  config.emrOnEks.costs = costs;
  return readEmrOnEksSettings(new ConfigReader(config));
}

describe('createCostSources', () => {
  it.each([
    [{ duckdb: { curPath: 'c/*.csv', kubecostPath: 'k/*.csv' } }, 'kubecost'],
    [
      {
        compute: 'kubecost',
        duckdb: { curPath: 'c/*.csv' },
        kubecost: { baseUrl: 'http://kubecost:9090' },
      },
      'kubecost',
    ],
    [
      {
        compute: 'opencost',
        duckdb: { curPath: 'c/*.csv' },
        opencost: { baseUrl: 'http://opencost:9003' },
      },
      'opencost',
    ],
    [{ compute: 'cur-split', duckdb: { curPath: 'c/*.csv' } }, 'cur'],
    [
      {
        uplift: 'athena',
        compute: 'cur-split',
        athena: { database: 'cur', table: 'cur_data' },
      },
      'cur',
    ],
  ])(
    'builds the sources of %j without touching them (compute from %s)',
    async (costs, source) => {
      // Nothing is opened at start-up: files may not exist yet, Athena may be
      // unreachable; the first rollup opens them.
      const sources = await createCostSources({
        settings: settingsWith(costs),
        logger: mockServices.logger.mock(),
      });
      expect(sources.compute.source).toBe(source);
      await sources.close();
    },
  );

  it('names the config key when the CUR files are missing at the first rollup', async () => {
    const sources = await createCostSources({
      settings: settingsWith({
        duckdb: {
          curPath: '/nonexistent/cur/*.csv',
          kubecostPath: '/nonexistent/k/*.csv',
        },
      }),
      logger: mockServices.logger.mock(),
    });
    await expect(
      sources.uplift.uplift({ from: '2026-11-01', to: '2026-11-02' }),
    ).rejects.toThrow(/emrOnEks\.costs\.duckdb\.curPath: no files match/);
    await sources.close();
  });
});
