import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { DEFAULT_NAMESPACE, makeValidator } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';

/** Where the settings live in the app config. */
export const CONFIG_KEY = 'catalog.providers.emrOnEks';

/** The backend's largest page (`GET /tenants?limit=`). */
const MAX_PAGE_SIZE = 500;

/** The provider's settings, read from `catalog.providers.emrOnEks` and `app.baseUrl`. */
export interface ProviderSettings {
  /** Catalog namespace of the tenants' entities. */
  namespace: string;
  /** Schedule of the full refresh. */
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** Tenants per request of the full refresh. */
  pageSize: number;
  /** URL of the tenants page of the app, when `app.baseUrl` is set. */
  tenantsPageUrl?: string;
}

/** Every 30 minutes, and a run that takes 3 minutes is given up. */
export const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 30 },
  timeout: { minutes: 3 },
};

const validator = makeValidator();

/** Reads and checks the settings; errors name the key. */
export function readProviderSettings(config: Config): ProviderSettings {
  const own = config.getOptionalConfig(CONFIG_KEY);

  const namespace = own?.getOptionalString('namespace') ?? DEFAULT_NAMESPACE;
  if (!validator.isValidNamespace(namespace)) {
    throw new Error(
      `${CONFIG_KEY}.namespace: "${namespace}" is not a valid catalog namespace (lowercase letters, digits and '-', at most 63 characters)`,
    );
  }

  const pageSize = own?.getOptionalNumber('pageSize') ?? 100;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new Error(
      `${CONFIG_KEY}.pageSize: must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${pageSize}`,
    );
  }

  const schedule = own?.has('schedule')
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        own.getConfig('schedule'),
      )
    : DEFAULT_SCHEDULE;

  const pagePath = own?.getOptionalString('tenantsPagePath') ?? '/emr-on-eks';
  if (!/^\/[A-Za-z0-9\-._~/]*$/.test(pagePath)) {
    throw new Error(
      `${CONFIG_KEY}.tenantsPagePath: "${pagePath}" must be a path of the app like /emr-on-eks`,
    );
  }
  const appBaseUrl = config.getOptionalString('app.baseUrl');
  const tenantsPageUrl = appBaseUrl
    ? `${appBaseUrl.replace(/\/+$/, '')}${pagePath.replace(/\/+$/, '')}`
    : undefined;

  return { namespace, schedule, pageSize, tenantsPageUrl };
}
