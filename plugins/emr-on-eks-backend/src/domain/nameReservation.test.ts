import fc from 'fast-check';
import { nameConflicts, type NameUse } from './nameReservation';

const A = 'group:default/team-a';
const B = 'group:default/team-b';
const at = (day: string) => new Date(`${day}T12:00:00Z`);
const spec = (name: string, namespace = name, owner = A) => ({
  name,
  namespace,
  owner,
});
const use = (overrides: Partial<NameUse>): NameUse => ({
  name: 'team-b',
  namespace: 'team-b',
  owner: B,
  offboardedAt: at('2026-11-01'),
  ...overrides,
});

describe('nameConflicts', () => {
  it('reserves a name whose last tenant was another owner’s, and says so without naming it', () => {
    const conflicts = nameConflicts(spec('team-b'), [use({})], {});
    expect(conflicts).toEqual([
      expect.objectContaining({ path: 'name', kind: 'reserved' }),
    ]);
    expect(conflicts[0].message).toMatch(
      /^"team-b" is reserved: its last tenant belonged to another owner/,
    );
    expect(conflicts[0].message).not.toContain(B);
  });

  it('gives a name back to the owner that held it last, whoever held it before', () => {
    const uses = [
      use({ owner: A, offboardedAt: at('2026-10-01') }),
      use({ owner: B, offboardedAt: at('2026-11-01') }),
    ];
    expect(nameConflicts(spec('team-b', 'team-b', B), uses, {})).toEqual([]);
    expect(nameConflicts(spec('team-b'), uses, {})).toHaveLength(1);
  });

  it('reserves a namespace used as another owner’s tenant name, and a name used as its namespace', () => {
    const uses = [use({ name: 'bravo', namespace: 'team-b' })];
    expect(
      nameConflicts(spec('analytics', 'team-b'), uses, {}).map(c => c.path),
    ).toEqual(['namespace']);
    expect(
      nameConflicts(spec('team-b', 'analytics'), uses, {}).map(c => c.path),
    ).toEqual(['name']);
  });

  it('calls a name taken while another owner’s tenant holds it, on any cluster', () => {
    expect(
      nameConflicts(
        spec('x', 'team-b'),
        [use({ name: 'bravo', offboardedAt: null })],
        {},
      ),
    ).toEqual([expect.objectContaining({ path: 'namespace', kind: 'taken' })]);
    // The owner's own tenant on another cluster: the same namespace is fine.
    expect(
      nameConflicts(
        spec('x', 'team-b', B),
        [use({ name: 'bravo', offboardedAt: null })],
        {},
      ),
    ).toEqual([]);
  });

  it('reserves an owner unknown to the history for nobody', () => {
    expect(nameConflicts(spec('team-b'), [use({ owner: null })], {})).toEqual([
      expect.objectContaining({ kind: 'reserved' }),
    ]);
  });

  it('keeps a never-used group name for that group, matched without case', () => {
    const groups = { 'team-c': ['group:default/Team-C'] };
    expect(nameConflicts(spec('team-c'), [], groups)).toEqual([
      expect.objectContaining({ path: 'name', kind: 'group' }),
    ]);
    expect(
      nameConflicts(
        spec('team-c', 'team-c', 'group:default/team-c'),
        [],
        groups,
      ),
    ).toEqual([]);
    // Once used, the history decides, not the group.
    expect(
      nameConflicts(
        spec('team-c'),
        [use({ name: 'team-c', namespace: 'team-c', owner: A })],
        groups,
      ),
    ).toEqual([]);
  });

  it('lets an owner take a name only if it held it last, or it is new and no other group’s', () => {
    const owners = [A, B, 'group:default/team-c'];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            name: fc.constantFrom('n1', 'n2', 'n3'),
            namespace: fc.constantFrom('n1', 'n2', 'n3', null),
            owner: fc.constantFrom(...owners, null),
            day: fc.option(fc.integer({ min: 1, max: 28 }), { nil: null }),
          }),
          { maxLength: 8 },
        ),
        fc.constantFrom('n1', 'n2', 'n3'),
        fc.constantFrom('n1', 'n2', 'n3'),
        fc.constantFrom(...owners),
        fc.boolean(),
        (rows, name, namespace, owner, n3IsGroup) => {
          const uses: NameUse[] = rows.map((r, i) => ({
            name: r.name,
            namespace: r.namespace,
            owner: r.owner,
            offboardedAt:
              r.day === null
                ? null
                : new Date(Date.UTC(2026, 10, r.day, 0, 0, i)),
          }));
          const groups: Record<string, string[]> = n3IsGroup
            ? { n3: ['group:default/team-c'] }
            : {};
          const refused = new Set(
            nameConflicts({ name, namespace, owner }, uses, groups).map(c =>
              c.path === 'name' ? name : namespace,
            ),
          );
          const mayTake = (n: string) => {
            const of = uses.filter(u => u.name === n || u.namespace === n);
            const current = of.filter(u => u.offboardedAt === null);
            if (current.length > 0) {
              return current.every(u => u.owner === owner);
            }
            if (of.length > 0) {
              const last = of.reduce((x, y) =>
                x.offboardedAt! > y.offboardedAt! ? x : y,
              );
              return last.owner === owner;
            }
            return (
              !(n === 'n3' && n3IsGroup) || owner === 'group:default/team-c'
            );
          };
          for (const n of new Set([name, namespace])) {
            expect({ n, refused: refused.has(n) }).toEqual({
              n,
              refused: !mayTake(n),
            });
          }
        },
      ),
    );
  });
});
