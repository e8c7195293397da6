import { useApi } from '@backstage/core-plugin-api';
import { emrOnEksApiRef } from '../../api';
import { useReloadableAsync } from '../../hooks';
import { DayRange } from '../EntityEmrChargebackCard/periods';

/**
 * A Group's costs over a period, per tenant it owns, in one request (`GET
 * /costs?ownerRef=&groupBy=tenant`): the backend leaves out the tenants the
 * caller may not read.
 */
export function useGroupCosts(ownerRef: string | undefined, range: DayRange) {
  const api = useApi(emrOnEksApiRef);
  return useReloadableAsync(
    async () =>
      ownerRef
        ? api.getOwnerCosts(ownerRef, { ...range, groupBy: ['tenant'] })
        : undefined,
    [api, ownerRef, range.from, range.to],
  );
}
