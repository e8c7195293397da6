import type {
  ClusterBootstrap,
  ClusterBootstrapFile,
} from '@spot-spark/plugin-emr-on-eks-common';

/** Kustomize's own file: a build instruction, not a manifest to apply. */
export function isKustomization(file: ClusterBootstrapFile): boolean {
  return /(^|\/)kustomization\.ya?ml$/.test(file.path);
}

/** A Kubernetes manifest: a YAML file that is not kustomize's own (not a README). */
export function isManifest(file: ClusterBootstrapFile): boolean {
  return /\.ya?ml$/.test(file.path) && !isKustomization(file);
}

/** The highlighter's language for a file of the bundle. */
export function languageOf(file: ClusterBootstrapFile): string {
  if (/\.ya?ml$/.test(file.path)) {
    return 'yaml';
  }
  if (/\.md$/.test(file.path)) {
    return 'markdown';
  }
  return /\.json$/.test(file.path) ? 'json' : 'plaintext';
}

/**
 * Every manifest of the bundle as one multi-document YAML, for
 * `kubectl apply -f`: each file in the bundle's order under a comment naming
 * it; `kustomization.yaml` (whose kind `kubectl apply -f` refuses) and files
 * that are not YAML (a README) left out.
 */
export function bundleAsOneYaml(bundle: ClusterBootstrap): string {
  return bundle.files
    .filter(isManifest)
    .map(file => {
      // A file's own leading separator would make an empty document.
      const body = file.content.replace(/^---[ \t]*\r?\n/, '').trimEnd();
      return `# Source: ${file.path}\n${body}\n`;
    })
    .join('---\n');
}

/** The download's file name: `<cluster>-bootstrap.yaml`, safe characters only. */
export function bundleFileName(cluster: string): string {
  const safe = cluster.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${safe || 'cluster'}-bootstrap.yaml`;
}
