import type {
  AuditorService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { ApiAccess } from './routes/access';
import { addJobRunRoutes } from './routes/jobRunRoutes';
import { addTenantRoutes } from './routes/tenantRoutes';
import type { JobService } from './services/JobService';
import type { TenantService } from './services/TenantService';

/**
 * REST API of the plugin, mounted at `/api/emr-on-eks`. Every endpoint but
 * /health takes user or service credentials and checks a permission.
 */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  tenants: TenantService;
  jobs: JobService;
}): Promise<express.Router> {
  const router = Router();
  router.use(express.json({ limit: '256kb' }));
  const access = new ApiAccess(options);

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  addTenantRoutes(router, { access, tenants: options.tenants });
  addJobRunRoutes(router, {
    access,
    jobs: options.jobs,
    tenants: options.tenants,
  });
  return router;
}
