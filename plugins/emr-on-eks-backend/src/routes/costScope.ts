import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  emrOnEksCostReadPermission,
  emrOnEksTenantHistoryReadPermission,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { CostService } from '../services/costs/CostService';
import type { TenantService } from '../services/tenants/TenantService';
import type { ApiAccess } from './access';

/**
 * Whose costs a cross-tenant report sums: the rows of one catalog entity
 * (`entityRef`, normalised), or every incarnation one owner holds or held
 * (`ownerRef`, normalised: `group:default/team-a`).
 */
export type CostReadScope = { entityRef: string } | { ownerRef: string };

/**
 * The tenant incarnations (uids) whose costs the caller may read for a
 * scope and period: current tenants the caller holds
 * `emrOnEksCostReadPermission` on (one batched authorize), and offboarded
 * incarnations only for who may read tenant history (admins). The others
 * are left out, not refused, so the answer says nothing of them: a caller
 * asking for another team's owner or entity gets an empty report.
 *
 * Shared by `GET /costs` and the MCP cost action, so both answer alike.
 *
 * @param access - the routes' permission checks
 * @param costs - where the entity's tenants and the owner's incarnations are found
 * @param tenants - the current tenants' names, to authorize by
 * @param credentials - the caller's
 * @param scope - an entity or an owner, parsed and normalised
 * @param period - the days asked for (YYYY-MM-DD, inclusive)
 * @returns the readable uids, sorted
 */
export async function readableCostTenantUids(
  access: ApiAccess,
  costs: CostService,
  tenants: TenantService,
  credentials: BackstageCredentials,
  scope: CostReadScope,
  period: { from: string; to: string },
): Promise<string[]> {
  let current: Array<{ uid: string; name: string }>;
  let offboarded: string[];
  if ('ownerRef' in scope) {
    // One query for the owner's incarnations, current and offboarded.
    const owned = await costs.incarnationsOwnedBy(scope.ownerRef, period);
    current = owned.filter(i => !i.offboarded);
    offboarded = owned.filter(i => i.offboarded).map(i => i.uid);
  } else {
    // Only the tenants with rows of the entity are asked about (usually one).
    const uids = await costs.tenantUidsWithCostsOf(scope.entityRef, {
      ...period,
      groupBy: [],
    });
    current = uids.length ? await tenants.listIdentities(uids) : [];
    const isCurrent = new Set(current.map(c => c.uid));
    offboarded = uids.filter(uid => !isCurrent.has(uid));
  }
  const allowed = await access.allowedOn(
    emrOnEksCostReadPermission,
    current.map(c => c.name),
    credentials,
  );
  const readable = [
    ...current.filter((_, i) => allowed[i]).map(c => c.uid),
    ...(offboarded.length > 0 &&
    (await access.allowed(emrOnEksTenantHistoryReadPermission, credentials))
      ? offboarded
      : []),
  ];
  return readable.sort();
}
