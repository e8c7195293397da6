import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  EmrOnEksApi,
  Tenant,
  TenantStepStatus,
} from '@spot-spark/plugin-emr-on-eks-common';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeBackendError } from './backendErrors';

/** The step a tenant is at: the first one that has not succeeded. */
export function currentStep(tenant: Tenant): TenantStepStatus | undefined {
  return tenant.status.steps.find(step => step.state !== 'Succeeded');
}

function progress(tenant: Tenant): string {
  const step = currentStep(tenant);
  const where = step
    ? `, step ${step.name} ${step.state}${
        step.message ? `: ${step.message}` : ''
      }`
    : '';
  return `tenant ${tenant.name} is ${tenant.status.phase}${where}`;
}

/**
 * Polls a tenant until it is Ready at `generation` (or later), logging each
 * change of phase or step. Fails with the failed step's message when a
 * reconcile of this generation fails, and with the step it is at when the
 * time is up (onboarding goes on in the background either way).
 */
export async function waitForReady(options: {
  client: EmrOnEksApi;
  name: string;
  generation: number;
  timeoutMs: number;
  pollIntervalMs: number;
  logger: LoggerService;
  signal?: AbortSignal;
}): Promise<Tenant> {
  const { client, name, generation, logger, signal } = options;
  const deadline = Date.now() + options.timeoutMs;
  let reported = '';
  for (;;) {
    let tenant: Tenant;
    try {
      tenant = await client.getTenant(name);
    } catch (error) {
      throw describeBackendError(error, `Reading tenant ${name}`);
    }
    const { phase, observedGeneration, steps } = tenant.status;
    const line = progress(tenant);
    if (line !== reported) {
      logger.info(line);
      reported = line;
    }
    if (phase === 'Ready' && observedGeneration >= generation) {
      return tenant;
    }
    const failed = steps.find(
      step => step.state === 'Failed' && step.generation >= generation,
    );
    if (phase === 'Failed' && failed) {
      throw new Error(
        `Onboarding tenant ${name} failed at step ${failed.name}: ${failed.message}`,
      );
    }
    if (phase === 'Deleting') {
      throw new Error(
        `Tenant ${name} is being offboarded; it will not be Ready`,
      );
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `Tenant ${name} did not become Ready within ${Math.round(
          options.timeoutMs / 1000,
        )} s: ${line}. Onboarding goes on in the background; follow it on the tenant's page.`,
      );
    }
    await sleep(
      Math.min(options.pollIntervalMs, Math.max(0, deadline - Date.now())),
      undefined,
      { signal },
    );
  }
}
