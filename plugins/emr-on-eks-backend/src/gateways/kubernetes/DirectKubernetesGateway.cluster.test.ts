import { mockServices } from '@backstage/backend-test-utils';
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { spec } from '../../__testUtils__/fixtures';
import { clusterPriorityClasses, tenantObjects } from '../../domain/kubernetes';
import { DirectKubernetesGateway } from './DirectKubernetesGateway';

/*
 * Direct mode against a real Kubernetes cluster (kind, k3d, minikube...):
 * runs when KUBECONFIG points at one, and is reported as skipped otherwise.
 * It applies a tenant's objects to a throwaway namespace, checks that a second
 * apply changes nothing (the API server's defaults and canonical quantities
 * do not look like drift), and deletes the namespace again.
 */
const kubeconfig = process.env.KUBECONFIG;
const describeWithCluster = kubeconfig ? describe : describe.skip;

describeWithCluster(
  'DirectKubernetesGateway against the cluster in KUBECONFIG',
  () => {
    jest.setTimeout(120_000);
    const name = `emr-it-${randomBytes(3).toString('hex')}`;
    const objects = tenantObjects(spec({ name }));
    const gateway = DirectKubernetesGateway.create({
      settings: {
        mode: 'direct',
        authProvider: 'token',
        kubeconfig,
        requestTimeoutSeconds: 30,
      },
      clusterName: 'test',
      logger: mockServices.logger.mock(),
    });

    afterAll(async () => {
      await gateway.deleteTenantObjects(name, objects).catch(() => undefined);
    });

    it('applies, finds no drift on the second pass, and deletes', async () => {
      const created = await gateway.applyTenantObjects(name, objects);
      expect(created).toHaveLength(objects.length);
      await gateway.applyClusterObjects(clusterPriorityClasses());

      expect(await gateway.applyTenantObjects(name, objects)).toEqual([]);
      expect(
        await gateway.applyClusterObjects(clusterPriorityClasses()),
      ).toEqual([]);

      const kc = new KubeConfig();
      kc.loadFromFile(kubeconfig!);
      const api = KubernetesObjectApi.makeApiClient(kc);
      const quota = await api.read({
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'emr-on-eks-quota', namespace: name },
      });
      expect((quota as any).spec.hard.pods).toBe('200');

      expect(await gateway.deleteTenantObjects(name, objects)).toEqual([
        `deleted Namespace ${name}`,
      ]);
    });
  },
);
