import type { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  TenantEntityGuard,
  TenantEntityGuardOptions,
} from './TenantEntityGuard';
import { LogLines, recordingLogger } from './__testUtils__/testCatalog';
import { providedEntity as ours } from './__testUtils__/tenants';

/** An entity as the catalog holds it, from `location`. */
function held(name: string, location: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      annotations: { 'backstage.io/managed-by-location': location },
    },
    spec: { type: 'database', owner: 'group:default/team-b' },
  };
}

/** The guard over `catalog`, with the catalog's own credentials, logging to `lines`. */
function guard(catalog: TenantEntityGuardOptions['catalog'], lines: LogLines) {
  return TenantEntityGuard.create({
    catalog,
    auth: mockServices.auth(),
    logger: recordingLogger(lines),
  });
}

describe('TenantEntityGuard', () => {
  it("frees the refs another source holds, and only those, naming where that source's entity is", async () => {
    const catalog = catalogServiceMock({
      entities: [
        held(
          'team-a',
          'url:https://github.com/x/y/blob/main/catalog-info.yaml',
        ),
        ours('team-b').entity,
        held('unrelated', 'file:/catalog/db.yaml'),
      ],
    });
    const lines: LogLines = [];
    const freed = await guard(catalog, lines).reclaim([
      ours('team-a'),
      ours('team-b'),
      ours('team-c'), // not in the catalog yet
    ]);

    expect(freed.map(d => d.entity.metadata.name)).toEqual(['team-a']);
    const left = await catalog.getEntities();
    expect(left.items.map(e => e.metadata.name).sort()).toEqual([
      'team-b',
      'unrelated',
    ]);
    expect(lines).toEqual([
      "warn Catalog entity resource:default/team-a came from url:https://github.com/x/y/blob/main/catalog-info.yaml, not from EMR on EKS: removed it so that tenant team-a's own Resource takes its place. Remove it from url:https://github.com/x/y/blob/main/catalog-info.yaml; until then the catalog reports it there as a conflict.",
    ]);
  });

  it('frees nothing, and says so, when the catalog cannot be asked', async () => {
    const catalog = catalogServiceMock({
      entities: [held('team-a', 'file:/catalog/a.yaml')],
    });
    const failing = {
      getEntitiesByRefs: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:7007');
      },
      removeEntityByUid: catalog.removeEntityByUid.bind(catalog),
    };
    const lines: LogLines = [];
    const freed = await guard(failing, lines).reclaim([ours('team-a')]);

    expect(freed).toEqual([]);
    expect((await catalog.getEntities()).items).toHaveLength(1);
    expect(lines).toEqual([
      "warn Could not check whether another catalog source holds a tenant's entity ref (Error: connect ECONNREFUSED 127.0.0.1:7007); the next refresh tries again",
    ]);
  });
});
