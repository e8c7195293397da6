import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ClusterBootstrapFile } from '@spot-spark/plugin-emr-on-eks-common';
import type { ClusterKubernetesState } from '../../domain/clusters/preflight';
import type { KubernetesObject } from '../../domain/kubernetes';
import { toYaml } from '../../domain/podTemplates';
import { withLockFile, withProcessLock } from './directoryLock';
import { declaredClusterState, filesUnder, manifestsOf } from './manifestFiles';
import { NotManagedError, notManagedReason } from '../errors';
import { handOverHint, KubernetesGateway } from './KubernetesGateway';

/** Held while writing; never listed by a kustomization. */
const LOCK_FILE = '.emr-on-eks.lock';

/**
 * Where the cluster's bootstrap bundle goes. Not listed by the top-level
 * kustomization: the bundle carries the PriorityClasses that `cluster/`
 * holds too (one build cannot hold both), and making the cluster ready is
 * the platform's step, applied on its own (`kubectl apply -k bootstrap/`,
 * or an Argo CD Application / Flux Kustomization of its own).
 */
export const BOOTSTRAP_DIRECTORY = 'bootstrap';

/**
 * Writes the objects as kustomizations for Argo CD or Flux to apply:
 *
 * ```
 * <directory>/kustomization.yaml          cluster/ and every tenant
 * <directory>/cluster/                    PriorityClasses (shared)
 * <directory>/tenants/<tenant>/           one file per object
 * <directory>/bootstrap/                  the cluster bootstrap bundle (not in the root)
 * ```
 *
 * Output is byte-stable: the same objects give the same bytes, and a file is
 * written only when its content changes, so a reconcile with nothing to change
 * leaves the directory (and the Git history) untouched.
 *
 * Ownership, judged on what the directory holds: a tenant's files are written
 * or removed only when `tenants/<tenant>/` is absent (or holds no YAML at all,
 * as after an interrupted first write) or declares a Namespace labelled as
 * this plugin's for that tenant (managed-by and tenant labels), and, when
 * writing, no other directory under `tenants/` declares a Namespace of the
 * same name. Otherwise a {@link NotManagedError} is thrown and nothing is
 * written or removed.
 *
 * Limits: the directory cannot see the cluster. A namespace that exists on
 * the cluster but not in the directory (`monitoring`, made by hand or by
 * another tool) passes this check, and the GitOps tool adopts it when it
 * syncs (and may prune it after offboarding). Guard against that where the
 * objects are applied (the Argo CD project's or Flux Kustomization's allowed
 * namespaces, an admission policy), or use direct mode, which reads the live
 * namespace first. Other kustomizations in the same repository (outside this
 * directory) are not looked at either.
 *
 * Concurrency: every apply or delete runs whole under a lock on the
 * directory, so the shared files (`cluster/`, both kustomizations), a
 * tenant's directory and the cross-tenant Namespace check are never raced.
 * Inside the process the lock is a mutex keyed by the resolved directory
 * (shared by every gateway instance on it); across processes (replicas on
 * one shared volume) it is the lock file `<directory>/.emr-on-eks.lock`,
 * created exclusively, with bounded waiting and stale-lock recovery; see
 * `directoryLock.ts` for what that file lock does not cover (file systems
 * without atomic exclusive create, replicas with separate Git clones). The
 * top-level kustomization is rebuilt under the lock from the directories on
 * disk, so it lists every tenant whatever order the writes came in. Each
 * file is written to a temporary file with a unique name in the same
 * directory, then renamed over the target; the temporary file is removed if
 * that fails.
 */
export class DirectoryKubernetesGateway implements KubernetesGateway {
  static create(options: { directory: string }): DirectoryKubernetesGateway {
    return new DirectoryKubernetesGateway(path.resolve(options.directory));
  }

  /**
   * Namespaces each tenant directory declares, by directory, with the
   * directory's mtime when read: a first write checks every other tenant's
   * directory, and re-reading all their files each time made onboarding many
   * tenants quadratic. A directory whose entries changed (any write here goes
   * through a rename, and so do most editors) is read again; an edit in place
   * that keeps the directory's mtime is seen once the process restarts.
   */
  private readonly declaredCache = new Map<
    string,
    { mtimeMs: number; namespaces: string[] }
  >();

  private constructor(readonly directory: string) {}

