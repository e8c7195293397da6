import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /**
       * The EMR on EKS tenant provider: every tenant as a Resource of type
       * `emr-virtual-cluster` (module `@spot-spark/plugin-catalog-backend-module-emr-on-eks`).
       */
      emrOnEks?: {
        /** Catalog namespace of the tenants' Resources. Default `default`. */
        namespace?: string;
        /**
         * Schedule of the full refresh, which replaces every tenant's Resource
         * (changes arrive as events in between). Default: every 30 minutes,
         * timeout 3 minutes. The first run is at start-up.
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /** Tenants per request of the full refresh, 1-500. Default 100. */
        pageSize?: number;
        /**
         * Path of the EMR on EKS page in the app, where the frontend plugin's
         * page is mounted; each Resource links to `app.baseUrl` + this path +
         * `?tenant=<name>`. Default `/emr-on-eks`.
         */
        tenantsPagePath?: string;
      };
    };
  };
}
