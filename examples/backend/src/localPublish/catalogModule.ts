import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogLocationsExtensionPoint } from '@backstage/plugin-catalog-node';
import { readLocalPublishSettings, refuseInProduction } from './settings';

/**
 * The catalog side: allows `file` locations (besides `url`) to be
 * registered when `localPublish.enabled` is true; refuses to start in
 * production.
 *
 * @public
 */
export const localFileLocationsCatalogModule = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'example-file-locations',
  register(reg) {
    reg.registerInit({
      deps: {
        locations: catalogLocationsExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ locations, config }) {
        if (!readLocalPublishSettings(config).enabled) {
          return;
        }
        refuseInProduction('registering file locations');
        locations.setAllowedLocationTypes(['url', 'file']);
      },
    });
  },
});
