import { resolve } from 'node:path';
import type { Config } from '@backstage/config';
import { isLocalNodeEnv, shownSetting } from '../localOnly';

/** Where repositories go unless `localPublish.directory` says otherwise. */
export const DEFAULT_LOCAL_PUBLISH_DIRECTORY = '.data/git';

/** The settings of the local publishing, from `localPublish.*`. */
export interface LocalPublishSettings {
  /** `localPublish.enabled`; off unless `true`. */
  enabled: boolean;
  /** Absolute directory of the repositories (`localPublish.directory`). */
  directory: string;
}

/** Reads {@link LocalPublishSettings}; relative directories resolve from the working directory. */
export function readLocalPublishSettings(config: Config): LocalPublishSettings {
  return {
    enabled: config.getOptionalBoolean('localPublish.enabled') === true,
    directory: resolve(
      config.getOptionalString('localPublish.directory') ??
        DEFAULT_LOCAL_PUBLISH_DIRECTORY,
    ),
  };
}

/**
 * Throws unless NODE_ENV is `development` or `test`: with local publishing
 * on, anyone who may run a template could make the catalog read files on
 * the Backstage host.
 */
export function refuseInProduction(what: string) {
  const nodeEnv = process.env.NODE_ENV;
  if (!isLocalNodeEnv(nodeEnv)) {
    throw new Error(
      `localPublish.enabled is true but NODE_ENV is ${shownSetting(
        nodeEnv,
      )}, not development or test: ${what} is for the local example app only (it lets anyone who may run a template make the catalog read files on this host). Set localPublish.enabled to false and publish with publish:github.`,
    );
  }
}
