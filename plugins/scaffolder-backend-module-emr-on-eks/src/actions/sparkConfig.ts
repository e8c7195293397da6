import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JobRunRequestInput } from '@spot-spark/plugin-emr-on-eks-common';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BackendClientDeps } from './backendClient';
import { describeBackendError } from './backendErrors';
import { checkJobRequest, tenantJobInputSchema } from './jobRequestInput';
import { examples } from './sparkConfig.examples';

/** Where the files go, relative to `targetPath`. */
export const SPARK_CONFIG_FILES = {
  jobConfig: 'emr-job.json',
  podTemplates: 'pod-templates',
  driver: 'pod-templates/driver.yaml',
  executor: 'pod-templates/executor.yaml',
  executorOnDemand: 'pod-templates/executor-on-demand.yaml',
} as const;

/**
 * `emr-on-eks:spark:config`: writes into the workspace the StartJobRun input
 * the platform composes for a job (`emr-job.json`, ready for
 * `aws emr-containers start-job-run --cli-input-json`) and the tenant's pod
 * templates, so a generated project holds the exact configuration.
 *
 * @public
 */
export function createSparkConfigAction(options: BackendClientDeps) {
  return createTemplateAction({
    id: 'emr-on-eks:spark:config',
    description:
      "Writes the Spot-ready StartJobRun input the platform composes for a job (emr-job.json, for aws emr-containers start-job-run --cli-input-json) and the tenant's pod templates into the workspace, as the user running the template sees them.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...tenantJobInputSchema,
        targetPath: z =>
          z
            .string()
            .optional()
            .describe(
              'Directory in the workspace to write to (default: its root)',
            ),
      },
      output: {
        jobConfigPath: z =>
          z.string().describe('emr-job.json, relative to the workspace'),
        podTemplatesPath: z =>
          z
            .string()
            .describe('The pod templates directory, relative to the workspace'),
      },
    },
    async handler(ctx) {
      const { tenant } = ctx.input;
      const job = ctx.input.job as JobRunRequestInput;
      const targetPath = ctx.input.targetPath ?? '.';
      // Refuses ../ and absolute paths: the files stay in the workspace.
      const target = resolveSafeChildPath(ctx.workspacePath, targetPath);
      const relative = (file: string) =>
        path.relative(ctx.workspacePath, path.join(target, file)) || '.';
      ctx.output('jobConfigPath', relative(SPARK_CONFIG_FILES.jobConfig));
      ctx.output('podTemplatesPath', relative(SPARK_CONFIG_FILES.podTemplates));
      if (ctx.isDryRun) {
        checkJobRequest(job);
        ctx.logger.info(
          `Dry run: would write ${relative(
            SPARK_CONFIG_FILES.jobConfig,
          )} and the pod templates of tenant ${tenant}`,
        );
        return;
      }

      const client = options.emrOnEks.forCredentials(
        await ctx.getInitiatorCredentials(),
      );
      const dryRun = async (spot: boolean) => {
        try {
          return await client.dryRunJobRun(tenant, { ...job, spot });
        } catch (error) {
          throw describeBackendError(
            error,
            `Composing ${job.name} for tenant ${tenant}`,
          );
        }
      };
      const spot = job.spot ?? true;
      // The run as asked, and its twin on the other capacity for the one
      // executor template the run does not use: the project holds all three.
      const [asked, other] = await Promise.all([dryRun(spot), dryRun(!spot)]);
      const spotTemplates = spot ? asked.podTemplates : other.podTemplates;
      const onDemandTemplates = spot ? other.podTemplates : asked.podTemplates;

      await mkdir(path.join(target, SPARK_CONFIG_FILES.podTemplates), {
        recursive: true,
      });
      const files: Array<[string, string]> = [
        [
          SPARK_CONFIG_FILES.jobConfig,
          `${JSON.stringify(asked.startJobRun, null, 2)}\n`,
        ],
        [SPARK_CONFIG_FILES.driver, asked.podTemplates.driver.body],
        [SPARK_CONFIG_FILES.executor, spotTemplates.executor.body],
        [SPARK_CONFIG_FILES.executorOnDemand, onDemandTemplates.executor.body],
      ];
      for (const [file, text] of files) {
        await writeFile(path.join(target, file), text, 'utf8');
        ctx.logger.info(`Wrote ${relative(file)}`);
      }
    },
  });
}
