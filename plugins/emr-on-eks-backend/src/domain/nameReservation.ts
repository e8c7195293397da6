import type {
  FieldIssue,
  TenantSpec,
} from '@spot-spark/plugin-emr-on-eks-common';

/*
 * Who may take a tenant name or namespace. Both become S3 prefixes through
 * the `{tenant}` and `{namespace}` placeholders of `guardrails.dataAccess`
 * (and name log groups, roles and paths), so a name is bound to the owner
 * that last held it: a team that takes an offboarded team's name would
 * reach that team's past data; one that takes a team's name before the team
 * onboards would reach its future data. The rule is a pure function of the
 * spec, every incarnation that used either name, and the catalog groups of
 * those names.
 */

/** One incarnation, current or offboarded, that used a name as its tenant name or namespace. */
export interface NameUse {
  name: string;
  namespace: string | null;
  /** Its owner; null when the history does not know it (older than owners were kept). */
  owner: string | null;
  /** When its offboarding finished; null while it is a current tenant. */
  offboardedAt: Date | null;
}

/** Why a name of the spec is not the owner's to take. */
export type NameConflict = FieldIssue & {
  path: 'name' | 'namespace';
  /** `taken`: a current tenant of another owner uses it; `reserved`: its last incarnation was another owner's; `group`: it is another catalog group's name. */
  kind: 'taken' | 'reserved' | 'group';
};

const same = (a: string, b: string) =>
  a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');

/**
 * The names of the spec (its tenant name and namespace) that another owner
 * holds or held last, or that are another catalog group's name and were
 * never used. `groups` maps a name to the refs of the catalog groups called
 * so. Messages say that a name is taken or reserved, never by whom.
 */
export function nameConflicts(
  spec: Pick<TenantSpec, 'name' | 'namespace' | 'owner'>,
  uses: NameUse[],
  groups: Record<string, string[]>,
): NameConflict[] {
  const fields = [
    ['name', spec.name],
    ...(spec.namespace === spec.name
      ? []
      : [['namespace', spec.namespace] as const]),
  ] as const;
  return fields.flatMap(([path, name]): NameConflict[] => {
    const of = uses.filter(u => u.name === name || u.namespace === name);
    const current = of.filter(u => u.offboardedAt === null);
    if (current.length > 0) {
      return current.every(u => u.owner !== null && same(u.owner, spec.owner))
        ? []
        : [
            {
              path,
              kind: 'taken',
              message: `"${name}" is taken by another owner's tenant; choose another ${path}`,
            },
          ];
    }
    const last = of.sort(
      (a, b) => b.offboardedAt!.getTime() - a.offboardedAt!.getTime(),
    )[0];
    if (last) {
      return last.owner !== null && same(last.owner, spec.owner)
        ? []
        : [
            {
              path,
              kind: 'reserved',
              message: `"${name}" is reserved: its last tenant belonged to another owner, and a new owner of the name would reach that tenant's data; choose another ${path}, or ask a platform admin to give it to ${spec.owner}`,
            },
          ];
    }
    const named = groups[name] ?? [];
    return named.length === 0 || named.some(ref => same(ref, spec.owner))
      ? []
      : [
          {
            path,
            kind: 'group',
            message: `"${name}" is reserved for the catalog group of that name; choose another ${path}, or ask a platform admin to give it to ${spec.owner}`,
          },
        ];
  });
}
