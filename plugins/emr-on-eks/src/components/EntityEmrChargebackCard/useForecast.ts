import { useApi } from '@backstage/core-plugin-api';
import { emrOnEksApiRef } from '../../api';
import { useReloadableAsync } from '../../hooks';
import { CostTarget } from './costTarget';

/**
 * This month's forecast and budget of a tenant's card (`GET
 * /tenants/:name/costs/forecast`); nothing to load for a Component's or a
 * Group's, whose costs span several tenants or part of one. `reloadToken`
 * loads it again (the card's refresh).
 */
export function useForecast(target: CostTarget, reloadToken: number) {
  const api = useApi(emrOnEksApiRef);
  const tenant = target.kind === 'tenant' ? target.tenant : undefined;
  return useReloadableAsync(
    async () => (tenant ? api.getCostForecast(tenant) : undefined),
    [api, tenant, reloadToken],
  );
}
