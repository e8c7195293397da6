import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { spec } from '../__testUtils__/fixtures';
import { validateAgainstUpstreamSchema } from '../__testUtils__/kubernetesSchemas';
import { clusterPriorityClasses, tenantObjects } from '../domain/kubernetes';
import { NotManagedError } from './errors';
import { GitOpsKubernetesGateway } from './GitOpsKubernetesGateway';

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

describe('GitOpsKubernetesGateway', () => {
  it('writes one kustomization per tenant plus the shared cluster objects', async () => {
    const dir = await tempDir();
    const gateway = GitOpsKubernetesGateway.create({ directory: dir });
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
      const gateway = GitOpsKubernetesGateway.create({ directory: dir });
      await gateway.applyClusterObjects(clusterPriorityClasses());
      await gateway.applyTenantObjects('team-a', tenantObjects(spec()));
    }
    expect(await snapshot(first)).toEqual(await snapshot(second));

    const gateway = GitOpsKubernetesGateway.create({ directory: first });
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
    const gateway = GitOpsKubernetesGateway.create({ directory: dir });
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
    const gateway = GitOpsKubernetesGateway.create({ directory: dir });
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
    it("refuses a namespace another tenant's directory already declares, writing nothing", async () => {
      const dir = await tempDir();
      const gateway = GitOpsKubernetesGateway.create({ directory: dir });
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
      const gateway = GitOpsKubernetesGateway.create({ directory: dir });
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
      const gateway = GitOpsKubernetesGateway.create({ directory: dir });
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
      const gateway = GitOpsKubernetesGateway.create({ directory: dir });
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
      const gateway = GitOpsKubernetesGateway.create({ directory: dir });
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
});
