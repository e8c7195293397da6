import {
  AuthService,
  BackendFeature,
  coreServices,
  createBackendModule,
  createServiceFactory,
  SchedulerServiceTaskInvocationDefinition,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  PolicyDecision,
  isPermission,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  EMR_ON_EKS_TENANT_RESOURCE_TYPE,
  emrOnEksTenantCreatePermission,
  emrOnEksTenantGuardrailsUpdatePermission,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { JsonObject } from '@backstage/types';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import type { Knex } from 'knex';
import permissionBackend from '@backstage/plugin-permission-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  notificationService,
  type NotificationSendOptions,
} from '@backstage/plugin-notifications-node';
import {
  signalsServiceRef,
  type SignalPayload,
} from '@backstage/plugin-signals-node';
import request from 'supertest';
import {
  createEmrOnEksTenantConditionalDecision,
  emrOnEksTenantConditions,
} from '../permissions';
import { emrOnEksPlugin } from '../plugin';
import { CATALOG_ENTITIES } from './fixtures';

/** Users of the test organisation and the groups they belong to. */
export const USERS = {
  admin: 'user:default/admin',
  alice: 'user:default/alice', // member of team-a
  bob: 'user:default/bob', // member of team-b
  carol: 'user:default/carol', // member of team-a, may not onboard tenants
};
const MEMBERSHIPS: Record<string, string[]> = {
  [USERS.alice]: ['group:default/team-a'],
  [USERS.bob]: ['group:default/team-b'],
  [USERS.carol]: ['group:default/team-a'],
};

/**
 * The policy an adopter would write: admins may do anything, some users may
 * onboard tenants, and everything else on a tenant needs membership of its
 * owning group.
 */
class TestPolicy {
  async handle(
    query: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const ref = user?.info.userEntityRef;
    if (ref === USERS.admin) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (isPermission(query.permission, emrOnEksTenantCreatePermission)) {
      return {
        result:
          ref === USERS.alice || ref === USERS.bob
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      };
    }
    // The guardrails are the platform's: only admins change them.
    if (
      isPermission(query.permission, emrOnEksTenantGuardrailsUpdatePermission)
    ) {
      return { result: AuthorizeResult.DENY };
    }
    if (
      isResourcePermission(query.permission, EMR_ON_EKS_TENANT_RESOURCE_TYPE)
    ) {
      return createEmrOnEksTenantConditionalDecision(
        query.permission,
        emrOnEksTenantConditions.isTenantOwner({
          claims: user?.info.ownershipEntityRefs ?? [],
        }),
      );
    }
    return { result: AuthorizeResult.DENY };
  }
}

const testPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'emr-on-eks-test-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new TestPolicy());
      },
    });
  },
});

/**
 * The mock auth service, except that a token issued on behalf of a user
 * names the issuing plugin as its actor, as the real auth service does. The
 * permission framework refuses conditional decisions for user tokens without
 * an actor, and the stock mock leaves it out.
 */
const authWithActors = createServiceFactory({
  service: coreServices.auth,
  deps: { pluginMetadata: coreServices.pluginMetadata },
  factory({ pluginMetadata }): AuthService {
    const pluginId = pluginMetadata.getId();
    const base = mockServices.auth({ pluginId });
    return {
      authenticate: base.authenticate.bind(base),
      getNoneCredentials: base.getNoneCredentials.bind(base),
      getOwnServiceCredentials: base.getOwnServiceCredentials.bind(base),
      isPrincipal: base.isPrincipal.bind(base) as AuthService['isPrincipal'],
      getLimitedUserToken: base.getLimitedUserToken.bind(base),
      listPublicServiceKeys: base.listPublicServiceKeys.bind(base),
      async getPluginRequestToken(options) {
        const principal = options.onBehalfOf.principal as {
          type: string;
          userEntityRef?: string;
        };
        if (principal.type === 'user') {
          return {
            token: mockCredentials.user.token(principal.userEntityRef, {
              actor: { subject: `plugin:${pluginId}` },
            }),
          };
        }
        return base.getPluginRequestToken(options);
      },
    };
  },
});

export type ScheduledTask = SchedulerServiceTaskScheduleDefinition &
  SchedulerServiceTaskInvocationDefinition;

/**
 * Starts a Backstage backend with the plugin, the real permission backend and
 * the test policy, on the given `emrOnEks` config. Scheduled tasks are
 * captured instead of run, so a test can run "the schedule" when it wants.
 */
