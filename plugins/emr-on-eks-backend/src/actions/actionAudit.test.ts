import type {
  AuditorService,
  AuditorServiceCreateEventOptions,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type {
  ActionsRegistryActionOptions,
  ActionsRegistryService,
} from '@backstage/backend-plugin-api/alpha';
import { ActionAudit, registerAudited } from './actionAudit';

/** An auditor that keeps each event with its outcome. */
function recordingAuditor() {
  const events: Array<
    AuditorServiceCreateEventOptions & { outcome?: string; error?: string }
  > = [];
  const auditor: AuditorService = {
    async createEvent(options) {
      const event: (typeof events)[number] = { ...options };
      events.push(event);
      return {
        async success() {
          event.outcome = 'success';
        },
        async fail({ error }) {
          event.outcome = 'fail';
          event.error = error.message;
        },
      };
    },
  };
  return { auditor, events };
}

describe('ActionAudit', () => {
  const alice = mockCredentials.user('user:default/alice');

  it('records one event per call, named after the action, with the actor and the outcome', async () => {
    const { auditor, events } = recordingAuditor();
    const audit = new ActionAudit(auditor);
    await expect(
      audit.run(
        'get-tenant-status',
        {
          credentials: alice,
          severityLevel: 'low',
          meta: { tenant: 'team-a' },
        },
        async () => 42,
      ),
    ).resolves.toBe(42);
    await expect(
      audit.run(
        'get-tenant-status',
        {
          credentials: alice,
          severityLevel: 'low',
          meta: { tenant: 'team-z' },
        },
        async () => {
          throw new NotFoundError('tenant team-z not found');
        },
      ),
    ).rejects.toThrow(NotFoundError);
    expect(events).toEqual([
      {
        eventId: 'action-get-tenant-status',
        severityLevel: 'low',
        meta: { actor: 'user:default/alice', tenant: 'team-a' },
        outcome: 'success',
      },
      {
        eventId: 'action-get-tenant-status',
        severityLevel: 'low',
        meta: { actor: 'user:default/alice', tenant: 'team-z' },
        outcome: 'fail',
        error: 'tenant team-z not found',
      },
    ]);
  });

  it('keeps the error’s class but takes foreign AWS identifiers out of its message', async () => {
    const { auditor } = recordingAuditor();
    const audit = new ActionAudit(auditor);
    const failure = audit.run(
      'submit-job-run',
      { credentials: alice, severityLevel: 'medium', meta: {} },
      async () => {
        throw new ConflictError(
          'denied on arn:aws:iam::210987654321:role/other-team, retry',
        );
      },
    );
    await expect(failure).rejects.toThrow(ConflictError);
    await expect(failure).rejects.toThrow('denied on <arn>, retry');
  });

  it('registers an action whose calls are audited under its name, with the meta of their input', async () => {
    const { auditor, events } = recordingAuditor();
    const registered: ActionsRegistryActionOptions<any, any>[] = [];
    const registry: ActionsRegistryService = {
      register(options) {
        registered.push(options as ActionsRegistryActionOptions<any, any>);
      },
    };
    registerAudited(
      { registry, audit: new ActionAudit(auditor) },
      {
        name: 'get-tenant-status',
        title: 'Get a tenant',
        description: 'A tenant',
        attributes: { readOnly: true },
        schema: {
          input: z => z.object({ tenant: z.string() }),
          output: z => z.object({ name: z.string() }),
        },
        audit: {
          severityLevel: 'low',
          meta: input => ({ tenant: input.tenant }),
        },
        action: async ({ input }) => {
          if (input.tenant !== 'team-a') {
            throw new NotFoundError(`tenant ${input.tenant} not found`);
          }
          return { output: { name: input.tenant } };
        },
      },
    );
    // The registry gets the action as stated, without the audit options.
    expect(registered).toHaveLength(1);
    const [action] = registered;
    expect(action).toMatchObject({
      name: 'get-tenant-status',
      title: 'Get a tenant',
      attributes: { readOnly: true },
    });
    expect(action).not.toHaveProperty('audit');
    const call = (tenant: string) =>
      action.action({
        input: { tenant },
        credentials: alice,
        logger: mockServices.logger.mock(),
        secrets: undefined,
      });
    await expect(call('team-a')).resolves.toEqual({
      output: { name: 'team-a' },
    });
    await expect(call('team-z')).rejects.toThrow(NotFoundError);
    expect(events).toEqual([
      {
        eventId: 'action-get-tenant-status',
        severityLevel: 'low',
        meta: { actor: 'user:default/alice', tenant: 'team-a' },
        outcome: 'success',
      },
      {
        eventId: 'action-get-tenant-status',
        severityLevel: 'low',
        meta: { actor: 'user:default/alice', tenant: 'team-z' },
        outcome: 'fail',
        error: 'tenant team-z not found',
      },
    ]);
  });
});
