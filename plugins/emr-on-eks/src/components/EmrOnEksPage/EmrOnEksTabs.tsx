import { Content, Progress, TabbedLayout } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import { emrOnEksClusterReadPermission } from '@spot-spark/plugin-emr-on-eks-common';
import { Route, Routes, useLocation } from 'react-router-dom';
import { ClustersNotAllowed, ClustersTab } from '../ClustersTab';
import { TenantsOverview, TenantsOverviewProps } from './TenantsOverview';

/** The path of the Clusters tab under the page (`/emr-on-eks/clusters`). */
export const CLUSTERS_PATH = 'clusters';

/** The page's root (the Tenants tab) from the URL of its Clusters tab. */
function tenantsPathOf(pathname: string): string {
  return pathname.replace(new RegExp(`/${CLUSTERS_PATH}(/.*)?$`), '') || '/';
}

/**
 * The page's sections as tabs with their own URLs: Tenants at the page's
 * root, Clusters at `clusters` for who may read the clusters (platform
 * admins). Others get no Clusters tab, and its URL says it is not for them.
 */
export function EmrOnEksTabs(props: TenantsOverviewProps) {
  const clusters = usePermission({
    permission: emrOnEksClusterReadPermission,
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

  // One tree whatever the permission answers: the Clusters tab joins the
  // tabs once it is known, and the tenants list is not mounted again (and
  // fetched twice). TabbedLayout would show the first tab at an unknown
  // path, so for others the Clusters URL is answered here instead.
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
          </TabbedLayout>
        }
      />
    </Routes>
  );
}