  async applyClusterObjects(objects: KubernetesObject[]): Promise<string[]> {
    return this.locked(async () => {
      const changes = await this.writeKustomization('cluster', objects);
      return [...changes, ...(await this.writeRootKustomization())];
    });
  }

  async applyTenantObjects(
    tenant: string,
    objects: KubernetesObject[],
  ): Promise<string[]> {
    return this.locked(async () => {
      const namespace = objects.find(o => o.kind === 'Namespace');
      if (namespace) {
        await this.assertMayWrite(tenant, namespace.metadata.name);
      }
      const changes = await this.writeKustomization(
        path.join('tenants', tenant),
        objects,
      );
      return [...changes, ...(await this.writeRootKustomization())];
    });
  }

  async deleteTenantObjects(tenant: string): Promise<string[]> {
    const dir = path.join(this.directory, 'tenants', tenant);
    // Nothing to remove: answer without creating or locking anything.
    if (!(await exists(dir))) {
      return [];
    }
    return this.locked(async () => {
      if (!(await exists(dir))) {
        return [];
      }
      const problem = await this.ownDirectoryProblem(tenant);
      if (problem) {
        throw new NotManagedError(
          `tenants/${tenant}/ in ${this.directory} was not removed: ${problem}; remove it by hand if it should go`,
        );
      }
      await fs.rm(dir, { recursive: true, force: true });
      return [
        `removed tenants/${tenant}/`,
        ...(await this.writeRootKustomization()),
      ];
    });
  }

  /**
   * The NodePools, StorageClasses, PriorityClasses and aws-auth ConfigMap
   * declared anywhere under the directory (the bootstrap bundle included);
   * nodes cannot be seen from here. Files that do not parse declare nothing.
   */
  readClusterState(): Promise<ClusterKubernetesState> {
    return declaredClusterState(this.directory);
  }

  /**
   * Writes the bundle under `bootstrap/` (see {@link BOOTSTRAP_DIRECTORY}),
   * byte-stable, removing files of an earlier bundle that this one no longer
   * has; under the directory's lock.
   */
  async writeClusterBundle(
    files: ClusterBootstrapFile[],
  ): Promise<{ writtenTo: string; changes: string[] }> {
    const root = path.join(this.directory, BOOTSTRAP_DIRECTORY);
    const wanted = files.map(file => {
      const relative = path.posix.normalize(file.path);
      if (
        relative.startsWith('../') ||
        relative === '..' ||
        path.posix.isAbsolute(relative) ||
        relative.split('/').some(part => part.startsWith('.'))
      ) {
        throw new Error(
          `bootstrap file ${file.path} is not a plain relative path; nothing was written`,
        );
      }
      return { relative, body: file.content };
    });
    return this.locked(async () => {
      const changes: string[] = [];
      for (const file of wanted) {
        const target = path.join(root, ...file.relative.split('/'));
        await fs.mkdir(path.dirname(target), { recursive: true });
        if (await writeIfChanged(target, file.body)) {
          changes.push(`wrote ${BOOTSTRAP_DIRECTORY}/${file.relative}`);
        }
      }
      const keep = new Set(wanted.map(file => file.relative));
      for (const existing of await filesUnder(root)) {
        if (!keep.has(existing)) {
          await fs.rm(path.join(root, ...existing.split('/')));
          changes.push(`removed ${BOOTSTRAP_DIRECTORY}/${existing}`);
        }
      }
      return { writtenTo: `${BOOTSTRAP_DIRECTORY}/`, changes };
    });
  }

  /**
   * Runs `work` holding this directory: first the in-process mutex (keyed by
   * the resolved path, so every instance on the directory shares it), then
   * the lock file other processes honour.
   */
  private locked<T>(work: () => Promise<T>): Promise<T> {
    return withProcessLock(this.directory, async () => {
      await fs.mkdir(this.directory, { recursive: true });
      return withLockFile(path.join(this.directory, LOCK_FILE), work);
    });
  }

