import type {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  ConditionalPolicyDecision,
  PermissionCriteria,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  emrOnEksTenantGuardrailsUpdatePermission,
  emrOnEksTenantHistoryReadPermission,
  emrOnEksTenantReadPermission,
  OffboardedTenant,
  Tenant,
  tenantNameSchema,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { JsonObject } from '@backstage/types';
import type { Request } from 'express';
import {
  decisionAllowsTenant,
  TenantFilter,
  toTenantFilter,
} from '../permissions';
import type { TenantService } from '../services/tenants/TenantService';

/** Tenant uids are UUIDs; anything else is a tenant that does not exist. */
const UID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Authentication, permission checks and auditing shared by the routes. Tenant
 * permissions are resource permissions: the framework evaluates conditional
 * policies (like IS_TENANT_OWNER) against the tenant through the rules this
 * plugin registers.
 */
export class ApiAccess {
  constructor(
    private readonly options: {
      httpAuth: HttpAuthService;
      permissions: PermissionsService;
      auditor: AuditorService;
      userInfo: UserInfoService;
      tenants: TenantService;
    },
  ) {}

  credentials(req: Request): Promise<BackstageCredentials> {
    return this.options.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
  }

  /** Whether the caller holds the permission on each named tenant. */
  async allowedOn(
    permission: ResourcePermission,
    names: string[],
    credentials: BackstageCredentials,
  ): Promise<boolean[]> {
    if (names.length === 0) {
      return [];
    }
    const decision = await this.decision(permission, credentials);
    if (decision.result !== AuthorizeResult.CONDITIONAL) {
      return names.map(() => decision.result === AuthorizeResult.ALLOW);
    }
    const tenants = await this.options.tenants.findTenants(names);
    return tenants.map(
      tenant => tenant !== undefined && decisionAllowsTenant(decision, tenant),
    );
  }

  /**
   * The policy's decision for the caller: allow, deny, or conditions that
   * this plugin applies to each tenant itself (the framework would call back
   * into the plugin to apply them: one request more per check).
   */
  private async decision(
    permission: ResourcePermission,
    credentials: BackstageCredentials,
  ): Promise<PolicyDecision> {
    const [decision] = await this.options.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    return decision;
  }

  /**
   * Which tenants the caller holds the permission on, as a query: `all`,
   * `none`, or the policy's conditions (so a paged list filters in SQL and
   * its pages stay full).
   */
  async tenantFilter(
    permission: ResourcePermission,
    credentials: BackstageCredentials,
  ): Promise<'all' | 'none' | PermissionCriteria<TenantFilter>> {
    const [decision] = await this.options.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) {
      return 'all';
    }
    if (decision.result === AuthorizeResult.DENY) {
      return 'none';
    }
    return toTenantFilter(
      (decision as ConditionalPolicyDecision).conditions as Parameters<
        typeof toTenantFilter
      >[0],
    );
  }

  /** Whether the caller holds a basic permission. */
  async allowed(
    permission: BasicPermission,
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    const [decision] = await this.options.permissions.authorize(
      [{ permission }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }

  /**
   * Loads a tenant the caller may see with `permission` (tenant read by
   * default); absent and hidden tenants get the same 404.
   */
  async visibleTenant(
    name: string,
    credentials: BackstageCredentials,
    permission: ResourcePermission = emrOnEksTenantReadPermission,
  ): Promise<Tenant> {
    if (!tenantNameSchema.safeParse(name).success) {
      throw new NotFoundError(`tenant ${name} not found`);
    }
    // The tenant and the policy's decision at once: the decision is a
    // request to the permission backend, the tenant a database read.
    const [tenant, decision] = await Promise.all([
      this.options.tenants.findTenant(name),
      this.decision(permission, credentials),
    ]);
    if (!tenant || !decisionAllowsTenant(decision, tenant)) {
      throw new NotFoundError(`tenant ${name} not found`);
    }
    return tenant;
  }

  /**
   * Loads an offboarded tenant for a caller with the history permission
   * (admins); for anyone else, and for a uid that is no tenant's, the same
   * 404.
   */
  async visibleOffboardedTenant(
    uid: string,
    credentials: BackstageCredentials,
  ): Promise<OffboardedTenant> {
    const found =
      UID.test(uid) &&
      (await this.allowed(emrOnEksTenantHistoryReadPermission, credentials))
        ? await this.options.tenants.findOffboarded(uid)
        : undefined;
    if (!found) {
      throw new NotFoundError(`offboarded tenant ${uid} not found`);
    }
    return found;
  }

  /**
   * 403 unless the caller holds the permission on the tenant; `needed` says
   * what for. Call it only once the caller may see the tenant (a hidden
   * tenant is a 404, see {@link ApiAccess.visibleTenant}).
   */
  async requireOn(
    permission: ResourcePermission,
    tenant: string,
    credentials: BackstageCredentials,
    needed?: string,
  ): Promise<void> {
    if (!(await this.allowedOn(permission, [tenant], credentials))[0]) {
      throw new NotAllowedError(
        `not allowed: ${permission.name} on tenant ${tenant}${
          needed ? ` (needed ${needed})` : ''
        }`,
      );
    }
  }

  async requireBasic(
    permission: BasicPermission,
    credentials: BackstageCredentials,
  ): Promise<void> {
    if (!(await this.allowed(permission, credentials))) {
      throw new NotAllowedError(`not allowed: ${permission.name}`);
    }
  }

  /**
   * Onboarding a tenant for any owner is for who may set every tenant's
   * guardrails (the platform); anyone else may onboard only a tenant owned
   * by themselves or one of their groups, so a team cannot hand another
   * team a tenant it did not ask for. Other plugins (service principals)
   * act for the platform.
   */
  async requireMayOwn(
    owner: string,
    credentials: BackstageCredentials,
  ): Promise<void> {
    const { principal } = credentials as BackstageCredentials<{
      type: string;
    }>;
    if (principal.type !== 'user' || (await this.isPlatform(credentials))) {
      return;
    }
    const { ownershipEntityRefs } = await this.options.userInfo.getUserInfo(
      credentials,
    );
    const wanted = owner.toLocaleLowerCase('en-US');
    if (
      !ownershipEntityRefs.some(
        ref => ref.toLocaleLowerCase('en-US') === wanted,
      )
    ) {
      throw new NotAllowedError(
        `owner: you may onboard only a tenant owned by you or one of your groups (${ownershipEntityRefs.join(
          ', ',
        )}), not ${owner}; a platform admin onboards tenants for other teams`,
      );
    }
  }

  /**
   * Whether the caller acts for the platform: it may set every tenant's
   * guardrails (unconditionally, not only on some tenants).
   */
  async isPlatform(credentials: BackstageCredentials): Promise<boolean> {
    const [decision] = await this.options.permissions.authorizeConditional(
      [{ permission: emrOnEksTenantGuardrailsUpdatePermission }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }

  /** Runs a mutation inside an auditor event, so failures are audited too. */
  async audited<T>(
    req: Request,
    eventId: string,
    meta: JsonObject,
    fn: () => Promise<T>,
  ): Promise<T> {
    const event = await this.options.auditor.createEvent({
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
}

/** The ref of whoever the credentials stand for. */
export function actorOf(credentials: BackstageCredentials): string {
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
