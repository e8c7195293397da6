import {
  ContentHeader,
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useCursorPager, useTenants } from '../../hooks';
import { TenantCatalogConflicts } from '../TenantCatalogConflicts';
import { TenantDetail } from '../TenantDetail';
import { TenantsTable } from '../TenantsTable';
import { Pager } from '../Pager';
import { OnboardButton } from './OnboardButton';

const TENANT_PARAM = 'tenant';

/** Props of the tenants overview. */
export interface TenantsOverviewProps {
  /** Tenants per page (1-500). */
  pageSize?: number;
  /**
   * Where "Onboard a team" leads: the onboarding template's page in the
   * scaffolder (`/create/templates/default/emr-tenant-onboarding` by default).
   */
  onboardingTemplatePath?: string;
}

/**
 * Every tenant the user may read, a page at a time; the selected tenant
 * (kept in the URL as `?tenant=`) is shown below with its audit trail.
 */
export function TenantsOverview(props: TenantsOverviewProps) {
  const pageSize = props.pageSize ?? 50;
  const [searchParams, setSearchParams] = useSearchParams();
  const selected = searchParams.get(TENANT_PARAM) ?? undefined;
  const pager = useCursorPager('tenants');
  const tenants = useTenants({ cursor: pager.cursor, limit: pageSize });

  const select = useCallback(
    (name: string) => {
      const next = new URLSearchParams(searchParams);
      next.set(TENANT_PARAM, name);
      setSearchParams(next);
    },
    [searchParams, setSearchParams],
  );

  let list: JSX.Element;
  if (tenants.error) {
    list = <ResponseErrorPanel error={tenants.error} />;
  } else if (!tenants.value) {
    list = <Progress />;
  } else if (tenants.value.items.length === 0 && pager.page === 1) {
    list = (
      <EmptyState
        missing="data"
        title="No tenants"
        description="There is no EMR on EKS tenant you may see. Teams are onboarded with the onboarding template."
      />
    );
  } else {
    list = (
      <>
        <TenantCatalogConflicts
          tenants={tenants.value.items.map(tenant => tenant.name)}
        />
        <TenantsTable
          tenants={tenants.value.items}
          onSelect={select}
          selected={selected}
        />
      </>
    );
  }

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <ContentHeader
          title="Tenants"
          description="The Spark tenants you may see: their state, owner, and what they may use"
        >
          <OnboardButton to={props.onboardingTemplatePath} />
        </ContentHeader>
        {list}
        {!tenants.error && (
          <Pager
            page={pager.page}
            hasPrevious={pager.hasPrevious}
            nextCursor={tenants.value?.nextCursor}
            onPrevious={pager.previous}
            onNext={pager.next}
            labels={{
              previous: 'Previous page of tenants',
              next: 'Next page of tenants',
            }}
          />
        )}
      </Grid>
      {selected && (
        <Grid item xs={12}>
          <TenantDetail
            key={selected}
            name={selected}
            onChanged={tenants.reload}
          />
        </Grid>
      )}
    </Grid>
  );
}
