import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { EMR_ON_EKS_TENANT_EVENTS_TOPIC } from '@spot-spark/plugin-emr-on-eks-common';
import { emrOnEksClientServiceRef } from '@spot-spark/plugin-emr-on-eks-node';
import {
  EmrOnEksTenantEntityProvider,
  PROVIDER_NAME,
} from './EmrOnEksTenantEntityProvider';
import { readProviderSettings } from './settings';

/** The backend plugin the tenants are read from. */
const EMR_ON_EKS_PLUGIN_ID = 'emr-on-eks';

/**
 * Catalog module publishing every EMR on EKS tenant as a Resource of type
 * `emr-virtual-cluster`, updated on every change of a tenant (events of the
 * backend plugin) and replaced in full at start-up and on a schedule
 * (`catalog.providers.emrOnEks.schedule`).
 *
 * @public
 */
export const catalogModuleEmrOnEksTenants = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'emr-on-eks-tenants',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        events: eventsServiceRef,
        rootLifecycle: coreServices.rootLifecycle,
        catalogApi: catalogServiceRef,
        emrOnEks: emrOnEksClientServiceRef,
      },
      async init({
        catalog,
        config,
        logger,
        scheduler,
        discovery,
        auth,
        events,
        rootLifecycle,
        catalogApi,
        emrOnEks,
      }) {
        const settings = readProviderSettings(config);
        const provider = EmrOnEksTenantEntityProvider.create({
          // The catalog's own service credentials: the permission framework
          // lets a service principal read every tenant.
          client: emrOnEks.forCredentials(
            await auth.getOwnServiceCredentials(),
          ),
          apiBaseUrl: () => discovery.getBaseUrl(EMR_ON_EKS_PLUGIN_ID),
          namespace: settings.namespace,
          pageSize: settings.pageSize,
          tenantsPageUrl: settings.tenantsPageUrl,
          logger,
          // The catalog's own API, to free a tenant's entity ref that
          // another source took.
          catalog: catalogApi,
          auth,
        });
        catalog.addEntityProvider(provider);

        await events.subscribe({
          id: PROVIDER_NAME,
          topics: [EMR_ON_EKS_TENANT_EVENTS_TOPIC],
          onEvent: params => provider.onEvent(params),
        });

        // Scheduled once the whole backend has started, so that the first
        // run (right away) finds the emr-on-eks plugin answering when it
        // runs in this backend too.
        rootLifecycle.addStartupHook(async () => {
          await scheduler.scheduleTask({
            id: `${PROVIDER_NAME}-refresh`,
            ...settings.schedule,
            // After the adopter's settings: one run at a time across replicas.
            scope: 'global',
            fn: signal => provider.refresh({ signal }),
          });
        });
      },
    });
  },
});
