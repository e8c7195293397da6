import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { KubernetesObject } from '../domain/kubernetes';
import { toYaml } from '../domain/podTemplates';
import type { KubernetesGateway } from './KubernetesGateway';

/**
 * Writes the objects as kustomizations for Argo CD or Flux to apply:
 *
 * ```
 * <directory>/kustomization.yaml          cluster/ and every tenant
 * <directory>/cluster/                    PriorityClasses (shared)
 * <directory>/tenants/<tenant>/           one file per object
 * ```
 *
 * Output is byte-stable: the same objects give the same bytes, and a file is
 * written only when its content changes, so a reconcile with nothing to change
 * leaves the directory (and the Git history) untouched.
 */
export class GitOpsKubernetesGateway implements KubernetesGateway {
  static create(options: { directory: string }): GitOpsKubernetesGateway {
    return new GitOpsKubernetesGateway(path.resolve(options.directory));
  }

  private constructor(readonly directory: string) {}

  async applyClusterObjects(objects: KubernetesObject[]): Promise<string[]> {
    const changes = await this.writeKustomization('cluster', objects);
    return [...changes, ...(await this.writeRootKustomization())];
  }

  async applyTenantObjects(
    tenant: string,
    objects: KubernetesObject[],
  ): Promise<string[]> {
    const changes = await this.writeKustomization(
      path.join('tenants', tenant),
      objects,
    );
    return [...changes, ...(await this.writeRootKustomization())];
  }

  async deleteTenantObjects(tenant: string): Promise<string[]> {
    const dir = path.join(this.directory, 'tenants', tenant);
    if (!(await exists(dir))) {
      return [];
    }
    await fs.rm(dir, { recursive: true, force: true });
    return [
      `removed tenants/${tenant}/`,
      ...(await this.writeRootKustomization()),
    ];
  }

  private async writeKustomization(
    relativeDir: string,
    objects: KubernetesObject[],
  ): Promise<string[]> {
    const dir = path.join(this.directory, relativeDir);
    await fs.mkdir(dir, { recursive: true });
    const files = objects.map((object, index) => ({
      name: fileName(object, index),
      body: toYaml(object),
    }));
    const kustomization = toYaml({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: files.map(f => f.name),
    });
    const wanted = [
      ...files,
      { name: 'kustomization.yaml', body: kustomization },
    ];

    const changes: string[] = [];
    for (const file of wanted) {
      if (await writeIfChanged(path.join(dir, file.name), file.body)) {
        changes.push(
          `wrote ${path.posix.join(toPosix(relativeDir), file.name)}`,
        );
      }
    }
    const names = new Set(wanted.map(f => f.name));
    for (const entry of await fs.readdir(dir)) {
      if (entry.endsWith('.yaml') && !names.has(entry)) {
        await fs.rm(path.join(dir, entry));
        changes.push(`removed ${path.posix.join(toPosix(relativeDir), entry)}`);
      }
    }
    return changes;
  }

  private async writeRootKustomization(): Promise<string[]> {
    const tenantsDir = path.join(this.directory, 'tenants');
    const tenants = (await exists(tenantsDir))
      ? (await fs.readdir(tenantsDir, { withFileTypes: true }))
          .filter(entry => entry.isDirectory())
          .map(entry => entry.name)
          .sort()
      : [];
    const resources = [
      ...((await exists(path.join(this.directory, 'cluster')))
        ? ['cluster']
        : []),
      ...tenants.map(t => `tenants/${t}`),
    ];
    const body = toYaml({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources,
    });
    return (await writeIfChanged(
      path.join(this.directory, 'kustomization.yaml'),
      body,
    ))
      ? ['wrote kustomization.yaml']
      : [];
  }
}

/** `00-namespace-team-a.yaml`: ordered like the objects, named by kind and name. */
function fileName(object: KubernetesObject, index: number): string {
  return `${String(index).padStart(2, '0')}-${object.kind.toLowerCase()}-${
    object.metadata.name
  }.yaml`;
}

async function writeIfChanged(file: string, body: string): Promise<boolean> {
  const current = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (current === body) {
    return false;
  }
  // Write then rename, so a reader (or a crash) never sees half a file.
  const temporary = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temporary, body, 'utf8');
  await fs.rename(temporary, file);
  return true;
}

async function exists(target: string): Promise<boolean> {
  return fs.stat(target).then(
    () => true,
    () => false,
  );
}

function toPosix(relative: string): string {
  return relative.split(path.sep).join('/');
}
