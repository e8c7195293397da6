/**
 * Catalog backend module: every EMR on EKS tenant as a Resource of type
 * `emr-virtual-cluster`, updated on every change.
 *
 * @packageDocumentation
 */

export { catalogModuleEmrOnEksTenants as default } from './module';
export { EmrOnEksTenantEntityProvider } from './EmrOnEksTenantEntityProvider';
export type { EmrOnEksTenantEntityProviderOptions } from './EmrOnEksTenantEntityProvider';
export {
  EMR_VIRTUAL_CLUSTER_RESOURCE_TYPE,
  tenantToEntity,
} from './tenantToEntity';
export type { TenantEntityOptions } from './tenantToEntity';