export async function startEmrOnEksBackend(
  config: JsonObject,
  extraFeatures: BackendFeature[] = [],
  plugin: BackendFeature = emrOnEksPlugin,
) {
  return startEmrOnEksBackendWith(config, { plugin, extraFeatures });
}

/**
 * Waits until a tenant reaches one of the phases (or is gone, for `gone`),
 * polling the API; bounded so a hang fails the test instead of stalling it.
 */
export async function waitForTenant(
  server: any,
  name: string,
  until: Array<string>,
  authorization: string,
): Promise<any> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await request(server)
      .get(`/api/emr-on-eks/tenants/${name}`)
      .set('Authorization', authorization);
    if (res.status === 404 && until.includes('gone')) {
      return undefined;
    }
    if (res.status === 200 && until.includes(res.body.status.phase)) {
      return res.body;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `tenant ${name} did not reach ${until.join('|')}: ${
          res.status
        } ${JSON.stringify(res.body)}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 25));
  }
}

/** How `startEmrOnEksBackendWith` builds the backend. */
export interface EmrOnEksBackendOptions {
  /** The plugin feature; the stock plugin when left out. */
  plugin?: BackendFeature;
  extraFeatures?: BackendFeature[];
  /**
   * The database client every plugin of this backend uses, migrations on
   * (a replica's own client to a database other replicas share). Each
   * backend gets its own in-memory SQLite database when left out.
   */
  knex?: Knex;
  /**
   * `capture` (the default): scheduled tasks are captured in
   * `scheduledTasks` instead of run. `real`: Backstage's own scheduler on the
   * backend's database, so `scope: 'global'` tasks run once per period
   * across every backend sharing it.
   */
  scheduler?: 'capture' | 'real';
  /**
   * `mock` (the default): every plugin's catalog service is an in-memory
   * catalog of `CATALOG_ENTITIES`. `default`: Backstage's own (the catalog's
   * REST API through discovery), for a backend with the real catalog plugin.
   */
  catalogService?: 'mock' | 'default';
  /**
   * `capture` (the default): signals published and notifications sent are
   * kept in the backend's `signals` and `notifications`. `default`:
   * Backstage's own services with no signals or notifications backend
   * installed (signals go to the events service, notifications fail).
   */
  signalsAndNotifications?: 'capture' | 'default';
}

/**
 * `startEmrOnEksBackend` with more choices: a given database client and
 * Backstage's real scheduler (for several replicas on one database).
 */
export async function startEmrOnEksBackendWith(
  config: JsonObject,
  options: EmrOnEksBackendOptions = {},
) {
  const scheduledTasks: ScheduledTask[] = [];
  const signals: SignalPayload[] = [];
  const notifications: NotificationSendOptions[] = [];
  const captured =
    options.signalsAndNotifications === 'default'
      ? []
      : [
          createServiceFactory({
            service: signalsServiceRef,
            deps: {},
            factory: () => ({
              async publish(signal: SignalPayload) {
                signals.push(signal);
              },
            }),
          }),
          createServiceFactory({
            service: notificationService,
            deps: {},
            factory: () => ({
              async send(notification: NotificationSendOptions) {
                notifications.push(notification);
              },
            }),
          }),
        ];
  const scheduler =
    options.scheduler === 'real'
      ? schedulerServiceFactory
      : mockServices.scheduler.mock({
          async scheduleTask(task: ScheduledTask) {
            scheduledTasks.push(task);
          },
        }).factory;
  const backend = await startTestBackend({
    features: [
      options.plugin ?? emrOnEksPlugin,
      permissionBackend,
      testPolicyModule,
      authWithActors,
      mockServices.rootConfig.factory({
        data: { ...config, permission: { enabled: true } },
      }),
      mockServices.userInfo.mock({
        async getUserInfo(credentials: any) {
          const userEntityRef = credentials.principal.userEntityRef;
          return {
            userEntityRef,
            ownershipEntityRefs: [
              userEntityRef,
              ...(MEMBERSHIPS[userEntityRef] ?? []),
            ],
          };
        },
      }).factory,
      scheduler,
      ...(options.knex
        ? [
            mockServices.database.factory({
              knex: options.knex,
              migrations: { skip: false },
            }),
          ]
        : []),
      ...(options.catalogService === 'default'
        ? []
        : [catalogServiceMock.factory({ entities: CATALOG_ENTITIES })]),
      ...captured,
      ...(options.extraFeatures ?? []),
    ],
  });
  return Object.assign(backend, { scheduledTasks, signals, notifications });
}
