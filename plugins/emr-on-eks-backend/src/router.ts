import type {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  emrOnEksTenantCreatePermission,
  emrOnEksTenantDeletePermission,
  emrOnEksTenantReadPermission,
  emrOnEksTenantUpdatePermission,
  formatIssues,
  parseTenantSpec,
  Tenant,
  tenantNameSchema,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { JsonObject } from '@backstage/types';
import express from 'express';
import Router from 'express-promise-router';
import type { TenantService } from './services/TenantService';
import type { TenantStore } from './stores/TenantStore';

/**
 * REST API of the plugin, mounted at `/api/emr-on-eks`. Every endpoint but
 * /health takes user or service credentials and checks a permission.
 */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  tenants: TenantService;
  store: TenantStore;
}): Promise<express.Router> {
  const { httpAuth, permissions, auditor, tenants, store } = options;
  const router = Router();
  router.use(express.json({ limit: '256kb' }));

  const credentialsOf = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  /** Loads a tenant the caller may read; others get the same 404 as absent ones. */
  async function readableTenant(
    name: string,
    credentials: BackstageCredentials,
  ): Promise<Tenant> {
    const parsedName = tenantNameSchema.safeParse(name);
    const tenant = parsedName.success
      ? await store.findTenant(parsedName.data)
      : undefined;
    if (
      !tenant ||
      !(await allowed(emrOnEksTenantReadPermission, tenant, credentials))
    ) {
      throw new NotFoundError(`tenant ${name} not found`);
    }
    return tenant;
  }

  /**
   * Whether the caller holds a tenant permission on each named tenant. The
   * permission framework evaluates conditional policies (like IS_TENANT_OWNER)
   * against the tenants through the rules this plugin registers.
   */
  async function allowedOn(
    permission: ResourcePermission,
    names: string[],
    credentials: BackstageCredentials,
  ): Promise<boolean[]> {
    if (names.length === 0) {
      return [];
    }
    const decisions = await permissions.authorize(
      names.map(resourceRef => ({ permission, resourceRef })),
      { credentials },
    );
    return decisions.map(d => d.result === AuthorizeResult.ALLOW);
  }

  async function allowed(
    permission: ResourcePermission,
    tenant: Tenant,
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    const [decision] = await allowedOn(permission, [tenant.name], credentials);
    return decision;
  }

  async function requireBasic(
    permission: BasicPermission,
    credentials: BackstageCredentials,
  ) {
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`not allowed to ${permission.attributes.action} tenants`);
    }
  }

  async function requireOn(
    permission: ResourcePermission,
    tenant: Tenant,
    credentials: BackstageCredentials,
  ) {
    if (!(await allowed(permission, tenant, credentials))) {
      throw new NotAllowedError(
        `not allowed to ${permission.attributes.action} tenant ${tenant.name}`,
      );
    }
  }

  function parseSpecOrThrow(body: unknown) {
    const parsed = parseTenantSpec(body);
    if (!parsed.success) {
      throw new InputError(`Invalid tenant spec: ${formatIssues(parsed.issues)}`);
    }
    return parsed.data;
  }

  /** Runs a mutation inside an auditor event, so failures are audited too. */
  async function audited<T>(
    req: express.Request,
    eventId: string,
    meta: JsonObject,
    fn: () => Promise<T>,
  ): Promise<T> {
    const event = await auditor.createEvent({
      eventId,
      request: req,
      severityLevel: 'medium',
      meta,
    });
    try {
      const result = await fn();
      await event.success();
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.post('/tenants', async (req, res) => {
    const credentials = await credentialsOf(req);
    const tenant = await audited(
      req,
      'tenant-create',
      { tenant: String(req.body?.name ?? '') },
      async () => {
        await requireBasic(emrOnEksTenantCreatePermission, credentials);
        const spec = parseSpecOrThrow(req.body);
        return tenants.createTenant(spec, actorOf(credentials));
      },
    );
    res.status(202).location(`tenants/${tenant.name}`).json(tenant);
  });

  router.get('/tenants', async (req, res) => {
    const credentials = await credentialsOf(req);
    const all = await store.listTenants();
    // A DENY shows fewer tenants, not an error.
    const allowedList = await allowedOn(
      emrOnEksTenantReadPermission,
      all.map(t => t.name),
      credentials,
    );
    res.json({ items: all.filter((_, index) => allowedList[index]) });
  });

  router.get('/tenants/:name', async (req, res) => {
    const credentials = await credentialsOf(req);
    res.json(await readableTenant(req.params.name, credentials));
  });

  router.get('/tenants/:name/audit', async (req, res) => {
    const credentials = await credentialsOf(req);
    const name = req.params.name;
    // The trail outlives an offboarded tenant. With no tenant left to match
    // conditions against, only callers allowed to read every tenant see it.
    const [canRead] = tenantNameSchema.safeParse(name).success
      ? await allowedOn(emrOnEksTenantReadPermission, [name], credentials)
      : [false];
    const items = canRead ? await tenants.listAudit(name) : [];
    if (items.length === 0 && !(canRead && (await store.exists(name)))) {
      throw new NotFoundError(`tenant ${name} not found`);
    }
    res.json({ items });
  });

  router.put('/tenants/:name', async (req, res) => {
    const credentials = await credentialsOf(req);
    const tenant = await audited(
      req,
      'tenant-update',
      { tenant: req.params.name },
      async () => {
        const current = await readableTenant(req.params.name, credentials);
        await requireOn(emrOnEksTenantUpdatePermission, current, credentials);
        const body = req.body ?? {};
        if (body.name !== undefined && body.name !== current.name) {
          throw new InputError(
            `name: "${body.name}" does not match the tenant in the path (${current.name}); tenants cannot be renamed`,
          );
        }
        const spec = parseSpecOrThrow({ ...body, name: current.name });
        return tenants.updateTenant(spec, actorOf(credentials));
      },
    );
    res.status(202).json(tenant);
  });

  router.delete('/tenants/:name', async (req, res) => {
    const credentials = await credentialsOf(req);
    const tenant = await audited(
      req,
      'tenant-delete',
      { tenant: req.params.name },
      async () => {
        const current = await readableTenant(req.params.name, credentials);
        await requireOn(emrOnEksTenantDeletePermission, current, credentials);
        return tenants.deleteTenant(current.name, actorOf(credentials));
      },
    );
    res.status(202).json(tenant);
  });

  router.post('/tenants/:name/reconcile', async (req, res) => {
    const credentials = await credentialsOf(req);
    const result = await audited(
      req,
      'tenant-reconcile',
      { tenant: req.params.name },
      async () => {
        const current = await readableTenant(req.params.name, credentials);
        await requireOn(emrOnEksTenantUpdatePermission, current, credentials);
        return tenants.reconcile(current.name, actorOf(credentials));
      },
    );
    if (!result) {
      res.status(204).end();
      return;
    }
    res.json(result);
  });

  return router;
}

function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as
    | { type: 'user'; userEntityRef: string }
    | { type: 'service'; subject: string }
    | { type: 'none' };
  if (principal.type === 'user') {
    return principal.userEntityRef;
  }
  if (principal.type === 'service') {
    return principal.subject;
  }
  return 'unknown';
}
