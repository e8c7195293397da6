import { InputError, NotAllowedError } from '@backstage/errors';
import {
  emrOnEksClusterReadPermission,
  emrOnEksTenantCreatePermission,
  changedGuardedFields,
  emrOnEksTenantDeletePermission,
  emrOnEksTenantGuardrailsUpdatePermission,
  emrOnEksTenantHistoryReadPermission,
  emrOnEksTenantReadPermission,
  emrOnEksTenantUpdatePermission,
  formatIssues,
  parseTenantSpec,
  Tenant,
  tenantNameSchema,
} from '@spot-spark/plugin-emr-on-eks-common';
import { z } from 'zod';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Request, Router } from 'express';
import type { Reconciler } from '../services/reconcile/Reconciler';
import type { TenantService } from '../services/tenants/TenantService';
import { actorOf, ApiAccess } from './access';
import { pageQuerySchema, parseQuery } from './query';

/**
 * `POST /tenants?reassignReason=`: why a platform admin gives a reserved
 * name or namespace to the new tenant's owner (kept in the audit trail).
 */
const createQuerySchema = z
  .object({
    reassignReason: z
      .string()
      .trim()
      .min(3, { message: 'must say why, in at least 3 characters' })
      .max(500)
      .optional(),
  })
  .strict();

function parseSpecOrThrow(body: unknown) {
  const parsed = parseTenantSpec(body);
  if (!parsed.success) {
    throw new InputError(`Invalid tenant spec: ${formatIssues(parsed.issues)}`);
  }
  return parsed.data;
}

/**
 * The generation a PUT was based on: the If-Match header (`"3"`, `W/"3"`) or
 * `generation` in the body; undefined when neither is sent.
 */
function expectedGenerationOf(
  ifMatch: string | undefined,
  inBody: unknown,
): number | undefined {
  const fromHeader =
    ifMatch === undefined
      ? undefined
      : /^(?:W\/)?"?(\d{1,9})"?$/.exec(ifMatch.trim());
  if (ifMatch !== undefined && !fromHeader) {
    throw new InputError(
      `If-Match: "${ifMatch}" is not a tenant generation; send the ETag of GET /tenants/:name, like "3"`,
    );
  }
  if (
    inBody !== undefined &&
    !(typeof inBody === 'number' && Number.isInteger(inBody) && inBody > 0)
  ) {
    throw new InputError('generation: must be a positive integer');
  }
  const header = fromHeader ? Number(fromHeader[1]) : undefined;
  if (header !== undefined && inBody !== undefined && header !== inBody) {
    throw new InputError(
      `generation: ${inBody} in the body and ${header} in If-Match differ; send one`,
    );
  }
  return header ?? (inBody as number | undefined);
}

