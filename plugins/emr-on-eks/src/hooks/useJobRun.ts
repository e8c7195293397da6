import { useApi } from '@backstage/core-plugin-api';
import { emrOnEksApiRef } from '../api';
import { isNotVisible } from '../lib/errors';
import { useReloadableAsync } from './useReloadableAsync';

/** One run with its request and StartJobRun (only the single GET has them). */
export function useJobRun(id: string) {
  const api = useApi(emrOnEksApiRef);
  return useReloadableAsync(() => api.getJobRun(id), [api, id]);
}

/**
 * A tenant for the console links, or undefined when the caller may not read
 * it (a 403 or 404): the links that do not need it are still shown.
 */
export function useTenantIfVisible(name: string) {
  const api = useApi(emrOnEksApiRef);
  return useReloadableAsync(async () => {
    try {
      return await api.getTenant(name);
    } catch (error) {
      if (isNotVisible(error)) {
        return undefined;
      }
      throw error;
    }
  }, [api, name]);
}
