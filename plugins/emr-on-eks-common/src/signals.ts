/**
 * The Backstage signals channel on which the backend announces changes of a
 * tenant's job runs: `emr-on-eks:job-runs:<tenant uid>`. Subscribe with
 * `useSignal` of `@backstage/plugin-signals-react`. A message carries ids
 * only; read the run again through the API, which checks permissions.
 *
 * @public
 */
export function jobRunsSignalChannel(tenantUid: string): string {
  return `emr-on-eks:job-runs:${tenantUid}`;
}

/** A message on {@link jobRunsSignalChannel}. @public */
export interface JobRunsSignal {
  /** Uid of the tenant whose run changed. */
  tenantUid: string;
  /** This plugin's ids of the runs that changed. */
  runIds: string[];
}
