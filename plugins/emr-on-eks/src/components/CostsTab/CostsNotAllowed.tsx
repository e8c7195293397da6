import { Link, WarningPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';

/**
 * What someone who may not read every tenant's costs sees at the Costs
 * tab's URL: that they are for platform admins, and the way back.
 */
export function CostsNotAllowed(props: { tenantsPath?: string }) {
  return (
    <>
      <WarningPanel
        severity="info"
        defaultExpanded
        title="Costs are not available"
        message="Every team's costs side by side are for platform admins. Your team's own costs are on its catalog page."
      />
      {props.tenantsPath !== undefined && (
        <Box mt={2}>
          <Link to={props.tenantsPath}>Show the tenants</Link>
        </Box>
      )}
    </>
  );
}