  /**
   * Throws unless `tenants/<tenant>/` may hold the tenant's objects with
   * Namespace `namespace`: see the class comment.
   */
  private async assertMayWrite(tenant: string, namespace: string) {
    const { problem, declared } = await this.ownDirectory(tenant);
    if (problem) {
      throw new NotManagedError(
        `tenants/${tenant}/ in ${
          this.directory
        } exists but is not managed by this plugin for tenant ${tenant}: ${problem}; nothing was written. ${handOverHint(
          namespace,
          tenant,
        )}, or remove the directory`,
      );
    }
    // Declared here already: the other directories were checked when it was
    // first written, and a re-apply (every scheduled reconcile) stays cheap
    // instead of reading every tenant's files.
    if (declared.includes(namespace)) {
      return;
    }
    for (const other of await this.tenantDirectories()) {
      if (other === tenant) {
        continue;
      }
      if ((await this.declaredIn(other)).includes(namespace)) {
        throw new NotManagedError(
          `Namespace ${namespace} is already declared in tenants/${other}/ in ${this.directory}; nothing was written for tenant ${tenant}. Use another namespace`,
        );
      }
    }
  }

  /** The Namespaces `tenants/<dir>/` declares (cached by the directory's mtime). */
  private async declaredIn(dir: string): Promise<string[]> {
    const full = path.join(this.directory, 'tenants', dir);
    const { mtimeMs } = await fs.stat(full);
    const cached = this.declaredCache.get(full);
    if (cached && cached.mtimeMs === mtimeMs) {
      return cached.namespaces;
    }
    const { namespaces } = await manifestsIn(full);
    const names = namespaces.map(ns => ns.metadata?.name);
    this.declaredCache.set(full, { mtimeMs, namespaces: names });
    return names;
  }

  /**
   * Why `tenants/<tenant>/` is not this tenant's, or undefined when it is
   * (or does not exist, or holds no YAML).
   */
  private async ownDirectoryProblem(
    tenant: string,
  ): Promise<string | undefined> {
    return (await this.ownDirectory(tenant)).problem;
  }

  /** The Namespaces `tenants/<tenant>/` declares, and why it is not the tenant's. */
  private async ownDirectory(
    tenant: string,
  ): Promise<{ problem?: string; declared: string[] }> {
    const dir = path.join(this.directory, 'tenants', tenant);
    if (!(await exists(dir))) {
      return { declared: [] };
    }
    const { yamlFiles, namespaces } = await manifestsIn(dir);
    if (yamlFiles === 0) {
      return { declared: [] };
    }
    if (namespaces.length === 0) {
      return {
        problem: `it holds ${yamlFiles} YAML file(s) but no Namespace`,
        declared: [],
      };
    }
    for (const namespace of namespaces) {
      const reason = notManagedReason(
        namespace.metadata?.labels,
        tenant,
        'label',
      );
      if (reason) {
        return {
          problem: `its Namespace ${namespace.metadata?.name} is not labelled for it (${reason})`,
          declared: [],
        };
      }
    }
    return { declared: namespaces.map(ns => ns.metadata.name) };
  }

  private async tenantDirectories(): Promise<string[]> {
    const tenantsDir = path.join(this.directory, 'tenants');
    return (await exists(tenantsDir))
      ? (await fs.readdir(tenantsDir, { withFileTypes: true }))
          .filter(entry => entry.isDirectory())
          .map(entry => entry.name)
          .sort()
      : [];
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
    const tenants = await this.tenantDirectories();
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

/**
 * The Namespace manifests of a directory's YAML files (any file name, any
 * number of documents per file), and how many YAML files it has. A file that
 * does not parse is counted but declares nothing.
 */
async function manifestsIn(
  dir: string,
): Promise<{ yamlFiles: number; namespaces: KubernetesObject[] }> {
  const files = (await fs.readdir(dir, { withFileTypes: true })).filter(
    entry => entry.isFile() && /\.ya?ml$/.test(entry.name),
  );
  const namespaces: KubernetesObject[] = [];
  for (const file of files) {
    const text = await fs.readFile(path.join(dir, file.name), 'utf8');
    // Cheap test first: most files are not Namespaces.
    if (!text.includes('Namespace')) {
      continue;
    }
    namespaces.push(
      ...manifestsOf(text).filter(object => object.kind === 'Namespace'),
    );
  }
  return { yamlFiles: files.length, namespaces };
}

async function writeIfChanged(file: string, body: string): Promise<boolean> {
  const current = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (current === body) {
    return false;
  }
  // Write then rename, so a reader (or a crash) never sees half a file. The
  // temporary name is unique per write (not only per process) and sits in
  // the same directory, so the rename stays on one file system.
  const temporary = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString(
      'hex',
    )}.tmp`,
  );
  try {
    await fs.writeFile(temporary, body, { encoding: 'utf8', flag: 'wx' });
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
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
