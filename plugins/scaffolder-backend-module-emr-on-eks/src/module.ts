import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createJobSubmitAction } from './actions/jobSubmit';
import { readActionSettings } from './actions/settings';
import { createSparkConfigAction } from './actions/sparkConfig';
import { createTenantGetAction } from './actions/tenantGet';
import { createTenantOnboardAction } from './actions/tenantOnboard';
import { readAppLinks } from './actions/tenantOutputs';

/**
 * Adds the EMR on EKS actions to the scaffolder: `emr-on-eks:tenant:onboard`,
 * `emr-on-eks:tenant:get`, `emr-on-eks:job:submit` and
 * `emr-on-eks:spark:config`.
 *
 * @public
 */
export const scaffolderModuleEmrOnEks = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'emr-on-eks',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
      },
      async init({ scaffolderActions, auth, discovery, config, catalog }) {
        const links = readAppLinks(config);
        const settings = readActionSettings(config);
        scaffolderActions.addActions(
          createTenantOnboardAction({ auth, discovery, links, settings }),
          createTenantGetAction({ auth, discovery, links }),
          createJobSubmitAction({
            auth,
            discovery,
            links,
            catalog,
            pollIntervalSeconds: settings.pollIntervalSeconds,
          }),
          createSparkConfigAction({ auth, discovery }),
        );
      },
    });
  },
});
