/**
 * Backend plugin of the EMR on EKS plugin set: self-service tenant onboarding
 * for Apache Spark on Amazon EMR on EKS.
 *
 * @packageDocumentation
 */

export { emrOnEksPlugin as default } from './plugin';
export {
  createEmrOnEksTenantConditionalDecision,
  emrOnEksTenantConditions,
  isTenant,
  isTenantOwner,
  tenantResourceRef,
} from './permissions';
export type { TenantFilter } from './permissions';
