import { Link, WarningPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';

/**
 * What someone who may not read the clusters sees at their URL: that they
 * are for platform admins, nothing about the clusters themselves, and the
 * way back to the tenants when the page knows it.
 */
export function ClustersNotAllowed(props: { tenantsPath?: string }) {
  return (
    <>
      <WarningPanel
        severity="info"
        // The reason in view, not folded away under the title.
        defaultExpanded
        title="Clusters are not available"
        message="The platform's clusters and their checks are for platform admins. You may not see them."
      />
      {props.tenantsPath !== undefined && (
        <Box mt={2}>
          <Link to={props.tenantsPath}>Show the tenants</Link>
        </Box>
      )}
    </>
  );
}
