import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import {
  ANNOTATION_EMR_ON_EKS_CLUSTER,
  ANNOTATION_EMR_ON_EKS_NAMESPACE,
  ANNOTATION_EMR_ON_EKS_REGION,
  ANNOTATION_EMR_ON_EKS_TENANT,
  ANNOTATION_EMR_ON_EKS_VIRTUAL_CLUSTER_ID,
  Tenant,
  TENANT_ENTITY_LOCATION_TYPE,
} from '@spot-spark/plugin-emr-on-eks-common';

/** The `spec.type` of the Resource of a tenant. @public */
export const EMR_VIRTUAL_CLUSTER_RESOURCE_TYPE = 'emr-virtual-cluster';

/**
 * Where a tenant's entity lives and links to; see {@link tenantToEntity}.
 *
 * @public
 */
export interface TenantEntityOptions {
  /** Catalog namespace of the entity. */
  namespace: string;
  /**
   * Base URL of the backend plugin's API (`http://.../api/emr-on-eks`): the
   * entity's location is `emr-on-eks:<this>/tenants/<name>`.
   */
  apiBaseUrl: string;
  /**
   * URL of the tenants page of the app (`app.baseUrl` + `/emr-on-eks`); the
   * entity links to `<this>?tenant=<name>`. No link when left out.
   */
  tenantsPageUrl?: string;
}

/**
 * The catalog entity of a tenant: a Resource of type `emr-virtual-cluster`
 * named after the tenant, owned by the tenant's owner, with the tenant's
 * identifiers as annotations (the virtual cluster id once onboarding created
 * it) and a link to the tenant's page in the app.
 *
 * @public
 */
export function tenantToEntity(
  tenant: Tenant,
  options: TenantEntityOptions,
): Entity {
  // A location type only an entity provider can give: the catalog sets
  // url: or file: on what it reads from a location.
  const location = `${TENANT_ENTITY_LOCATION_TYPE}:${
    options.apiBaseUrl
  }/tenants/${encodeURIComponent(tenant.name)}`;
  const annotations: Record<string, string> = {
    [ANNOTATION_LOCATION]: location,
    [ANNOTATION_ORIGIN_LOCATION]: location,
    [ANNOTATION_EMR_ON_EKS_TENANT]: tenant.name,
    [ANNOTATION_EMR_ON_EKS_NAMESPACE]: tenant.spec.namespace,
    [ANNOTATION_EMR_ON_EKS_CLUSTER]: tenant.spec.cluster,
  };
  if (tenant.status.virtualClusterId) {
    annotations[ANNOTATION_EMR_ON_EKS_VIRTUAL_CLUSTER_ID] =
      tenant.status.virtualClusterId;
  }
  if (tenant.status.region) {
    annotations[ANNOTATION_EMR_ON_EKS_REGION] = tenant.status.region;
  }
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: tenant.name,
      namespace: options.namespace,
      title: `EMR on EKS tenant ${tenant.name}`,
      ...(tenant.spec.description
        ? { description: tenant.spec.description }
        : {}),
      annotations,
      ...(options.tenantsPageUrl
        ? {
            links: [
              {
                url: `${options.tenantsPageUrl}?tenant=${encodeURIComponent(
                  tenant.name,
                )}`,
                title: 'EMR on EKS tenant page',
                type: 'emr-on-eks-tenant',
              },
            ],
          }
        : {}),
    },
    spec: {
      type: EMR_VIRTUAL_CLUSTER_RESOURCE_TYPE,
      owner: tenant.spec.owner,
    },
  };
}
