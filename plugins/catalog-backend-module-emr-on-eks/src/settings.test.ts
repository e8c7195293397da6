import { ConfigReader } from '@backstage/config';
import { readProviderSettings } from './settings';

const read = (data: object) => readProviderSettings(new ConfigReader(data));

describe('readProviderSettings', () => {
  it('defaults to the default namespace, every 30 minutes with a 3-minute timeout, 100 tenants a page', () => {
    expect(
      read({ app: { baseUrl: 'https://backstage.example.com/' } }),
    ).toEqual({
      namespace: 'default',
      schedule: { frequency: { minutes: 30 }, timeout: { minutes: 3 } },
      pageSize: 100,
      tenantsPageUrl: 'https://backstage.example.com/emr-on-eks',
    });
  });

  it('reads every key of catalog.providers.emrOnEks', () => {
    expect(
      read({
        app: { baseUrl: 'https://backstage.example.com' },
        catalog: {
          providers: {
            emrOnEks: {
              namespace: 'emr-tenants',
              pageSize: 500,
              tenantsPagePath: '/spark/tenants/',
              schedule: {
                frequency: { hours: 1 },
                timeout: { minutes: 10 },
                initialDelay: { seconds: 30 },
              },
            },
          },
        },
      }),
    ).toEqual({
      namespace: 'emr-tenants',
      schedule: {
        frequency: { hours: 1 },
        timeout: { minutes: 10 },
        initialDelay: { seconds: 30 },
      },
      pageSize: 500,
      tenantsPageUrl: 'https://backstage.example.com/spark/tenants',
    });
  });

  it('has no tenant page link without app.baseUrl', () => {
    expect(read({}).tenantsPageUrl).toBeUndefined();
  });

  it.each([
    [{ namespace: 'Not_A_Namespace' }, 'catalog.providers.emrOnEks.namespace'],
    [{ pageSize: 0 }, 'catalog.providers.emrOnEks.pageSize'],
    [{ pageSize: 501 }, 'catalog.providers.emrOnEks.pageSize'],
    [{ pageSize: 2.5 }, 'catalog.providers.emrOnEks.pageSize'],
    [
      { tenantsPagePath: 'https://evil.example.com/' },
      'catalog.providers.emrOnEks.tenantsPagePath',
    ],
    [{ tenantsPagePath: '/a?b' }, 'catalog.providers.emrOnEks.tenantsPagePath'],
    [{ schedule: { frequency: { minutes: 5 } } }, 'timeout'],
  ])('refuses %j, naming %s', (emrOnEks, key) => {
    expect(() => read({ catalog: { providers: { emrOnEks } } })).toThrow(key);
  });
});
