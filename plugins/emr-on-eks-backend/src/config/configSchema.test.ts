import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import type { z } from 'zod';
import { settingsSchema } from './settings';

/*
 * config.d.ts is what Backstage validates and documents (and what adopters
 * read); the zod schemas are what the plugin reads. Every key of one must
 * be a key of the other, or a setting is documented but ignored, or read
 * but refused by Backstage's config schema. Key paths: `clusters[].region`,
 * `costs.rates.*.vcpuHour` (`*` for any key of a record).
 */

/** Read by Backstage's schedule reader, not by the zod schema (`reconcile` holds only its schedule). */
const SCHEDULE_KEYS = [
  'reconcile',
  'reconcile.schedule',
  'jobs.sync.schedule',
  'costs.schedule',
];

function declaredKeys(): Set<string> {
  const file = resolvePackagePath(
    '@spot-spark/plugin-emr-on-eks-backend',
    'config.d.ts',
  );
  const source = ts.createSourceFile(
    file,
    readFileSync(file, 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const keys = new Set<string>();
  const walk = (node: ts.TypeNode | undefined, prefix: string) => {
    if (!node) {
      return;
    }
    if (ts.isTypeLiteralNode(node)) {
      for (const member of node.members) {
        if (ts.isPropertySignature(member) && member.name) {
          const key = `${prefix}${prefix ? '.' : ''}${member.name.getText(
            source,
          )}`.replace(/['"]/g, '');
          keys.add(key);
          walk(member.type, key);
        } else if (ts.isIndexSignatureDeclaration(member)) {
          const key = `${prefix}.*`;
          keys.add(key);
          walk(member.type, key);
        }
      }
    } else if (ts.isArrayTypeNode(node)) {
      walk(node.elementType, `${prefix}[]`);
    } else if (
      ts.isTypeReferenceNode(node) &&
      node.typeName.getText(source) === 'Array'
    ) {
      walk(node.typeArguments?.[0], `${prefix}[]`);
    } else if (ts.isUnionTypeNode(node)) {
      node.types.forEach(type => walk(type, prefix));
    } else if (ts.isParenthesizedTypeNode(node)) {
      walk(node.type, prefix);
    }
  };
  source.forEachChild(statement => {
    if (
      ts.isInterfaceDeclaration(statement) &&
      statement.name.text === 'Config'
    ) {
      const root = statement.members.find(
        m => ts.isPropertySignature(m) && m.name.getText(source) === 'emrOnEks',
      ) as ts.PropertySignature | undefined;
      walk(root?.type, '');
    }
  });
  return keys;
}

/** The definition of a zod 4 schema, as far as walking it needs. */
type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
};

function schemaKeys(schema: z.ZodType): Set<string> {
  const keys = new Set<string>();
  const walk = (node: z.ZodType, prefix: string) => {
    const def = (node as unknown as { _zod: { def: Def } })._zod.def;
    switch (def.type) {
      case 'object':
        for (const [name, child] of Object.entries(def.shape!)) {
          const key = `${prefix}${prefix ? '.' : ''}${name}`;
          keys.add(key);
          walk(child, key);
        }
        return;
      case 'optional':
      case 'default':
      case 'prefault':
      case 'nullable':
      case 'readonly':
      case 'catch':
        walk(def.innerType!, prefix);
        return;
      case 'pipe':
        walk(def.in!, prefix);
        return;
      case 'array':
        walk(def.element!, `${prefix}[]`);
        return;
      case 'union':
        def.options!.forEach(option => walk(option, prefix));
        return;
      case 'record':
        keys.add(`${prefix}.*`);
        walk(def.valueType!, `${prefix}.*`);
        return;
      default:
        // A leaf: string, number, enum, literal, ...
        return;
    }
  };
  walk(schema, '');
  return keys;
}

describe('config.d.ts and the settings schemas', () => {
  const declared = declaredKeys();
  const read = schemaKeys(settingsSchema);

  it('finds the keys it compares', () => {
    // Guards the walkers themselves: a broken walk would agree on nothing.
    for (const key of [
      'clusters[].region',
      'clusters[].kubernetes.repository.auth.token',
      'clusters[].guardrails.dataAccess[].s3',
      'costs.rates.*.vcpuHour',
      'jobs.sync.initialLookbackDays',
    ]) {
      expect({ key, declared: declared.has(key), read: read.has(key) }).toEqual(
        { key, declared: true, read: true },
      );
    }
  });

  it('declares every key the plugin reads', () => {
    expect([...read].filter(key => !declared.has(key)).sort()).toEqual([]);
  });

  it('reads every key it declares (the schedules through Backstage’s reader)', () => {
    expect(
      [...declared]
        .filter(key => !read.has(key))
        .filter(
          key =>
            !SCHEDULE_KEYS.some(
              schedule => key === schedule || key.startsWith(`${schedule}.`),
            ),
        )
        .sort(),
    ).toEqual([]);
  });

  it('has every declared key in the configuration reference (docs/configuration.md)', () => {
    const reference = readFileSync(
      resolvePackagePath(
        '@spot-spark/plugin-emr-on-eks-backend',
        '../../docs/configuration.md',
      ),
      'utf8',
    );
    // Rows name a key in full (`emrOnEks.aws.endpoint`) or by its last
    // parts after the row of its parent (`.kubernetes.url`, `.caData`, or
    // `{ vcpuHour, gbHour }`): each key's own name is a word of the page's
    // code spans.
    const words = new Set(
      (reference.match(/`[^`]+`/g) ?? []).flatMap(span =>
        span.split(/[^A-Za-z0-9_]+/),
      ),
    );
    const missing = [...declared].filter(key => {
      const name = key
        .split(/\.|\[\]/)
        .filter(part => part && part !== '*')
        .pop()!;
      return !words.has(name);
    });
    expect(missing).toEqual([]);
  });
});
