import type { Config } from '@backstage/config';

/** How the actions wait for a tenant, from `emrOnEks.scaffolder`. @public */
export interface ActionSettings {
  /** How long `emr-on-eks:tenant:onboard` waits for Ready by default. */
  waitTimeoutMinutes: number;
  /** How often it looks at the tenant while it waits. */
  pollIntervalSeconds: number;
}

/** Defaults of {@link ActionSettings}. */
export const DEFAULT_ACTION_SETTINGS: ActionSettings = {
  waitTimeoutMinutes: 15,
  pollIntervalSeconds: 5,
};

function positive(config: Config, key: string, fallback: number): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!(value > 0)) {
    throw new Error(
      `emrOnEks.scaffolder.${key} must be a number above 0, got ${value}`,
    );
  }
  return value;
}

/** Reads {@link ActionSettings} from the root config; bad values stop start-up. */
export function readActionSettings(config: Config): ActionSettings {
  const own = config.getOptionalConfig('emrOnEks.scaffolder');
  if (!own) {
    return DEFAULT_ACTION_SETTINGS;
  }
  return {
    waitTimeoutMinutes: positive(
      own,
      'waitTimeoutMinutes',
      DEFAULT_ACTION_SETTINGS.waitTimeoutMinutes,
    ),
    pollIntervalSeconds: positive(
      own,
      'pollIntervalSeconds',
      DEFAULT_ACTION_SETTINGS.pollIntervalSeconds,
    ),
  };
}
