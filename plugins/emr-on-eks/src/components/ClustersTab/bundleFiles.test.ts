import fc from 'fast-check';
import { aBootstrap } from '../../__testUtils__';
import {
  bundleAsOneYaml,
  bundleFileName,
  isKustomization,
  languageOf,
} from './bundleFiles';

/** The `kind:` of each YAML document (documents split at `---` lines). */
function kindsOf(text: string): Array<string | undefined> {
  return text
    .split(/^---\s*$/m)
    .filter(doc => doc.replace(/^#.*$/gm, '').trim() !== '')
    .map(doc => /^kind: (\S+)$/m.exec(doc)?.[1]);
}

describe('the bundle as one YAML', () => {
  it('holds every manifest in order, each under its path, and no kustomization or README', () => {
    const bundle = aBootstrap('shared');
    bundle.files.unshift({
      path: 'README.md',
      content: '# Cluster bootstrap: shared\n\n    kubectl apply -k .\n',
    });
    const text = bundleAsOneYaml(bundle);
    expect(kindsOf(text)).toEqual(['NodePool', 'NodePool', 'StorageClass']);
    expect(text).toContain(
      '# Source: karpenter/nodepool-spot-executors.yaml\napiVersion: karpenter.sh/v1',
    );
    expect(text).not.toContain('Kustomization');
    expect(text).not.toContain('Cluster bootstrap');
  });

  it('makes no empty document of a file that starts with a separator', () => {
    const text = bundleAsOneYaml({
      cluster: 'c',
      files: [
        { path: 'a.yaml', content: '---\nkind: A\n' },
        { path: 'b.yaml', content: 'kind: B' },
      ],
    });
    expect(text.split(/^---\s*$/m)).toHaveLength(2);
    expect(kindsOf(text)).toEqual(['A', 'B']);
  });

  it('keeps any number of documents apart', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('NodePool', 'StorageClass', 'Role'), {
          maxLength: 12,
        }),
        kinds => {
          const text = bundleAsOneYaml({
            cluster: 'c',
            files: kinds.map((kind, i) => ({
              path: `f${i}.yaml`,
              content: `kind: ${kind}\nmetadata:\n  name: n${i}\n`,
            })),
          });
          expect(kindsOf(text)).toEqual(kinds);
          expect(text.split(/^---\s*$/m)).toHaveLength(
            Math.max(kinds.length, 1),
          );
        },
      ),
    );
  });

  it('knows kustomize’s file wherever it sits', () => {
    expect(isKustomization({ path: 'kustomization.yaml', content: '' })).toBe(
      true,
    );
    expect(isKustomization({ path: 'a/kustomization.yml', content: '' })).toBe(
      true,
    );
    expect(
      isKustomization({ path: 'my-kustomization.yaml', content: '' }),
    ).toBe(false);
  });

  it('highlights each file in its own language', () => {
    expect(languageOf({ path: 'a/b.yaml', content: '' })).toBe('yaml');
    expect(languageOf({ path: 'README.md', content: '' })).toBe('markdown');
    expect(languageOf({ path: 'NOTES', content: '' })).toBe('plaintext');
  });

  it('names the download after the cluster, with safe characters only', () => {
    expect(bundleFileName('shared')).toBe('shared-bootstrap.yaml');
    expect(bundleFileName('../etc/passwd')).toBe('etc-passwd-bootstrap.yaml');
    expect(bundleFileName('///')).toBe('cluster-bootstrap.yaml');
  });
});
