import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { emrOnEksClientServiceRef } from '@spot-spark/plugin-emr-on-eks-node';
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
        emrOnEks: emrOnEksClientServiceRef,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
      },
      async init({ scaffolderActions, emrOnEks, config, catalog }) {
        const links = readAppLinks(config);
        const settings = readActionSettings(config);
        scaffolderActions.addActions(
          createTenantOnboardAction({ emrOnEks, links, settings }),
          createTenantGetAction({ emrOnEks, links }),
          createJobSubmitAction({
            emrOnEks,
            links,
            catalog,
            pollIntervalSeconds: settings.pollIntervalSeconds,
          }),
          createSparkConfigAction({ emrOnEks }),
        );
      },
    });
  },
});
