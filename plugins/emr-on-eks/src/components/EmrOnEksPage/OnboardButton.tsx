import { LinkButton } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import { emrOnEksTenantCreatePermission } from '@spot-spark/plugin-emr-on-eks-common';
import AddIcon from '@material-ui/icons/Add';

/**
 * The scaffolder's page of this repository's onboarding template
 * (`templates/emr-tenant-onboarding`), as the example app mounts it.
 */
export const DEFAULT_ONBOARDING_TEMPLATE_PATH =
  '/create/templates/default/emr-tenant-onboarding';

/** "Onboard a team", for who may onboard a tenant. */
export function OnboardButton(props: { to?: string }) {
  const canCreate = usePermission({
    permission: emrOnEksTenantCreatePermission,
  });
  if (!canCreate.allowed) {
    return null;
  }
  return (
    <LinkButton
      to={props.to ?? DEFAULT_ONBOARDING_TEMPLATE_PATH}
      variant="contained"
      color="primary"
      startIcon={<AddIcon />}
    >
      Onboard a team
    </LinkButton>
  );
}
