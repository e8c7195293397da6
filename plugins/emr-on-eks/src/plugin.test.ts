import {
  EmrOnEksPage,
  emrOnEksApiRef,
  emrOnEksPlugin,
  EntityEmrChargebackCard,
  EntityEmrGroupCostsCard,
  EntityEmrJobRunsCard,
  EntityEmrJobRunsContent,
  isEmrChargebackAvailable,
  isEmrGroupCostsAvailable,
  isEmrOnEksAvailable,
} from './index';

describe('the legacy plugin', () => {
  it('has the plugin id, its API and its extensions', () => {
    expect(emrOnEksPlugin.getId()).toBe('emr-on-eks');
    expect(
      [...emrOnEksPlugin.getApis()].map(factory => factory.api.id),
    ).toEqual([emrOnEksApiRef.id]);
    expect(emrOnEksApiRef.id).toBe('plugin.emr-on-eks.service');
    expect(EntityEmrJobRunsCard).toBeDefined();
    expect(EntityEmrJobRunsContent).toBeDefined();
    expect(EntityEmrChargebackCard).toBeDefined();
    expect(typeof isEmrChargebackAvailable).toBe('function');
    expect(EntityEmrGroupCostsCard).toBeDefined();
    expect(typeof isEmrGroupCostsAvailable).toBe('function');
    expect(EmrOnEksPage).toBeDefined();
    expect(typeof isEmrOnEksAvailable).toBe('function');
  });
});
