import { useApi } from '@backstage/core-plugin-api';
import { emrOnEksApiRef } from '../api';
import { JobRunFilters, serverFilterKey, toListQuery } from '../lib/filters';
import { useReloadableAsync } from './useReloadableAsync';

/** Whose runs a list shows. */
export type JobRunScope =
  | { kind: 'entity'; entityRef: string }
  | { kind: 'tenant'; tenant: string };

/** One page of runs of an entity or a tenant, with the server-side filters. */
export function useJobRuns(options: {
  scope: JobRunScope;
  filters: JobRunFilters;
  cursor?: string;
  limit: number;
}) {
  const api = useApi(emrOnEksApiRef);
  const { scope, filters, cursor, limit } = options;
  const scopeKey =
    scope.kind === 'entity'
      ? `entity:${scope.entityRef}`
      : `tenant:${scope.tenant}`;
  return useReloadableAsync(async () => {
    // Relative time ranges count back from the moment of each fetch.
    const query = { ...toListQuery(filters, Date.now()), limit, cursor };
    return scope.kind === 'tenant'
      ? api.listTenantJobRuns(scope.tenant, query)
      : api.listJobRuns({ ...query, entityRef: scope.entityRef });
  }, [api, scopeKey, serverFilterKey(filters), cursor, limit]);
}
