import { mockCredentials } from '@backstage/backend-test-utils';
import { DAILY_SALES, TEAM_A } from './__testUtils__/fixtures';
import { USERS, waitForTenant } from './__testUtils__/testBackend';
import { BASE, startApiWorld } from './__testUtils__/apiWorld';

/*
 * Issue 17: a forged cursor, one that parses but holds a value no row can
 * have, is a 400 on every paged list, through the real router; never an
 * empty page or a 500.
 */

jest.setTimeout(60_000);

const ADMIN = mockCredentials.user.header(USERS.admin);
const NOT_A_CURSOR = 'cursor: not a cursor returned by this API';
const RUN_ID = '0a1b2c3d-0000-4000-8000-000000000042';

const forge = (value: unknown) =>
  Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** Cursors of job-run lists: a creation time and a run id. */
const RUN_CURSORS: Array<[string, string]> = [
  ['a time of 1e300', forge([1e300, RUN_ID])],
  ['a negative time', forge([-1, RUN_ID])],
  ['a time after year 9999', forge([253402300800000, RUN_ID])],
  ['an id that is no UUID', forge([Date.now(), 'run-1'])],
  ['an id with SQL', forge([Date.now(), "' or '1'='1"])],
  ['a tenants cursor', forge(['t', 'team-a'])],
];
/** Cursors of the tenants list: a tenant name. */
const TENANT_CURSORS: Array<[string, string]> = [
  ['a name with capitals', forge(['t', 'Team-A'])],
  ['a reserved name', forge(['t', 'kube-system'])],
  ['a name of 200 characters', forge(['t', 'a'.repeat(200)])],
  ['a name with SQL', forge(['t', "a' or '1'='1"])],
  ['an audit cursor', forge(['a', '7'])],
];
/** Cursors of audit trails: an audit id. */
const AUDIT_CURSORS: Array<[string, string]> = [
  ['an id of 1e300', forge(['a', '1e300'])],
  ['a negative id', forge(['a', '-5'])],
  ['id zero', forge(['a', '0'])],
  ['an id past the safe integers', forge(['a', '9007199254740993'])],
  ['an id in hex', forge(['a', '0x10'])],
  ['a tenants cursor', forge(['t', 'team-a'])],
];

describe('forged cursors through the router (fast tier)', () => {
  let world: Awaited<ReturnType<typeof startWorld>>;

  /** team-a with a run and an audit trail, and an offboarded tenant with both. */
  async function startWorld() {
    const backend = await startApiWorld();
    const { api } = backend;
    const onboard = async (name: string) => {
      await api()
        .post(`${BASE}/tenants`)
        .set('Authorization', ADMIN)
        .send({ ...TEAM_A, name, namespace: name, dataAccess: [] })
        .expect(202);
      await waitForTenant(backend.server, name, ['Ready'], ADMIN);
      await api()
        .post(`${BASE}/tenants/${name}/job-runs`)
        .set('Authorization', ADMIN)
        .send({
          ...DAILY_SALES,
          entryPoint: 'local:///opt/app/sales.py',
          entityRef: undefined,
          executor: { ...DAILY_SALES.executor, maxExecutors: 10 },
        })
        .expect(201);
    };
    await onboard('team-a');
    await onboard('team-old');
    await api()
      .delete(`${BASE}/tenants/team-old`)
      .set('Authorization', ADMIN)
      .expect(202);
    await waitForTenant(backend.server, 'team-old', ['gone'], ADMIN);
    const history = await api()
      .get(`${BASE}/tenant-history?name=team-old`)
      .set('Authorization', ADMIN)
      .expect(200);
    return { backend, api, oldUid: history.body.items[0].uid as string };
  }

  beforeAll(async () => {
    world = await startWorld();
  });

  afterAll(async () => {
    await world?.backend.stop();
  });

  /** Every paged list, with the forged cursors of its kind. */
  const lists = (): Array<[string, Array<[string, string]>]> => [
    ['/tenants', TENANT_CURSORS],
    ['/tenants/team-a/audit', AUDIT_CURSORS],
    [`/tenant-history/${world.oldUid}/audit`, AUDIT_CURSORS],
    ['/tenants/team-a/job-runs', RUN_CURSORS],
    ['/job-runs', RUN_CURSORS],
    [`/tenant-history/${world.oldUid}/job-runs`, RUN_CURSORS],
  ];

  it('has something on every list, so an empty page would be a real answer', async () => {
    for (const [path] of lists()) {
      const res = await world
        .api()
        .get(`${BASE}${path}`)
        .set('Authorization', ADMIN);
      expect([path, res.status, res.body.items.length > 0]).toEqual([
        path,
        200,
        true,
      ]);
    }
  });

  it('answers every forged cursor on every list with the 400', async () => {
    for (const [path, cursors] of lists()) {
      for (const [what, cursor] of cursors) {
        const res = await world
          .api()
          .get(`${BASE}${path}`)
          .query({ cursor })
          .set('Authorization', ADMIN);
        expect({
          path,
          what,
          status: res.status,
          body: res.body.error,
        }).toEqual({
          path,
          what,
          status: 400,
          body: { name: 'InputError', message: NOT_A_CURSOR },
        });
      }
    }
  });
});
