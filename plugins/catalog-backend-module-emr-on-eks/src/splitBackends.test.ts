import { startCatalogWorld, TEAM_A } from './__testUtils__/catalogWorld';
import { until } from './__testUtils__/testCatalog';

/*
 * The catalog in one backend, the emr-on-eks plugin in another (see
 * catalogWorld.ts): tenant events cross from one process to the other
 * through the event bus of `@backstage/plugin-events-backend` (installed in
 * the plugin's backend, in its in-memory store on SQLite), as the README
 * tells adopters who split their backends.
 */

jest.setTimeout(30_000);

describe('catalog and emr-on-eks in separate backends', () => {
  it('gets every change through the events backend', async () => {
    // Ready once a probe event has crossed; the schedule is never run here:
    // only events may bring the changes.
    const { catalog, alice } = await startCatalogWorld({
      catalog: 'separate-backend',
    });

    await alice.createTenant({ ...TEAM_A, description: 'Sales analytics' });
    await until('the catalog has the onboarded tenant', async () =>
      Boolean(
        catalog.entity('team-a')?.metadata.annotations?.[
          'emr-on-eks.spot-spark.io/virtual-cluster-id'
        ],
      ),
    );
    expect(catalog.entity('team-a')?.metadata.description).toBe(
      'Sales analytics',
    );

    await alice.deleteTenant('team-a');
    await until(
      'the catalog has no entity of the offboarded tenant',
      async () => !catalog.entity('team-a'),
    );
    expect(catalog.mutations.map(m => m.type)).not.toContain('full');
  });
});
