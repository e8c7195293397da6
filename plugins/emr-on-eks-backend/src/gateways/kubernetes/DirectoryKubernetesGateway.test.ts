import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { spec } from '../../__testUtils__/fixtures';
import { validateAgainstUpstreamSchema } from '../../__testUtils__/kubernetesSchemas';
import { clusterPriorityClasses, tenantObjects } from '../../domain/kubernetes';
import { withLockFile, withProcessLock } from './directoryLock';
import { NotManagedError } from '../errors';
import { DirectoryKubernetesGateway } from './DirectoryKubernetesGateway';

async function tempDir() {
  return fs.mkdtemp(path.join(os.tmpdir(), 'emr-gitops-'));
}

async function snapshot(dir: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  async function walk(current: string) {
    for (const entry of await fs.readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        await walk(full);
      } else {
        result[path.relative(dir, full)] = await fs.readFile(full, 'utf8');
      }
    }
  }
  await walk(dir);
  return result;
}

describe('DirectoryKubernetesGateway', () => {
  it('writes one kustomization per tenant plus the shared cluster objects', async () => {
    const dir = await tempDir();
    const gateway = DirectoryKubernetesGateway.create({ directory: dir });
    await gateway.applyClusterObjects(clusterPriorityClasses());
    const changes = await gateway.applyTenantObjects(
      'team-a',
      tenantObjects(spec()),
    );
    expect(changes).toContain('wrote tenants/team-a/00-namespace-team-a.yaml');

    const files = await snapshot(dir);
    expect(Object.keys(files).sort()).toEqual([
      'cluster/00-priorityclass-emr-on-eks-low-driver.yaml',
      'cluster/01-priorityclass-emr-on-eks-low-executor.yaml',
      'cluster/02-priorityclass-emr-on-eks-standard-driver.yaml',
      'cluster/03-priorityclass-emr-on-eks-standard-executor.yaml',
      'cluster/04-priorityclass-emr-on-eks-high-driver.yaml',
      'cluster/05-priorityclass-emr-on-eks-high-executor.yaml',
      'cluster/kustomization.yaml',
      'kustomization.yaml',
      'tenants/team-a/00-namespace-team-a.yaml',
      'tenants/team-a/01-resourcequota-emr-on-eks-quota.yaml',
      'tenants/team-a/02-limitrange-emr-on-eks-limits.yaml',
      'tenants/team-a/03-networkpolicy-default-deny-all.yaml',
      'tenants/team-a/04-networkpolicy-allow-emr-on-eks-traffic.yaml',
      'tenants/team-a/05-role-emr-containers.yaml',
      'tenants/team-a/06-rolebinding-emr-containers.yaml',
      'tenants/team-a/07-resourcequota-emr-on-eks-priority-guard.yaml',
      'tenants/team-a/kustomization.yaml',
    ]);
    expect(parse(files['kustomization.yaml'])).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['cluster', 'tenants/team-a'],
    });
    expect(
      parse(files['tenants/team-a/kustomization.yaml']).resources,
    ).toHaveLength(8);
    // What lands on disk parses back to the objects, and they fit the schemas.
    const written = parse(
      files['tenants/team-a/01-resourcequota-emr-on-eks-quota.yaml'],
    );
    expect(written).toEqual(tenantObjects(spec())[1]);
    const manifests = Object.entries(files).filter(
      ([name]) => !name.endsWith('kustomization.yaml'),
    );
    expect(manifests).toHaveLength(14);
    for (const [, text] of manifests) {
      expect(() => validateAgainstUpstreamSchema(parse(text))).not.toThrow();
    }
  });

  it('is byte-stable and writes nothing when nothing changed', async () => {
    const [first, second] = [await tempDir(), await tempDir()];
    for (const dir of [first, second]) {
      const gateway = DirectoryKubernetesGateway.create({ directory: dir });
      await gateway.applyClusterObjects(clusterPriorityClasses());
      await gateway.applyTenantObjects('team-a', tenantObjects(spec()));
    }
    expect(await snapshot(first)).toEqual(await snapshot(second));

    const gateway = DirectoryKubernetesGateway.create({ directory: first });
    const stat = await fs.stat(
      path.join(first, 'tenants/team-a/00-namespace-team-a.yaml'),
    );
    expect(await gateway.applyClusterObjects(clusterPriorityClasses())).toEqual(
      [],
    );
    expect(
      await gateway.applyTenantObjects('team-a', tenantObjects(spec())),
    ).toEqual([]);
    const after = await fs.stat(
      path.join(first, 'tenants/team-a/00-namespace-team-a.yaml'),
    );
    expect(after.mtimeMs).toBe(stat.mtimeMs);
  });

  it('rewrites only what a spec change touches', async () => {
    const dir = await tempDir();
    const gateway = DirectoryKubernetesGateway.create({ directory: dir });
    await gateway.applyTenantObjects('team-a', tenantObjects(spec()));
    const changes = await gateway.applyTenantObjects(
      'team-a',
      tenantObjects(spec({ quota: { pods: '300' } })),
    );
    expect(changes).toEqual([
      'wrote tenants/team-a/01-resourcequota-emr-on-eks-quota.yaml',
    ]);
  });

  it('removes a tenant and drops it from the root kustomization', async () => {
    const dir = await tempDir();
    const gateway = DirectoryKubernetesGateway.create({ directory: dir });
    await gateway.applyTenantObjects('team-a', tenantObjects(spec()));
    await gateway.applyTenantObjects(
      'team-b',
      tenantObjects(spec({ name: 'team-b' })),
    );
    expect(
      parse(await fs.readFile(path.join(dir, 'kustomization.yaml'), 'utf8'))
        .resources,
    ).toEqual(['tenants/team-a', 'tenants/team-b']);
    expect(await gateway.deleteTenantObjects('team-a')).toEqual([
      'removed tenants/team-a/',
      'wrote kustomization.yaml',
    ]);
    expect(
      parse(await fs.readFile(path.join(dir, 'kustomization.yaml'), 'utf8'))
        .resources,
    ).toEqual(['tenants/team-b']);
    expect(await gateway.deleteTenantObjects('team-a')).toEqual([]);
  });

  describe('directories it did not write for the tenant', () => {
    it('sees a namespace added by hand to a directory it has already read', async () => {
      const dir = await tempDir();
      const gateway = DirectoryKubernetesGateway.create({ directory: dir });
      await gateway.applyTenantObjects(
        'team-b',
        tenantObjects(spec({ name: 'team-b', namespace: 'team-b' })),
      );
      // Reads (and caches) what team-b declares.
      await gateway.applyTenantObjects(
        'team-c',
        tenantObjects(spec({ name: 'team-c', namespace: 'team-c' })),
      );
      await fs.writeFile(
        path.join(dir, 'tenants', 'team-b', 'by-hand.yaml'),
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: taken-later\n',
      );
      await expect(
        gateway.applyTenantObjects(
          'team-a',
          tenantObjects(spec({ namespace: 'taken-later' })),
        ),
      ).rejects.toThrow(
        'Namespace taken-later is already declared in tenants/team-b/',
      );
    });

    it("refuses a namespace another tenant's directory already declares, writing nothing", async () => {
      const dir = await tempDir();
      const gateway = DirectoryKubernetesGateway.create({ directory: dir });
      await gateway.applyTenantObjects(
        'team-b',
        tenantObjects(spec({ name: 'team-b', namespace: 'shared-ns' })),
      );
      const before = await snapshot(dir);

      const attempt = gateway.applyTenantObjects(
        'team-a',
        tenantObjects(spec({ namespace: 'shared-ns' })),
      );
      await expect(attempt).rejects.toBeInstanceOf(NotManagedError);
      await expect(attempt).rejects.toThrow(
        `Namespace shared-ns is already declared in tenants/team-b/ in ${dir}; nothing was written for tenant team-a. Use another namespace`,
      );
      expect(await snapshot(dir)).toEqual(before);
      expect(await fs.readdir(path.join(dir, 'tenants'))).toEqual(['team-b']);
    });

    it('refuses a tenant directory it did not write, writing nothing', async () => {
      const dir = await tempDir();
      const gateway = DirectoryKubernetesGateway.create({ directory: dir });
      const tenantDir = path.join(dir, 'tenants', 'team-a');
      await fs.mkdir(tenantDir, { recursive: true });
      await fs.writeFile(
        path.join(tenantDir, 'namespace.yaml'),
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n  labels:\n    owner: platform\n',
      );
      const before = await snapshot(dir);
      const attempt = gateway.applyTenantObjects(
        'team-a',
        tenantObjects(spec()),
      );
      await expect(attempt).rejects.toBeInstanceOf(NotManagedError);
      await expect(attempt).rejects.toThrow(
        `tenants/team-a/ in ${dir} exists but is not managed by this plugin for tenant team-a: its Namespace team-a is not labelled for it (label app.kubernetes.io/managed-by is missing, label emr-on-eks.spot-spark.io/tenant is missing); nothing was written.`,
      );
      expect(await snapshot(dir)).toEqual(before);

      // YAML without any Namespace is not the tenant's either.
      await fs.rm(path.join(tenantDir, 'namespace.yaml'));
      await fs.writeFile(
        path.join(tenantDir, 'configmap.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: team-a\n',
      );
      await expect(
        gateway.applyTenantObjects('team-a', tenantObjects(spec())),
      ).rejects.toThrow('it holds 1 YAML file(s) but no Namespace');
      expect(Object.keys(await snapshot(dir))).toEqual([
        'tenants/team-a/configmap.yaml',
      ]);
    });

    it("refuses a directory declaring another tenant's namespace under this tenant's name", async () => {
      const dir = await tempDir();
      const gateway = DirectoryKubernetesGateway.create({ directory: dir });
      await gateway.applyTenantObjects(
        'team-b',
        tenantObjects(spec({ name: 'team-b' })),
      );
      await fs.cp(
        path.join(dir, 'tenants', 'team-b'),
        path.join(dir, 'tenants', 'team-a'),
        { recursive: true },
      );
      await expect(
        gateway.applyTenantObjects('team-a', tenantObjects(spec())),
      ).rejects.toThrow(
        'its Namespace team-b is not labelled for it (label emr-on-eks.spot-spark.io/tenant is "team-b")',
      );
    });

    it('writes into an empty tenant directory (an interrupted first write)', async () => {
      const dir = await tempDir();
      const gateway = DirectoryKubernetesGateway.create({ directory: dir });
      await fs.mkdir(path.join(dir, 'tenants', 'team-a'), { recursive: true });
      const changes = await gateway.applyTenantObjects(
        'team-a',
        tenantObjects(spec()),
      );
      expect(changes).toContain(
        'wrote tenants/team-a/00-namespace-team-a.yaml',
      );
    });

    it('does not remove a tenant directory whose namespace labels were changed', async () => {
      const dir = await tempDir();
      const gateway = DirectoryKubernetesGateway.create({ directory: dir });
      await gateway.applyTenantObjects('team-a', tenantObjects(spec()));
      const file = path.join(dir, 'tenants/team-a/00-namespace-team-a.yaml');
      await fs.writeFile(
        file,
        (
          await fs.readFile(file, 'utf8')
        ).replace(
          'emr-on-eks.spot-spark.io/tenant: team-a',
          'emr-on-eks.spot-spark.io/tenant: team-z',
        ),
      );
      const before = await snapshot(dir);
      const attempt = gateway.deleteTenantObjects('team-a');
      await expect(attempt).rejects.toBeInstanceOf(NotManagedError);
      await expect(attempt).rejects.toThrow(
        `tenants/team-a/ in ${dir} was not removed: its Namespace team-a is not labelled for it (label emr-on-eks.spot-spark.io/tenant is "team-z"); remove it by hand if it should go`,
      );
      expect(await snapshot(dir)).toEqual(before);
    });
  });

  describe('concurrent writes', () => {
    const names = (from: number, to: number) =>
      Array.from(
        { length: to - from },
        (_, i) => `team-${String(from + i).padStart(2, '0')}`,
      );
    const objectsOf = (name: string) => tenantObjects(spec({ name }));

    async function rootResources(dir: string): Promise<string[]> {
      return parse(
        await fs.readFile(path.join(dir, 'kustomization.yaml'), 'utf8'),
      ).resources;
    }

    async function leftovers(dir: string): Promise<string[]> {
      return Object.keys(await snapshot(dir)).filter(
        file => file.endsWith('.tmp') || file.endsWith('.lock'),
      );
    }

    it('applies 20 tenants at once through one gateway', async () => {
      const dir = await tempDir();
      const gateway = DirectoryKubernetesGateway.create({ directory: dir });
      const tenants = names(0, 20);
      await Promise.all([
        gateway.applyClusterObjects(clusterPriorityClasses()),
        ...tenants.map(t => gateway.applyTenantObjects(t, objectsOf(t))),
        gateway.applyClusterObjects(clusterPriorityClasses()),
      ]);

      expect(await rootResources(dir)).toEqual([
        'cluster',
        ...tenants.map(t => `tenants/${t}`),
      ]);
      const files = await snapshot(dir);
      for (const t of tenants) {
        expect(
          parse(files[`tenants/${t}/kustomization.yaml`]).resources,
        ).toHaveLength(8);
        expect(files[`tenants/${t}/00-namespace-${t}.yaml`]).toContain(
          `name: ${t}`,
        );
      }
      expect(await leftovers(dir)).toEqual([]);
    });

    it('applies 20 tenants at once through two gateways on one directory', async () => {
      const dir = await tempDir();
      const first = DirectoryKubernetesGateway.create({ directory: dir });
      // Another spelling of the same directory is the same directory.
      const second = DirectoryKubernetesGateway.create({
        directory: path.join(dir, 'tenants', '..'),
      });
      const tenants = names(0, 20);
      await Promise.all(
        tenants.map((t, i) =>
          (i % 2 ? first : second).applyTenantObjects(t, objectsOf(t)),
        ),
      );
      expect(await rootResources(dir)).toEqual(
        tenants.map(t => `tenants/${t}`),
      );
      const files = await snapshot(dir);
      for (const t of tenants) {
        expect(
          parse(files[`tenants/${t}/kustomization.yaml`]).resources,
        ).toHaveLength(8);
      }
      expect(await leftovers(dir)).toEqual([]);
    });

    it('converges when deletes interleave with applies of other tenants', async () => {
      const dir = await tempDir();
      const first = DirectoryKubernetesGateway.create({ directory: dir });
      const second = DirectoryKubernetesGateway.create({ directory: dir });
      const initial = names(0, 20);
      for (const t of initial) {
        await first.applyTenantObjects(t, objectsOf(t));
      }
      const deleted = names(0, 10);
      const kept = names(10, 20);
      const added = names(20, 30);
      await Promise.all(
        deleted.flatMap((t, i) => [
          (i % 2 ? first : second).deleteTenantObjects(t),
          (i % 2 ? second : first).applyTenantObjects(
            added[i],
            objectsOf(added[i]),
          ),
          first.applyTenantObjects(kept[i], objectsOf(kept[i])),
        ]),
      );
      expect(await rootResources(dir)).toEqual(
        [...kept, ...added].map(t => `tenants/${t}`),
      );
      expect((await fs.readdir(path.join(dir, 'tenants'))).sort()).toEqual([
        ...kept,
        ...added,
      ]);
      expect(await leftovers(dir)).toEqual([]);
    });

    it('writes the same bytes as a sequential run', async () => {
      const [concurrent, sequential] = [await tempDir(), await tempDir()];
      const tenants = names(0, 20);
      const gateway = DirectoryKubernetesGateway.create({
        directory: concurrent,
      });
      await Promise.all([
        ...tenants.map(t => gateway.applyTenantObjects(t, objectsOf(t))),
        gateway.applyClusterObjects(clusterPriorityClasses()),
      ]);
      const one = DirectoryKubernetesGateway.create({ directory: sequential });
      await one.applyClusterObjects(clusterPriorityClasses());
      for (const t of tenants) {
        await one.applyTenantObjects(t, objectsOf(t));
      }
      expect(await snapshot(concurrent)).toEqual(await snapshot(sequential));
    });
  });

  describe('across processes', () => {
    /**
     * A Node process (TypeScript through sucrase) that applies (or deletes)
     * `count` tenants named `<prefix>-NN` at once, after the test says go.
     */
    function writer(
      dir: string,
      prefix: string,
      count: number,
      operation: 'apply' | 'delete' = 'apply',
    ) {
      const script = `
        const { DirectoryKubernetesGateway } = require(${JSON.stringify(
          path.join(__dirname, 'DirectoryKubernetesGateway.ts'),
        )});
        const { tenantObjects } = require(${JSON.stringify(
          path.join(__dirname, '..', '..', 'domain', 'kubernetes.ts'),
        )});
        const { spec } = require(${JSON.stringify(
          path.join(__dirname, '..', '..', '__testUtils__', 'fixtures.ts'),
        )});
        const [dir, prefix, count, operation] = process.argv.slice(1);
        const gateway = DirectoryKubernetesGateway.create({ directory: dir });
        const names = Array.from({ length: Number(count) }, (_, i) =>
          prefix + '-' + String(i).padStart(2, '0'));
        const objects = names.map(name => tenantObjects(spec({ name })));
        process.stdout.write('ready\\n');
        process.stdin.once('data', () => {
          Promise.all(names.map((name, i) => operation === 'delete'
            ? gateway.deleteTenantObjects(name)
            : gateway.applyTenantObjects(name, objects[i])))
            .then(() => process.exit(0))
            .catch(error => { console.error(error); process.exit(1); });
        });
      `;
      const child = spawn(
        process.execPath,
        [
          '-r',
          'sucrase/register',
          '-e',
          script,
          dir,
          prefix,
          String(count),
          operation,
        ],
        { cwd: __dirname, stdio: ['pipe', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', chunk => {
        stderr += chunk;
      });
      const ready = new Promise<void>((resolve, reject) => {
        child.stdout.once('data', () => resolve());
        child.once('exit', code =>
          reject(new Error(`exit ${code}: ${stderr}`)),
        );
      });
      const exited = new Promise<number | null>(resolve =>
        child.once('exit', code => resolve(code)),
      );
      return {
        ready,
        go: () => child.stdin.write('go\n'),
        done: exited.then(code => ({ code, stderr })),
      };
    }

    const tenantsNamed = (prefix: string, count: number) =>
      Array.from(
        { length: count },
        (_, i) => `${prefix}-${String(i).padStart(2, '0')}`,
      );

    it('two processes writing one directory leave every tenant listed', async () => {
      const dir = await tempDir();
      const writers = [writer(dir, 'alpha', 12), writer(dir, 'bravo', 12)];
      await Promise.all(writers.map(w => w.ready));
      writers.forEach(w => w.go());
      for (const result of await Promise.all(writers.map(w => w.done))) {
        expect(result).toEqual({ code: 0, stderr: '' });
      }

      const expected = [
        ...tenantsNamed('alpha', 12),
        ...tenantsNamed('bravo', 12),
      ].map(t => `tenants/${t}`);
      expect(
        parse(await fs.readFile(path.join(dir, 'kustomization.yaml'), 'utf8'))
          .resources,
      ).toEqual(expected);
      const files = Object.keys(await snapshot(dir));
      expect(files.filter(f => /\.(tmp|lock)$/.test(f))).toEqual([]);
      expect(files).toHaveLength(1 + expected.length * 9);
    }, 60_000);

    it('one process deleting while another applies converges', async () => {
      const dir = await tempDir();
      const gateway = DirectoryKubernetesGateway.create({ directory: dir });
      for (const t of tenantsNamed('alpha', 12)) {
        await gateway.applyTenantObjects(t, tenantObjects(spec({ name: t })));
      }
      const writers = [
        writer(dir, 'alpha', 12, 'delete'),
        writer(dir, 'bravo', 12),
      ];
      await Promise.all(writers.map(w => w.ready));
      writers.forEach(w => w.go());
      for (const result of await Promise.all(writers.map(w => w.done))) {
        expect(result).toEqual({ code: 0, stderr: '' });
      }

      const bravo = tenantsNamed('bravo', 12);
      expect(
        parse(await fs.readFile(path.join(dir, 'kustomization.yaml'), 'utf8'))
          .resources,
      ).toEqual(bravo.map(t => `tenants/${t}`));
      expect((await fs.readdir(path.join(dir, 'tenants'))).sort()).toEqual(
        bravo,
      );
      const files = Object.keys(await snapshot(dir));
      expect(files.filter(f => /\.(tmp|lock)$/.test(f))).toEqual([]);
    }, 60_000);

    it('a lock file makes a writer wait, then give up within the bound', async () => {
      const dir = await tempDir();
      const lock = path.join(dir, 'held.lock');
      await fs.writeFile(lock, 'other-host 1 abc\n');

      let ran = false;
      const waiting = withLockFile(
        lock,
        async () => {
          ran = true;
        },
        { waitMs: 5_000, staleMs: 60_000 },
      );
      await new Promise(resolve => setTimeout(resolve, 200));
      expect(ran).toBe(false);
      await fs.rm(lock);
      await waiting;
      expect(ran).toBe(true);
      await expect(fs.stat(lock)).rejects.toThrow('ENOENT');

      await fs.writeFile(lock, 'other-host 1 abc\n');
      await expect(
        withLockFile(lock, async () => undefined, {
          waitMs: 200,
          staleMs: 60_000,
        }),
      ).rejects.toThrow(
        `${lock} is held by another process (other-host 1 abc) and was not released within 200 ms`,
      );
      // Someone else's lock is left alone.
      expect(await fs.readFile(lock, 'utf8')).toBe('other-host 1 abc\n');
    });

    it('breaks a lock file left by a dead process', async () => {
      const dir = await tempDir();
      const lock = path.join(dir, 'held.lock');
      await fs.writeFile(lock, 'other-host 1 abc\n');
      const past = new Date(Date.now() - 60_000);
      await fs.utimes(lock, past, past);
      await expect(
        withLockFile(lock, async () => 'ran', {
          waitMs: 100,
          staleMs: 10_000,
        }),
      ).resolves.toBe('ran');
      await expect(fs.stat(lock)).rejects.toThrow('ENOENT');
    });

    it('the in-process lock serialises one key and not two', async () => {
      let running = 0;
      let most = 0;
      const work = async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise(resolve => setTimeout(resolve, 5));
        running -= 1;
      };
      await Promise.all(
        Array.from({ length: 10 }, () => withProcessLock('/a', work)),
      );
      expect(most).toBe(1);
      most = 0;
      await Promise.all([
        withProcessLock('/a', work),
        withProcessLock('/b', work),
      ]);
      expect(most).toBe(2);
      // A failure releases the lock for the next caller.
      await expect(
        withProcessLock('/a', async () => {
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      await expect(withProcessLock('/a', async () => 'next')).resolves.toBe(
        'next',
      );
    });
  });
});
