import { WarningPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useTenantEntityConflicts } from '../../hooks';

/**
 * Warns about listed tenants whose catalog name a Resource from another
 * source holds: that entity is not the tenant's (its owner and annotations
 * are whoever registered it), and the catalog module replaces it. Says so
 * too when the catalog could not be asked, rather than staying silent.
 */
export function TenantCatalogConflicts(props: { tenants: string[] }) {
  const conflicts = useTenantEntityConflicts(props.tenants);
  if (conflicts.error) {
    return (
      <Box mb={2}>
        <WarningPanel
          severity="info"
          title="The catalog could not be checked for entities that take a tenant's name"
          message={conflicts.error.message}
        />
      </Box>
    );
  }
  const found = conflicts.value ?? [];
  if (found.length === 0) {
    return null;
  }
  const tenants = new Set(found.map(conflict => conflict.tenant));
  let title = `Catalog entities take the names of ${tenants.size} tenants`;
  if (tenants.size === 1) {
    title = `${
      found.length === 1 ? 'A catalog entity takes' : 'Catalog entities take'
    } the name of tenant ${found[0].tenant}`;
  }
  return (
    <Box mb={2}>
      <WarningPanel
        title={title}
        message={
          found.length === 1
            ? "This Resource was not published by EMR on EKS: its owner and annotations are whoever registered it, not the tenant's. The EMR on EKS catalog module replaces it with the tenant's own at its next refresh; remove it from where it is registered."
            : "These Resources were not published by EMR on EKS: their owner and annotations are whoever registered them, not the tenants'. The EMR on EKS catalog module replaces them with the tenants' own at its next refresh; remove them from where they are registered."
        }
        defaultExpanded
      >
        <ul aria-label="Catalog entities that take a tenant's name">
          {found.map(conflict => (
            <li key={`${conflict.tenant} ${conflict.entityRef}`}>
              <Typography variant="body2" style={{ wordBreak: 'break-all' }}>
                Tenant {conflict.tenant}: {conflict.entityRef}, from{' '}
                {conflict.location ?? 'an unknown location'}
              </Typography>
            </li>
          ))}
        </ul>
      </WarningPanel>
    </Box>
  );
}
