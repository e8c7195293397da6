export interface Config {
  emrOnEks?: {
    /** The scaffolder actions of `@spot-spark/plugin-scaffolder-backend-module-emr-on-eks`. */
    scaffolder?: {
      /**
       * How long `emr-on-eks:tenant:onboard` waits for the tenant to be Ready
       * when the step does not say (`waitTimeoutMinutes`). Default 15.
       */
      waitTimeoutMinutes?: number;
      /** How often it looks at the tenant while it waits. Default 5. */
      pollIntervalSeconds?: number;
    };
  };
}
