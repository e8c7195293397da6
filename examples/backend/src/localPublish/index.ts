/*
 * LOCAL ONLY: publishing for the example app, which has no network. The
 * Spot-ready Spark job template (templates/spot-ready-spark-job) publishes
 * to GitHub in a real Backstage; run locally, it can instead:
 *
 * - `example:publish:local` commit the new project into a real Git
 *   repository on this host: a bare repository `<directory>/<name>.git` and
 *   a clone of it, `<directory>/<name>`, that the catalog reads;
 * - `example:catalog:register-file` register the clone's catalog-info.yaml
 *   as a `file` location, as the user running the template (the built-in
 *   catalog:register registers `url` locations only);
 * - and, in the catalog, allow `file` locations to be registered, which the
 *   catalog refuses by default.
 *
 * All of it is on only when `localPublish.enabled` is `true`, and refuses to
 * start unless NODE_ENV is `development` or `test`: anyone who may run a template could
 * otherwise make the catalog read files on the Backstage host.
 */
import { createBackendFeatureLoader } from '@backstage/backend-plugin-api';
import { localFileLocationsCatalogModule } from './catalogModule';
import { localPublishScaffolderModule } from './scaffolderModule';

export { localFileLocationsCatalogModule } from './catalogModule';
export {
  LOCAL_PUBLISH_ACTION_ID,
  createLocalPublishAction,
} from './localPublishAction';
export {
  REGISTER_FILE_ACTION_ID,
  createRegisterFileLocationAction,
} from './registerFileLocationAction';
export { parseRepositoryName } from './repository';
export { localPublishScaffolderModule } from './scaffolderModule';
export {
  DEFAULT_LOCAL_PUBLISH_DIRECTORY,
  readLocalPublishSettings,
} from './settings';
export type { LocalPublishSettings } from './settings';

/**
 * Both modules: `backend.add(import('./localPublish'))`.
 *
 * @public
 */
export default createBackendFeatureLoader({
  *loader() {
    yield localPublishScaffolderModule;
    yield localFileLocationsCatalogModule;
  },
});
