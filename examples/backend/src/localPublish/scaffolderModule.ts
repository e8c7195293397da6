import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createLocalPublishAction } from './localPublishAction';
import { createRegisterFileLocationAction } from './registerFileLocationAction';
import { readLocalPublishSettings, refuseInProduction } from './settings';

/**
 * The scaffolder side: adds {@link createLocalPublishAction} and
 * {@link createRegisterFileLocationAction} when `localPublish.enabled` is
 * true; refuses to start in production.
 *
 * @public
 */
export const localPublishScaffolderModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'example-local-publish',
  register(reg) {
    reg.registerInit({
      deps: {
        actions: scaffolderActionsExtensionPoint,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ actions, catalog, config, logger }) {
        const settings = readLocalPublishSettings(config);
        if (!settings.enabled) {
          logger.info(
            'Local publishing is off (localPublish.enabled is not true)',
          );
          return;
        }
        refuseInProduction('example:publish:local');
        logger.warn(
          `Local publishing is on: templates may create Git repositories under ${settings.directory} and register files there in the catalog. For local runs only.`,
        );
        actions.addActions(
          createLocalPublishAction({ directory: settings.directory }),
          createRegisterFileLocationAction({
            directory: settings.directory,
            catalog,
          }),
        );
      },
    });
  },
});
