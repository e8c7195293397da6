import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  emrOnEksClusterReadPermission,
  type ClusterBootstrap,
  type ClusterList,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { Router } from 'express';
import { z } from 'zod';
import type { ClusterService } from '../services/clusters/ClusterService';
import { actorOf, type ApiAccess } from './access';
import { parseQuery } from './query';

/** `GET /clusters?refresh=true`: run every preflight again. */
const listQuerySchema = z
  .object({ refresh: z.enum(['true', 'false']).optional() })
  .strict();

/**
 * `/clusters`: the configured clusters with their preflight, and each
 * cluster's bootstrap bundle, for platform admins
 * (`emr-on-eks.cluster.read`); anyone else gets 404, as for every hidden
 * thing.
 */
export function addClusterRoutes(
  router: Router,
  options: { access: ApiAccess; clusters: ClusterService },
) {
  const { access, clusters } = options;

  const requireAdmin = async (
    credentials: BackstageCredentials,
    what: string,
  ) => {
    if (!(await access.allowed(emrOnEksClusterReadPermission, credentials))) {
      throw new NotFoundError(`${what} not found`);
    }
  };

  router.get('/clusters', async (req, res) => {
    const credentials = await access.credentials(req);
    await requireAdmin(credentials, 'clusters');
    const { refresh } = parseQuery(listQuerySchema, req.query);
    const body: ClusterList = {
      items: await clusters.listClusters({ refresh: refresh === 'true' }),
    };
    res.setHeader('Cache-Control', 'no-store');
    res.json(body);
  });

  router.get('/clusters/:name/bootstrap', async (req, res) => {
    const credentials = await access.credentials(req);
    await requireAdmin(credentials, `cluster ${req.params.name}`);
    const body: ClusterBootstrap = clusters.renderBootstrap(req.params.name);
    res.json(body);
  });

  router.post('/clusters/:name/bootstrap', async (req, res) => {
    const credentials = await access.credentials(req);
    const written = await access.audited(
      req,
      'cluster-bootstrap-write',
      { cluster: req.params.name },
      async () => {
        await requireAdmin(credentials, `cluster ${req.params.name}`);
        return clusters.writeBootstrap(req.params.name, actorOf(credentials));
      },
    );
    const body: ClusterBootstrap = {
      cluster: written.cluster,
      files: written.files,
      writtenTo: written.writtenTo,
    };
    res.json(body);
  });
}
