import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { BackendClientDeps } from './backendClient';
import { describeBackendError } from './backendErrors';
import { examples } from './tenantGet.examples';
import { AppLinks, tenantOutputs, tenantOutputSchema } from './tenantOutputs';

/**
 * `emr-on-eks:tenant:get`: the ids of an existing tenant (virtual cluster,
 * role, log group, pod templates, assets prefix), as the user running the
 * template may see it.
 *
 * @public
 */
export function createTenantGetAction(
  options: BackendClientDeps & { links: AppLinks },
) {
  return createTemplateAction({
    id: 'emr-on-eks:tenant:get',
    description:
      'Reads an EMR on EKS tenant as the user running the template: its namespace, virtual cluster, execution role, log group, pod templates and assets prefix.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z => z.string().describe('Tenant name'),
      },
      output: tenantOutputSchema,
    },
    async handler(ctx) {
      // Reading changes nothing, so a dry run reads too: the steps after it
      // (an entry point under the tenant's prefix) see the real ids.
      const client = options.emrOnEks.forCredentials(
        await ctx.getInitiatorCredentials(),
      );
      let tenant;
      try {
        tenant = await client.getTenant(ctx.input.name);
      } catch (error) {
        throw describeBackendError(error, `Reading tenant ${ctx.input.name}`);
      }
      if (tenant.status.phase !== 'Ready') {
        ctx.logger.warn(
          `Tenant ${tenant.name} is ${tenant.status.phase}: some ids may be empty until it is Ready`,
        );
      }
      const outputs = tenantOutputs(tenant, options.links);
      for (const [key, value] of Object.entries(outputs)) {
        ctx.output(key as keyof typeof tenantOutputSchema, value as any);
      }
    },
  });
}
