import { TestDatabases } from '@backstage/backend-test-utils';
import { USERS } from '../__testUtils__/testBackend';
import {
  ACTIONS,
  ADMIN,
  ALICE,
  BASE,
  BOB,
  SALES,
  startActionsWorld,
  type ActionsWorld,
} from './__testUtils__/actionsWorld';

/*
 * Issue 21, part 3, fast tier: the job-run actions through the actions
 * registry's own HTTP endpoints (as the MCP backend calls them), on the real
 * plugin and permission framework (see actionsWorld), on SQLite and
 * PostgreSQL. Each answers as the
 * REST API does for the same user: team-b's bob gets "not found" for team-a.
 */

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe.each(databases.eachSupportedId())(
  'job-run actions (registry endpoints) on %s',
  databaseId => {
    let world: ActionsWorld;

    beforeAll(async () => {
      world = await startActionsWorld({
        knex: await databases.init(databaseId),
      });
    });

    afterAll(async () => {
      await world?.backend.stop();
    });

    it('lists every action with its schemas and what it may change', async () => {
      const { body } = await world
        .api()
        .get(ACTIONS)
        .set('Authorization', ALICE)
        .expect(200);
      const byName = Object.fromEntries(
        body.actions.map((a: any) => [a.name, a]),
      );
      expect(Object.keys(byName).sort()).toEqual([
        'cancel-job-run',
        'dry-run-job-run',
        'get-cluster-preflight',
        'get-cost-forecast',
        'get-costs',
        'get-job-run',
        'get-tenant-status',
        'list-job-runs',
        'submit-job-run',
      ]);
      for (const name of [
        'list-job-runs',
        'get-job-run',
        'dry-run-job-run',
        'get-costs',
        'get-cost-forecast',
        'get-tenant-status',
        'get-cluster-preflight',
      ]) {
        expect(byName[name].attributes).toEqual({
          readOnly: true,
          destructive: false,
          idempotent: true,
        });
      }
      expect(byName['submit-job-run'].attributes).toEqual({
        readOnly: false,
        destructive: false,
        idempotent: true,
      });
      expect(byName['cancel-job-run'].attributes).toEqual({
        readOnly: false,
        destructive: true,
        idempotent: false,
      });
      expect(byName['submit-job-run'].schema.input.required).toEqual([
        'tenant',
        'request',
        'idempotencyKey',
      ]);
      expect(byName['list-job-runs'].id).toBe('emr-on-eks:list-job-runs');
    });

    it('lists a tenant’s and an entity’s runs for their team, and hides team-a from bob', async () => {
      const mine = await world
        .invoke('list-job-runs', ALICE, {
          tenant: 'team-a',
          states: ['RUNNING', 'SUBMITTED', 'PENDING'],
        })
        .expect(200);
      expect(mine.body.output.items.map((r: any) => r.id)).toEqual([
        world.run.id,
      ]);
      const byEntity = await world
        .invoke('list-job-runs', ALICE, {
          entityRef: 'Component:Default/Daily-Sales',
        })
        .expect(200);
      expect(byEntity.body.output.items.map((r: any) => r.id)).toEqual([
        world.run.id,
      ]);

      const hidden = await world
        .invoke('list-job-runs', BOB, { tenant: 'team-a' })
        .expect(404);
      const absent = await world
        .invoke('list-job-runs', BOB, { tenant: 'team-zz' })
        .expect(404);
      expect(hidden.body.error.message).toBe('tenant team-a not found');
      expect(absent.body.error.message).toBe('tenant team-zz not found');
      // An entity's runs in tenants bob may not read are left out, not refused.
      const bobsEntity = await world
        .invoke('list-job-runs', BOB, {
          entityRef: 'component:default/daily-sales',
        })
        .expect(200);
      expect(bobsEntity.body.output.items).toEqual([]);

      const both = await world
        .invoke('list-job-runs', ALICE, {
          tenant: 'team-a',
          entityRef: 'component:default/daily-sales',
        })
        .expect(400);
      expect(both.body.error.message).toMatch(
        /exactly one of tenant .* or entityRef/,
      );
    });

    it('gets a run with its history and the end of its driver log, and hides it from bob like an unknown run', async () => {
      const { body } = await world
        .invoke('get-job-run', ALICE, { id: world.run.id, logLines: 2 })
        .expect(200);
      expect(body.output.run.id).toBe(world.run.id);
      // The same run and history as GET /job-runs/:id answers.
      const rest = await world
        .api()
        .get(`${BASE}/job-runs/${world.run.id}`)
        .set('Authorization', ALICE)
        .expect(200);
      expect(body.output.run).toEqual(rest.body);
      expect(body.output.run.history[0].state).toBe('SUBMITTING');
      expect(body.output.driverLog).toEqual({
        available: true,
        container: `spark-${world.run.emrJobRunId}-driver`,
        stream: 'stderr',
        lines: ['working', 'ERROR boom: java.lang.OutOfMemoryError'],
      });

      const hidden = await world
        .invoke('get-job-run', BOB, { id: world.run.id })
        .expect(404);
      const unknownId = world.run.id.replace(/^.{8}/, '00000000');
      const unknown = await world
        .invoke('get-job-run', BOB, { id: unknownId })
        .expect(404);
      expect(hidden.body.error.message).toBe(
        `job run ${world.run.id} not found`,
      );
      expect(unknown.body.error.message).toBe(`job run ${unknownId} not found`);
    });

    it('answers a dry run with the StartJobRun, or with the errors as data', async () => {
      const ok = await world
        .invoke('dry-run-job-run', ALICE, {
          tenant: 'team-a',
          request: { ...SALES, idempotencyKey: undefined },
        })
        .expect(200);
      expect(ok.body.output.ok).toBe(true);
      expect(ok.body.output.startJobRun.virtualClusterId).toBe(
        world.run.virtualClusterId,
      );
      expect(Object.keys(ok.body.output.podTemplates ?? {})).not.toHaveLength(
        0,
      );

      const badShape = await world
        .invoke('dry-run-job-run', ALICE, {
          tenant: 'team-a',
          request: { ...SALES, name: 'bad name!' },
        })
        .expect(200);
      expect(badShape.body.output).toEqual({
        ok: false,
        errors: [
          { path: 'name', message: expect.stringMatching(/letters, digits/) },
        ],
      });
      // Beyond the guardrails: the service's verdict, as data too.
      const tooBig = await world
        .invoke('dry-run-job-run', ALICE, {
          tenant: 'team-a',
          request: {
            ...SALES,
            executor: { ...SALES.executor, maxExecutors: 1000 },
          },
        })
        .expect(200);
      expect(tooBig.body.output.ok).toBe(false);
      expect(tooBig.body.output.errors[0].message).toMatch(/maxExecutors/);

      await world
        .invoke('dry-run-job-run', BOB, { tenant: 'team-a', request: SALES })
        .expect(404);
    });

    it('submits once per idempotency key, and not to another team’s tenant', async () => {
      const count = async () =>
        (
          await world
            .api()
            .get(`${BASE}/tenants/team-a/job-runs?limit=200`)
            .set('Authorization', ADMIN)
            .expect(200)
        ).body.items.length;
      const before = await count();
      const input = {
        tenant: 'team-a',
        request: { ...SALES, idempotencyKey: undefined },
        idempotencyKey: 'mcp-sales-1',
      };
      const first = await world
        .invoke('submit-job-run', ALICE, input)
        .expect(200);
      const again = await world
        .invoke('submit-job-run', ALICE, input)
        .expect(200);
      expect(first.body.output.created).toBe(true);
      expect(again.body.output).toMatchObject({
        created: false,
        run: { id: first.body.output.run.id },
      });
      expect(first.body.output.run).toMatchObject({
        tenant: 'team-a',
        submittedBy: USERS.alice,
        idempotencyKey: 'mcp-sales-1',
      });
      expect(await count()).toBe(before + 1);

      const refused = await world
        .invoke('submit-job-run', BOB, {
          ...input,
          idempotencyKey: 'mcp-bob-1',
        })
        .expect(404);
      expect(refused.body.error.message).toBe('tenant team-a not found');
      const invalid = await world
        .invoke('submit-job-run', ALICE, {
          ...input,
          idempotencyKey: 'mcp-sales-2',
          request: {
            ...SALES,
            idempotencyKey: undefined,
            entryPoint: 'ftp://x',
          },
        })
        .expect(400);
      expect(invalid.body.error.message).toMatch(
        /^Invalid job run: request\.entryPoint: /,
      );
      expect(await count()).toBe(before + 1);
    });

    it('cancels a run for its team only', async () => {
      const { body } = await world
        .invoke('submit-job-run', ALICE, {
          tenant: 'team-a',
          request: { ...SALES, idempotencyKey: undefined },
          idempotencyKey: 'mcp-to-cancel',
        })
        .expect(200);
      const id = body.output.run.id;
      // No log yet: the run is the answer, and the log's absence is said.
      const fresh = await world
        .invoke('get-job-run', ALICE, { id })
        .expect(200);
      expect(fresh.body.output.driverLog).toEqual({
        available: false,
        reason: expect.stringMatching(/not written logs/),
        lines: [],
      });
      await world.invoke('cancel-job-run', BOB, { id }).expect(404);
      const cancelled = await world
        .invoke('cancel-job-run', ALICE, { id })
        .expect(200);
      expect(cancelled.body.output.run).toMatchObject({
        id,
        cancelledBy: USERS.alice,
      });
      expect(['CANCEL_PENDING', 'CANCELLED']).toContain(
        cancelled.body.output.run.state,
      );
    });

    it('audits each job-run action under its name, with its severity, the caller and what the input names', async () => {
      world.audits.length = 0;
      await world
        .invoke('list-job-runs', ALICE, { tenant: 'team-a' })
        .expect(200);
      await world
        .invoke('list-job-runs', BOB, {
          entityRef: 'component:default/daily-sales',
        })
        .expect(200);
      await world.invoke('get-job-run', BOB, { id: world.run.id }).expect(404);
      await world
        .invoke('dry-run-job-run', ALICE, { tenant: 'team-a', request: SALES })
        .expect(200);
      const { body } = await world
        .invoke('submit-job-run', ALICE, {
          tenant: 'team-a',
          request: { ...SALES, idempotencyKey: undefined },
          idempotencyKey: 'mcp-audited',
        })
        .expect(200);
      const id = body.output.run.id;
      await world.invoke('cancel-job-run', ALICE, { id }).expect(200);
      expect(world.audits.filter(a => a.eventId.startsWith('action-'))).toEqual(
        [
          {
            eventId: 'action-list-job-runs',
            severityLevel: 'low',
            meta: { actor: USERS.alice, tenant: 'team-a', entityRef: null },
            outcome: 'success',
          },
          {
            eventId: 'action-list-job-runs',
            severityLevel: 'low',
            meta: {
              actor: USERS.bob,
              tenant: null,
              entityRef: 'component:default/daily-sales',
            },
            outcome: 'success',
          },
          {
            eventId: 'action-get-job-run',
            severityLevel: 'low',
            meta: { actor: USERS.bob, jobRun: world.run.id },
            outcome: 'fail',
            error: `job run ${world.run.id} not found`,
          },
          {
            eventId: 'action-dry-run-job-run',
            severityLevel: 'low',
            meta: { actor: USERS.alice, tenant: 'team-a', name: SALES.name },
            outcome: 'success',
          },
          {
            eventId: 'action-submit-job-run',
            severityLevel: 'medium',
            meta: {
              actor: USERS.alice,
              tenant: 'team-a',
              name: SALES.name,
              idempotencyKey: 'mcp-audited',
            },
            outcome: 'success',
          },
          {
            eventId: 'action-cancel-job-run',
            severityLevel: 'medium',
            meta: { actor: USERS.alice, jobRun: id },
            outcome: 'success',
          },
        ],
      );
    });
  },
);
