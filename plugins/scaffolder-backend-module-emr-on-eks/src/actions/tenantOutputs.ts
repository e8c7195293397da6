import type { Config } from '@backstage/config';
import type { Tenant } from '@spot-spark/plugin-emr-on-eks-common';
import type { Zod } from './zod';

/** What a template gets to know of a tenant: the ids its jobs need. */
export interface TenantOutputs {
  [key: string]: string | { [key: string]: string };
  name: string;
  namespace: string;
  virtualClusterId: string;
  executionRoleArn: string;
  logGroupName: string;
  assetsPrefix: string;
  podTemplates: { driver: string; executor: string; executorOnDemand: string };
  entityRef: string;
  tenantUrl: string;
}

/**
 * Where the app shows things, from config: the tenants page and the catalog
 * namespace the tenant entity provider writes to.
 *
 * @public
 */
export interface AppLinks {
  /** `app.baseUrl`, without a trailing slash. */
  baseUrl: string;
  /** Catalog namespace of the tenants' Resource entities. */
  catalogNamespace: string;
}

/** Reads {@link AppLinks} from the root config. */
export function readAppLinks(config: Config): AppLinks {
  return {
    baseUrl: config.getString('app.baseUrl').replace(/\/+$/, ''),
    catalogNamespace:
      config.getOptionalString('catalog.providers.emrOnEks.namespace') ??
      'default',
  };
}

/** The page of a tenant in the app's EMR on EKS page. */
export function tenantUrl(links: AppLinks, tenant: string): string {
  return `${links.baseUrl}/emr-on-eks?${new URLSearchParams({ tenant })}`;
}

/** The action outputs of a tenant, empty strings for what is not there yet. */
export function tenantOutputs(tenant: Tenant, links: AppLinks): TenantOutputs {
  const { status } = tenant;
  return {
    name: tenant.name,
    namespace: status.namespace,
    virtualClusterId: status.virtualClusterId ?? '',
    executionRoleArn: status.executionRoleArn ?? '',
    logGroupName: status.logGroupName ?? '',
    assetsPrefix: status.assetsPrefix ?? '',
    podTemplates: {
      driver: status.podTemplates?.driver ?? '',
      executor: status.podTemplates?.executor ?? '',
      executorOnDemand: status.podTemplates?.executorOnDemand ?? '',
    },
    entityRef: `resource:${links.catalogNamespace}/${tenant.name}`,
    tenantUrl: tenantUrl(links, tenant.name),
  };
}

/** The output schema of {@link tenantOutputs}, in the scaffolder's zod. */
export const tenantOutputSchema = {
  name: (z: Zod) => z.string().describe('Tenant name'),
  namespace: (z: Zod) =>
    z.string().describe('Kubernetes namespace of the tenant'),
  virtualClusterId: (z: Zod) =>
    z.string().describe('EMR on EKS virtual cluster id'),
  executionRoleArn: (z: Zod) =>
    z.string().describe('ARN of the IAM job execution role'),
  logGroupName: (z: Zod) =>
    z.string().describe("CloudWatch Logs group of the tenant's jobs"),
  assetsPrefix: (z: Zod) =>
    z
      .string()
      .describe(
        "s3://<assets bucket>/tenants/<name>/<uid>/: the tenant's prefix for code, pod templates and logs",
      ),
  podTemplates: (z: Zod) =>
    z
      .object({
        driver: z.string(),
        executor: z.string(),
        executorOnDemand: z.string(),
      })
      .describe("S3 URIs of the tenant's pod templates"),
  entityRef: (z: Zod) =>
    z.string().describe("Ref of the tenant's catalog Resource"),
  tenantUrl: (z: Zod) => z.string().describe("The tenant's page in the app"),
};
