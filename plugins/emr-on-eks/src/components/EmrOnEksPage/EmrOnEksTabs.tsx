import { Content, Progress, TabbedLayout } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  emrOnEksClusterReadPermission,
  emrOnEksCostSummaryReadPermission,
} from '@spot-spark/plugin-emr-on-eks-common';
import { Route, Routes, useLocation } from 'react-router-dom';
import { ClustersNotAllowed, ClustersTab } from '../ClustersTab';
import { CostsNotAllowed, CostsTab } from '../CostsTab';
import { TenantsOverview, TenantsOverviewProps } from './TenantsOverview';

/** The path of the Clusters tab under the page (`/emr-on-eks/clusters`). */
export const CLUSTERS_PATH = 'clusters';

/** The path of the Costs tab under the page (`/emr-on-eks/costs`). */
export const COSTS_PATH = 'costs';

/** The page's root (the Tenants tab) from the URL of one of its tabs. */
function tenantsPathOf(pathname: string): string {
  return (
    pathname.replace(
      new RegExp(`/(${CLUSTERS_PATH}|${COSTS_PATH})(/.*)?$`),
      '',
    ) || '/'
  );
}

/**
 * The page's sections as tabs with their own URLs: Tenants at the page's
 * root; Clusters at `clusters` for who may read the clusters, and Costs at
 * `costs` for who may read every tenant's costs (platform admins). Others
 * get neither tab, and their URLs say they are not for them: nothing is
 * requested from the backend for them.
 */
export function EmrOnEksTabs(props: TenantsOverviewProps) {
  const clusters = usePermission({
    permission: emrOnEksClusterReadPermission,
  });
  const costs = usePermission({
    permission: emrOnEksCostSummaryReadPermission,
  });
  const { pathname } = useLocation();
  const tenants = (
    <TabbedLayout.Route path="/" title="Tenants">
      <TenantsOverview
        pageSize={props.pageSize}
        onboardingTemplatePath={props.onboardingTemplatePath}
      />
    </TabbedLayout.Route>
  );

  // One tree whatever the permissions answer: a tab joins the tabs once it
  // is known, and the tenants list is not mounted again (and fetched
  // twice). TabbedLayout would show the first tab at an unknown path, so
  // for others a tab's URL is answered here instead.
  return (
    <Routes>
      {!clusters.allowed && (
        <Route
          path={`${CLUSTERS_PATH}/*`}
          element={
            <Content>
              {clusters.loading ? (
                <Progress />
              ) : (
                <ClustersNotAllowed tenantsPath={tenantsPathOf(pathname)} />
              )}
            </Content>
          }
        />
      )}
      {!costs.allowed && (
        <Route
          path={`${COSTS_PATH}/*`}
          element={
            <Content>
              {costs.loading ? (
                <Progress />
              ) : (
                <CostsNotAllowed tenantsPath={tenantsPathOf(pathname)} />
              )}
            </Content>
          }
        />
      )}
      <Route
        path="*"
        element={
          <TabbedLayout>
            {tenants}
            {clusters.allowed && (
              <TabbedLayout.Route path={`/${CLUSTERS_PATH}`} title="Clusters">
                <ClustersTab />
              </TabbedLayout.Route>
            )}
            {costs.allowed && (
              <TabbedLayout.Route path={`/${COSTS_PATH}`} title="Costs">
                <CostsTab tabPath={COSTS_PATH} />
              </TabbedLayout.Route>
            )}
          </TabbedLayout>
        }
      />
    </Routes>
  );
}
