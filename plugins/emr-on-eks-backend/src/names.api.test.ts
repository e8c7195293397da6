import type { JsonObject } from '@backstage/types';
import { TEAM_A, testConfig } from './__testUtils__/fixtures';
import { USERS, waitForTenant } from './__testUtils__/testBackend';
import { BASE, as, startApiWorld } from './__testUtils__/apiWorld';

/*
 * Names bound to owners, through the API: a tenant name or namespace becomes
 * the `{tenant}` / `{namespace}` of the cluster's data-access patterns
 * (`s3://data-lake/{tenant}/` here), so whoever takes a name that another
 * team held, or a team's own name before the team onboards, would reach that
 * team's data. The catalog knows the groups team-a, team-b and team-c.
 */

jest.setTimeout(60_000);

const ADMIN = as(USERS.admin);
const ALICE = as(USERS.alice);
const BOB = as(USERS.bob);

/** A tenant of team-a's, named and placed as the attack needs. */
const teamATenant = (name: string, namespace = name) => ({
  ...TEAM_A,
  name,
  namespace,
  dataAccess: [{ s3: `s3://data-lake/${name}/`, access: 'read-write' }],
});
const TEAM_B = {
  ...TEAM_A,
  name: 'team-b',
  owner: 'group:default/team-b',
  dataAccess: [{ s3: 's3://data-lake/team-b/', access: 'read-write' }],
};

function start(config: JsonObject = testConfig()) {
  return startApiWorld({ config });
}

type World = Awaited<ReturnType<typeof start>>;

function post(world: World, body: object, user: string, query = '') {
  return world
    .api()
    .post(`${BASE}/tenants${query}`)
    .set('Authorization', user)
    .send(body);
}

async function offboard(world: World, name: string) {
  await world
    .api()
    .delete(`${BASE}/tenants/${name}`)
    .set('Authorization', ADMIN)
    .expect(202);
  await waitForTenant(world.server, name, ['gone'], ADMIN);
}

describe('tenant names bound to their owners', () => {
  let world: World;

  beforeAll(async () => {
    world = await start();
    await post(world, TEAM_B, BOB).expect(202);
    await waitForTenant(world.server, 'team-b', ['Ready'], ADMIN);
    await offboard(world, 'team-b');
  });

  it('refuses another owner the name of an offboarded team, and stores nothing', async () => {
    const res = await post(world, teamATenant('team-b'), ALICE);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe(
      'name: "team-b" is reserved: its last tenant belonged to another owner, and a new owner of the name would reach that tenant\'s data; choose another name, or ask a platform admin to give it to group:default/team-a',
    );
    await world
      .api()
      .get(`${BASE}/tenants/team-b`)
      .set('Authorization', ADMIN)
      .expect(404);
  });

  it('refuses the namespace of an offboarded team as another owner’s namespace', async () => {
    const res = await post(
      world,
      { ...teamATenant('analytics-a'), namespace: 'team-b' },
      ALICE,
    );
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/^namespace: "team-b" is reserved/);
  });

  it('refuses a team’s group name to another owner before the team onboards', async () => {
    for (const body of [
      teamATenant('team-c'),
      teamATenant('analytics-c', 'team-c'),
    ]) {
      const res = await post(world, body, ALICE);
      expect(res.status).toBe(409);
      expect(res.body.error.message).toMatch(
        /"team-c" is reserved for the catalog group of that name/,
      );
    }
  });

  it('lets only a platform admin give a reserved name away, with a reason kept in the audit trail', async () => {
    const mine = await post(
      world,
      teamATenant('team-c'),
      ALICE,
      '?reassignReason=team-c merged into team-a',
    );
    expect(mine.status).toBe(403);
    expect(mine.body.error.message).toMatch(
      /^reassignReason: only a platform admin/,
    );
    const noReason = await post(
      world,
      teamATenant('team-c'),
      ADMIN,
      '?reassignReason=%20',
    );
    expect(noReason.status).toBe(400);
    const given = await post(
      world,
      teamATenant('team-c'),
      ADMIN,
      `?reassignReason=${encodeURIComponent(
        'team-c merged into team-a (ticket 42)',
      )}`,
    );
    expect(given.status).toBe(202);
    const audit = await world
      .api()
      .get(`${BASE}/tenants/team-c/audit`)
      .set('Authorization', ADMIN)
      .expect(200);
    expect(audit.body.items).toContainEqual(
      expect.objectContaining({
        action: 'tenant.name.reassign',
        actor: USERS.admin,
        message:
          'gave name "team-c" (group) to group:default/team-a: team-c merged into team-a (ticket 42)',
      }),
    );
    await waitForTenant(world.server, 'team-c', ['Ready'], ADMIN);
    await offboard(world, 'team-c');
  });

  it('gives a name back to the team that held it last', async () => {
    const back = await post(world, TEAM_B, BOB);
    expect(back.status).toBe(202);
    await waitForTenant(world.server, 'team-b', ['Ready'], ADMIN);
    await offboard(world, 'team-b');
    // team-c now was team-a's last: team-a may have it again.
    const again = await post(world, teamATenant('team-c'), ALICE);
    expect(again.status).toBe(202);
    await waitForTenant(world.server, 'team-c', ['Ready'], ADMIN);
  });

  it('says a name or namespace is taken without naming the tenant that holds it', async () => {
    await post(world, teamATenant('zulu', 'ns-one'), ALICE).expect(202);
    const name = await post(world, teamATenant('zulu'), ADMIN);
    expect(name.status).toBe(409);
    expect(name.body.error.message).toBe(
      'name: "zulu" is taken; choose another name',
    );
    const namespace = await post(
      world,
      { ...TEAM_B, name: 'yankee', namespace: 'ns-one', dataAccess: [] },
      BOB,
    );
    expect(namespace.status).toBe(409);
    expect(namespace.body.error.message).toMatch(
      /^namespace: "ns-one" is taken/,
    );
    expect(namespace.body.error.message).not.toMatch(/zulu|team-a/);
  });
});

describe('tenant names across clusters, at once', () => {
  it('gives one namespace on two clusters to one owner only, when two teams ask at the same time', async () => {
    const config = testConfig();
    const [shared] = (config.emrOnEks as any).clusters;
    (config.emrOnEks as any).clusters = [
      shared,
      { ...shared, name: 'other', eksClusterName: 'other-data' },
    ];
    const world = await start(config);
    const answers = await Promise.all([
      post(world, { ...teamATenant('alpha', 'shared-ns') }, ALICE),
      post(
        world,
        {
          ...TEAM_B,
          name: 'bravo',
          namespace: 'shared-ns',
          cluster: 'other',
          dataAccess: [],
        },
        BOB,
      ),
    ]);
    expect(answers.map(a => a.status).sort()).toEqual([202, 409]);
    const refused = answers.find(a => a.status === 409)!;
    expect(refused.body.error.message).toMatch(
      /^namespace: "shared-ns" is taken by another owner's tenant/,
    );
  });
});
