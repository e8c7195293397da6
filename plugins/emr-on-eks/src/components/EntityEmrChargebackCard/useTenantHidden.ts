import { useApi } from '@backstage/core-plugin-api';
import { emrOnEksApiRef } from '../../api';
import { useReloadableAsync } from '../../hooks';
import { isNotVisible } from '../../lib/errors';

/**
 * Whether the user may not see a tenant (its GET answers 403 or 404);
 * undefined while unknown or without a tenant. A Component's report leaves
 * out hidden tenants' costs, so an empty report alone cannot tell "no costs
 * yet" from "not yours".
 */
export function useTenantHidden(tenant: string | undefined) {
  const api = useApi(emrOnEksApiRef);
  const state = useReloadableAsync(async () => {
    if (!tenant) {
      return undefined;
    }
    try {
      await api.getTenant(tenant);
      return false;
    } catch (error) {
      if (isNotVisible(error)) {
        return true;
      }
      throw error;
    }
  }, [api, tenant]);
  return state.value;
}
