import { useApi } from '@backstage/core-plugin-api';
import { emrOnEksApiRef } from '../api';
import { useReloadableAsync } from './useReloadableAsync';

/** A page of the tenants the caller may read, by name. */
export function useTenants(options: { cursor?: string; limit: number }) {
  const api = useApi(emrOnEksApiRef);
  const { cursor, limit } = options;
  return useReloadableAsync(
    () => api.listTenants({ cursor, limit }),
    [api, cursor, limit],
  );
}

/** One tenant; the error is a 404 when it is unknown or hidden. */
export function useTenant(name: string) {
  const api = useApi(emrOnEksApiRef);
  return useReloadableAsync(() => api.getTenant(name), [api, name]);
}

/** A page of a tenant's audit trail, newest first. */
export function useTenantAudit(options: {
  name: string;
  cursor?: string;
  limit: number;
  /** Another value fetches again (after an action added records). */
  reloadToken?: number;
}) {
  const api = useApi(emrOnEksApiRef);
  const { name, cursor, limit, reloadToken } = options;
  return useReloadableAsync(
    () => api.listTenantAudit(name, { cursor, limit }),
    [api, name, cursor, limit, reloadToken],
  );
}
