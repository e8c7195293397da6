import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { spec } from '../__testUtils__/fixtures';
import { validateAgainstUpstreamSchema } from '../__testUtils__/kubernetesSchemas';
import { clusterPriorityClasses, tenantObjects } from '../domain/kubernetes';
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
});
