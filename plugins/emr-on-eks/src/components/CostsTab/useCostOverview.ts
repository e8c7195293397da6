import { useApi } from '@backstage/core-plugin-api';
import { emrOnEksApiRef } from '../../api';
import { useReloadableAsync } from '../../hooks';

/** Every tenant's costs of a month side by side (`GET /costs/overview`). */
export function useCostOverview(month: string) {
  const api = useApi(emrOnEksApiRef);
  return useReloadableAsync(() => api.getCostOverview({ month }), [api, month]);
}
