import { createRouteRef, PageBlueprint } from '@backstage/frontend-plugin-api';
import FlashOnIcon from '@material-ui/icons/FlashOn';

/** The tenants page's route in the new frontend system. */
export const rootRouteRef = createRouteRef();

/**
 * The tenants page. Its title and icon also make the nav item (the new
 * frontend system derives nav items from pages; NavItemBlueprint is gone).
 */
export const emrOnEksPage = PageBlueprint.make({
  params: {
    path: '/emr-on-eks',
    title: 'EMR on EKS',
    icon: <FlashOnIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
    loader: () =>
      import('../components/EmrOnEksPage').then(m => <m.TenantsOverview />),
  },
});
