import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { Tenant } from '@spot-spark/plugin-emr-on-eks-common';
import type { BackendClientDeps } from './backendClient';
import { describeBackendError, isNotFound } from './backendErrors';
import { waitForReady } from './waitForReady';
import type { ActionSettings } from './settings';
import { examples } from './tenantOnboard.examples';
import {
  AppLinks,
  tenantOutputs,
  tenantOutputSchema,
  tenantUrl,
} from './tenantOutputs';
import {
  checkTenantSpec,
  tenantSpecInputSchema,
  tenantSpecOf,
} from './tenantSpecInput';

/**
 * `emr-on-eks:tenant:onboard`: creates a tenant, or updates it to the given
 * spec, as the user who runs the template, then waits until it is Ready.
 *
 * @public
 */
export function createTenantOnboardAction(
  options: BackendClientDeps & { links: AppLinks; settings: ActionSettings },
) {
  const { links, settings } = options;
  return createTemplateAction({
    id: 'emr-on-eks:tenant:onboard',
    description:
      'Onboards an EMR on EKS tenant (namespace, virtual cluster, IAM role, quotas, network policy, pod templates, logs), or updates it to this spec, as the user running the template; waits until it is Ready.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...tenantSpecInputSchema,
        waitTimeoutMinutes: z =>
          z
            .number()
            .positive()
            .max(120)
            .optional()
            .describe(
              `How long to wait for Ready (default ${settings.waitTimeoutMinutes} minutes)`,
            ),
      },
      output: tenantOutputSchema,
    },
    async handler(ctx) {
      const spec = tenantSpecOf(ctx.input);
      if (ctx.isDryRun) {
        // Checked with the backend's rules; nothing is sent.
        checkTenantSpec(spec);
        ctx.logger.info(`Dry run: would onboard tenant ${spec.name}`);
        ctx.output('name', spec.name);
        ctx.output('namespace', spec.namespace ?? spec.name);
        ctx.output(
          'entityRef',
          `resource:${links.catalogNamespace}/${spec.name}`,
        );
        ctx.output('tenantUrl', tenantUrl(links, spec.name));
        return;
      }
      const client = options.emrOnEks.forCredentials(
        await ctx.getInitiatorCredentials(),
      );

      // Once per task: a retried task waits for the same change instead of
      // sending it again.
      const { generation } = await ctx.checkpoint({
        key: `emr-on-eks.tenant.onboard.${spec.name}`,
        fn: async () => {
          let existing: Tenant | undefined;
          try {
            existing = await client.getTenant(spec.name);
          } catch (error) {
            if (!isNotFound(error)) {
              throw describeBackendError(error, `Reading tenant ${spec.name}`);
            }
          }
          try {
            const tenant = existing
              ? await client.updateTenant(spec.name, spec, {
                  generation: existing.generation,
                })
              : await client.createTenant(spec);
            ctx.logger.info(
              existing
                ? `Updating tenant ${tenant.name} to generation ${tenant.generation}`
                : `Onboarding tenant ${tenant.name}`,
            );
            // An admin onboarding onto a cluster whose preflight fails is
            // let through with the failed checks: show them in the task log.
            for (const warning of tenant.warnings ?? []) {
              ctx.logger.warn(warning);
            }
            return { generation: tenant.generation };
          } catch (error) {
            throw describeBackendError(
              error,
              `${existing ? 'Updating' : 'Onboarding'} tenant ${spec.name}`,
            );
          }
        },
      });

      const tenant = await waitForReady({
        client,
        name: spec.name,
        generation,
        timeoutMs:
          (ctx.input.waitTimeoutMinutes ?? settings.waitTimeoutMinutes) *
          60_000,
        pollIntervalMs: settings.pollIntervalSeconds * 1000,
        logger: ctx.logger,
        signal: ctx.signal,
      });
      for (const [key, value] of Object.entries(tenantOutputs(tenant, links))) {
        ctx.output(key as keyof typeof tenantOutputSchema, value as any);
      }
    },
  });
}
