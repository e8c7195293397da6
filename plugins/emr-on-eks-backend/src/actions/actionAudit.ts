import type {
  AuditorService,
  AuditorServiceEventSeverityLevel,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import type {
  ActionsRegistryActionOptions,
  ActionsRegistryService,
} from '@backstage/backend-plugin-api/alpha';
import { isError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import type { AnyZodObject, z } from 'zod/v3';
import { redactIdentifiers } from '../domain/redact';
import { actorOf } from '../routes/access';

/**
 * Audits every action call: one auditor event `action-<name>` per call,
 * marked success or failure. There is no HTTP request of the caller's to
 * attach (the MCP backend calls the action over the plugin's own endpoint),
 * so the event names the acting user in `meta.actor`.
 */
export class ActionAudit {
  constructor(private readonly auditor: AuditorService) {}

  /**
   * Runs `fn` inside the call's audit event. Errors go back to the caller
   * as they are (the registry maps their names to statuses, the MCP backend
   * to tool errors), with foreign AWS identifiers taken out of their
   * messages, as the REST API's error handler does.
   */
  async run<T>(
    name: string,
    options: {
      credentials: BackstageCredentials;
      severityLevel: AuditorServiceEventSeverityLevel;
      meta: JsonObject;
    },
    fn: () => Promise<T>,
  ): Promise<T> {
    const event = await this.auditor.createEvent({
      eventId: `action-${name}`,
      severityLevel: options.severityLevel,
      meta: { actor: actorOf(options.credentials), ...options.meta },
    });
    try {
      const result = await fn();
      await event.success();
      return result;
    } catch (error) {
      if (isError(error)) {
        // The message only: the error keeps its class, which decides the status.
        error.message = redactIdentifiers(error.message);
      }
      await event.fail({ error: error as Error });
      throw error;
    }
  }
}

/**
 * An action as {@link registerAudited} takes it: the registry's options,
 * plus how its calls are audited.
 */
export type AuditedActionOptions<
  TInput extends AnyZodObject,
  TOutput extends AnyZodObject,
> = ActionsRegistryActionOptions<TInput, TOutput> & {
  audit: {
    severityLevel: AuditorServiceEventSeverityLevel;
    /** What the event records of the input, beside the actor. */
    meta: (input: z.infer<TInput>) => JsonObject;
  };
};

/**
 * Registers an action whose every call runs inside its audit event
 * (`action-<name>`, see {@link ActionAudit.run}), so each action states only
 * its severity and what of its input the event records.
 */
export function registerAudited<
  TInput extends AnyZodObject,
  TOutput extends AnyZodObject,
>(
  services: { registry: ActionsRegistryService; audit: ActionAudit },
  options: AuditedActionOptions<TInput, TOutput>,
): void {
  const { audit, action, ...registered } = options;
  services.registry.register<TInput, TOutput>({
    ...registered,
    action: async context =>
      services.audit.run(
        options.name,
        {
          credentials: context.credentials,
          severityLevel: audit.severityLevel,
          meta: audit.meta(context.input),
        },
        () => action(context),
      ),
  });
}
