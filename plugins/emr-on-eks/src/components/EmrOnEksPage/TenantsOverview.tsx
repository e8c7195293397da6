import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useCallback, type JSX } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useCursorPager, useTenants } from '../../hooks';
import { TenantDetail } from '../TenantDetail';
import { TenantsTable } from '../TenantsTable';

const TENANT_PARAM = 'tenant';

/** Props of the tenants overview. */
export interface TenantsOverviewProps {
  /** Tenants per page (1-500). */
  pageSize?: number;
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
        description="There is no EMR on EKS tenant you may see. Tenants are onboarded with POST /api/emr-on-eks/tenants or the onboarding template."
      />
    );
  } else {
    list = <TenantsTable tenants={tenants.value.items} onSelect={select} />;
  }

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        {list}
        {!tenants.error && (tenants.value?.nextCursor || pager.hasPrevious) && (
          <Box
            display="flex"
            justifyContent="flex-end"
            alignItems="center"
            mt={1}
            style={{ gap: 8 }}
          >
            <Button
              aria-label="Previous page of tenants"
              disabled={!pager.hasPrevious}
              onClick={pager.previous}
            >
              Previous
            </Button>
            <Typography variant="body2">Page {pager.page}</Typography>
            <Button
              aria-label="Next page of tenants"
              disabled={!tenants.value?.nextCursor}
              onClick={() =>
                tenants.value?.nextCursor &&
                pager.next(tenants.value.nextCursor)
              }
            >
              Next
            </Button>
          </Box>
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
