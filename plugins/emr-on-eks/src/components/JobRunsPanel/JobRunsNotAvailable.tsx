import { WarningPanel } from '@backstage/core-components';

/**
 * What someone who may not see a tenant's runs reads, on the tenant's page
 * and on the page of a component that runs in it alike: nothing about
 * whether the tenant exists.
 */
export function JobRunsNotAvailable(props: { tenant: string }) {
  return (
    <WarningPanel
      severity="info"
      // The reason in view, not folded away under the title.
      defaultExpanded
      title="Job runs are not available"
      message={`Tenant ${props.tenant} does not exist, or you may not see its job runs.`}
    />
  );
}
