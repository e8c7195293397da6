/**
 * The EMR on EKS frontend plugin for the new frontend system.
 *
 * @packageDocumentation
 */

import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import FlashOnIcon from '@material-ui/icons/FlashOn';
import { emrOnEksApi } from './alpha/apis';
import {
  entityEmrChargebackCard,
  entityEmrGroupCostsCard,
  entityEmrJobRunsCard,
} from './alpha/entityCards';
import { entityEmrJobRunsContent } from './alpha/entityContents';
import { emrOnEksPage, rootRouteRef } from './alpha/pages';

/**
 * The EMR on EKS plugin for the new frontend system: the API client, the job
 * runs entity card and tab (on entities with the annotation
 * `emr-on-eks.spot-spark.io/tenant`), the chargeback card (those entities,
 * tenants' Resources and Groups), the Group costs card (Groups), and the tenants page at `/emr-on-eks` with
 * its nav item.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'emr-on-eks',
  title: 'EMR on EKS',
  icon: <FlashOnIcon fontSize="inherit" />,
  routes: { root: rootRouteRef },
  extensions: [
    emrOnEksApi,
    entityEmrJobRunsCard,
    entityEmrChargebackCard,
    entityEmrGroupCostsCard,
    entityEmrJobRunsContent,
    emrOnEksPage,
  ],
});
