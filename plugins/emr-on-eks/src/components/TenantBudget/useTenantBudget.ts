import { useApi } from '@backstage/core-plugin-api';
import { emrOnEksApiRef } from '../../api';
import { useReloadableAsync } from '../../hooks';

/**
 * A tenant's budget, and this month's forecast beside it (its status, and
 * the currency the costs are reported in, a new budget's default). A
 * forecast that cannot be had (costs off, no rows yet) leaves the budget.
 */
export function useTenantBudget(name: string) {
  const api = useApi(emrOnEksApiRef);
  return useReloadableAsync(async () => {
    const [{ budget }, forecast] = await Promise.all([
      api.getTenantBudget(name),
      api.getCostForecast(name).catch(() => undefined),
    ]);
    return { budget, forecast };
  }, [api, name]);
}
