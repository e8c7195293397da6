import { useApiHolder } from '@backstage/core-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  TenantEntityConflict,
  tenantEntityConflicts,
} from '../lib/tenantEntityConflicts';
import { useReloadableAsync } from './useReloadableAsync';

/** Names a catalog request filters on; keeps its URL short. */
const NAMES_PER_REQUEST = 50;

/**
 * The listed tenants whose name a catalog Resource from another source
 * holds (see {@link tenantEntityConflicts}), read with the user's
 * credentials. Nothing to say in an app without the catalog.
 */
export function useTenantEntityConflicts(tenants: string[]) {
  const catalogApi = useApiHolder().get(catalogApiRef);
  const key = tenants.join('\n');
  return useReloadableAsync(async (): Promise<TenantEntityConflict[]> => {
    if (!catalogApi || tenants.length === 0) {
      return [];
    }
    const resources: Entity[] = [];
    for (let i = 0; i < tenants.length; i += NAMES_PER_REQUEST) {
      const { items } = await catalogApi.getEntities({
        filter: {
          kind: 'Resource',
          'metadata.name': tenants.slice(i, i + NAMES_PER_REQUEST),
        },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.annotations',
        ],
      });
      resources.push(...items);
    }
    return tenantEntityConflicts(tenants, resources);
    // The names, not the array: a re-render with the same page asks nothing.
  }, [catalogApi, key]);
}