/** `/tenants`: onboarding, reading, updating, offboarding, reconciling. */
export function addTenantRoutes(
  router: Router,
  options: {
    access: ApiAccess;
    tenants: TenantService;
    reconciler: Pick<Reconciler, 'reconcile'>;
  },
) {
  const { access, tenants, reconciler } = options;

  router.post('/tenants', async (req, res) => {
    const credentials = await access.credentials(req);
    const tenant = await access.audited(
      req,
      'tenant-create',
      {
        tenant: String(req.body?.name ?? ''),
        ...(typeof req.query.reassignReason === 'string'
          ? { reassignReason: req.query.reassignReason }
          : {}),
      },
      async () => {
        await access.requireBasic(emrOnEksTenantCreatePermission, credentials);
        const { reassignReason } = parseQuery(createQuerySchema, req.query);
        const spec = parseSpecOrThrow(req.body);
        await access.requireMayOwn(spec.owner, credentials);
        // Giving a reserved name to another owner is the platform's call.
        if (
          reassignReason !== undefined &&
          !(await access.isPlatform(credentials))
        ) {
          throw new NotAllowedError(
            `reassignReason: only a platform admin (${emrOnEksTenantGuardrailsUpdatePermission.name}) gives a reserved name to another owner`,
          );
        }
        return tenants.createTenant(spec, actorOf(credentials), {
          reassign:
            reassignReason === undefined
              ? undefined
              : { reason: reassignReason },
          // Platform admins may onboard onto a cluster that failed its
          // preflight (warned); anyone else is refused.
          platformAdmin: await access.allowed(
            emrOnEksClusterReadPermission,
            credentials,
          ),
        });
      },
    );
    res.status(202).location(`tenants/${tenant.name}`).json(tenant);
  });

  router.get('/tenants', async (req, res) => {
    const credentials = await access.credentials(req);
    const page = parseQuery(pageQuerySchema, req.query);
    // The policy's conditions filter in SQL; a DENY is an empty list.
    const filter = await access.tenantFilter(
      emrOnEksTenantReadPermission,
      credentials,
    );
    if (filter === 'none') {
      res.json({ items: [] });
      return;
    }
    res.json(
      await tenants.listTenants({
        ...page,
        filter: filter === 'all' ? undefined : filter,
      }),
    );
  });

  router.get('/tenants/:name', async (req, res) => {
    const credentials = await access.credentials(req);
    const tenant = await access.visibleTenant(req.params.name, credentials);
    // The generation is the tenant's version: send it back in If-Match.
    res.setHeader('ETag', `"${tenant.generation}"`).json(tenant);
  });

  router.get('/tenants/:name/audit', async (req, res) => {
    const credentials = await access.credentials(req);
    // This tenant's trail only: a tenant of the same name offboarded
    // earlier is history (see /tenant-history), not this tenant's past.
    const tenant = await access.visibleTenant(req.params.name, credentials);
    res.json(
      await tenants.listAudit(
        tenant.uid,
        parseQuery(pageQuerySchema, req.query),
      ),
    );
  });

  router.get('/tenant-history', async (req, res) => {
    const credentials = await access.credentials(req);
    const { name } = parseQuery(
      z.object({ name: tenantNameSchema.optional() }).strict(),
      req.query,
    );
    await access.requireBasic(emrOnEksTenantHistoryReadPermission, credentials);
    res.json({ items: await tenants.listOffboarded(name) });
  });

  router.get('/tenant-history/:uid', async (req, res) => {
    const credentials = await access.credentials(req);
    res.json(await access.visibleOffboardedTenant(req.params.uid, credentials));
  });

  router.get('/tenant-history/:uid/audit', async (req, res) => {
    const credentials = await access.credentials(req);
    const page = parseQuery(pageQuerySchema, req.query);
    const tenant = await access.visibleOffboardedTenant(
      req.params.uid,
      credentials,
    );
    res.json(await tenants.listAudit(tenant.uid, page));
  });

  /** A change to an existing tenant: visible to the caller, permitted, audited. */
  async function changeTenant<T>(
    req: Request,
    eventId: string,
    permission: ResourcePermission,
    change: (
      tenant: Tenant,
      actor: string,
      credentials: BackstageCredentials,
    ) => Promise<T>,
  ): Promise<T> {
    const credentials = await access.credentials(req);
    return access.audited(
      req,
      eventId,
      { tenant: req.params.name },
      async () => {
        const current = await access.visibleTenant(
          req.params.name,
          credentials,
        );
        await access.requireOn(permission, current.name, credentials);
        return change(current, actorOf(credentials), credentials);
      },
    );
  }

  router.put('/tenants/:name', async (req, res) => {
    const tenant = await changeTenant(
      req,
      'tenant-update',
      emrOnEksTenantUpdatePermission,
      async (current, actor, credentials) => {
        const body = req.body ?? {};
        if (body.name !== undefined && body.name !== current.name) {
          throw new InputError(
            `name: "${body.name}" does not match the tenant in the path (${current.name}); tenants cannot be renamed`,
          );
        }
        const expectedGeneration = expectedGenerationOf(
          req.header('if-match'),
          body.generation,
        );
        const { generation: _generation, ...fields } = body;
        const spec = parseSpecOrThrow({ ...fields, name: current.name });
        // The team edits its own settings; the guardrails are the platform's.
        const guarded = changedGuardedFields(current.spec, spec);
        if (guarded.length > 0) {
          await access.requireOn(
            emrOnEksTenantGuardrailsUpdatePermission,
            current.name,
            credentials,
            `to change ${guarded.join(', ')}`,
          );
        }
        return tenants.updateTenant(spec, actor, expectedGeneration);
      },
    );
    res.status(202).setHeader('ETag', `"${tenant.generation}"`).json(tenant);
  });

  router.delete('/tenants/:name', async (req, res) => {
    const tenant = await changeTenant(
      req,
      'tenant-delete',
      emrOnEksTenantDeletePermission,
      (current, actor) => tenants.deleteTenant(current.name, actor),
    );
    res.status(202).json(tenant);
  });

  router.post('/tenants/:name/reconcile', async (req, res) => {
    const result = await changeTenant(
      req,
      'tenant-reconcile',
      emrOnEksTenantUpdatePermission,
      (current, actor) => reconciler.reconcile(current.name, actor),
    );
    if (!result) {
      res.status(204).end();
      return;
    }
    res.json(result);
  });
}
