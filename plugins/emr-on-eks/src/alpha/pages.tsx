import { createRouteRef, PageBlueprint } from '@backstage/frontend-plugin-api';
import FlashOnIcon from '@material-ui/icons/FlashOn';

/** The tenants page's route in the new frontend system. */
export const rootRouteRef = createRouteRef();

/**
 * The tenants page, with the Clusters tab for platform admins (a tab of the
 * page's own, not a sub-page: sub-pages cannot hide from who may not see
 * them). Its title and icon also make the nav item (the new
 * frontend system derives nav items from pages; NavItemBlueprint is gone).
 */
export const emrOnEksPage = PageBlueprint.make({
  params: {
    path: '/emr-on-eks',
    title: 'EMR on EKS',
    icon: <FlashOnIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
    loader: () =>
      import('../components/EmrOnEksPage').then(m => <m.EmrOnEksTabs />),
  },
});
