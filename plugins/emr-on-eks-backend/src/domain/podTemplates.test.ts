import { spec, testSettings } from '../__testUtils__/fixtures';
import { validateAgainstUpstreamSchema } from '../__testUtils__/kubernetesSchemas';
import { capacityPlacement, SPOT_EXECUTOR_TAINT } from './capacity';
import { tenantPodTemplates } from './podTemplates';

describe('pod templates and capacityPlacement', () => {
  const cluster = {
    ...testSettings().clusters[0],
    capacityTypeLabel: 'example.com/lifecycle',
    capacityTypeValues: { onDemand: 'regular', spot: 'preemptible' },
  };
  const templates = tenantPodTemplates(spec(), cluster) as any;
  const expression = (template: any) =>
    template.spec.affinity.nodeAffinity
      .requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]
      .matchExpressions[0];

  it('take their affinity from the placement of their capacity, custom labels too', () => {
    const spot = capacityPlacement(cluster, 'spot').nodeSelector;
    const onDemand = capacityPlacement(cluster, 'onDemand').nodeSelector;
    expect(spot).toEqual({
      key: 'example.com/lifecycle',
      values: ['preemptible'],
    });
    expect(expression(templates.executor)).toEqual({ ...spot, operator: 'In' });
    expect(expression(templates.driver)).toEqual({
      ...onDemand,
      operator: 'In',
    });
    expect(expression(templates.executorOnDemand)).toEqual({
      ...onDemand,
      operator: 'In',
    });
  });

  it('let only Spot executors tolerate the Spot nodes’ taint', () => {
    expect(templates.executor.spec.tolerations).toEqual([
      {
        key: SPOT_EXECUTOR_TAINT.key,
        operator: 'Equal',
        value: SPOT_EXECUTOR_TAINT.value,
        effect: SPOT_EXECUTOR_TAINT.effect,
      },
    ]);
    expect(templates.driver.spec.tolerations).toBeUndefined();
    expect(templates.executorOnDemand.spec.tolerations).toBeUndefined();
    expect(capacityPlacement(cluster, 'spot').taints).toEqual([
      SPOT_EXECUTOR_TAINT,
    ]);
    expect(capacityPlacement(cluster, 'onDemand').taints).toEqual([]);
    for (const template of Object.values(templates)) {
      expect(() =>
        validateAgainstUpstreamSchema(template as any),
      ).not.toThrow();
    }
  });
});
