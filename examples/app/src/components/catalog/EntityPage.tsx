import Grid from '@material-ui/core/Grid';
import { InfoCard } from '@backstage/core-components';
import {
  AboutContent,
  EntityDependencyOfComponentsCard,
  EntityDependsOnResourcesCard,
  EntityHasComponentsCard,
  EntityHasResourcesCard,
  EntityLayout,
  EntityLinksCard,
  EntityOrphanWarning,
  EntitySwitch,
  isKind,
  isOrphan,
} from '@backstage/plugin-catalog';
import { EntityTable, useEntity } from '@backstage/plugin-catalog-react';
import { ResourceEntity } from '@backstage/catalog-model';
import {
  EntityGroupProfileCard,
  EntityMembersListCard,
  EntityOwnershipCard,
  EntityUserProfileCard,
} from '@backstage/plugin-org';
import {
  EntityEmrChargebackCard,
  EntityEmrGroupCostsCard,
  EntityEmrJobRunsCard,
  EntityEmrJobRunsContent,
  isEmrChargebackAvailable,
  isEmrOnEksAvailable,
} from '@spot-spark/plugin-emr-on-eks';

/*
 * The catalog's entity pages, as @backstage/create-app makes them, trimmed
 * to the plugins of this example, with the EMR on EKS job-runs card on the
 * pages of entities that carry the tenant annotation
 * (emr-on-eks.spot-spark.io/tenant): Spark job components, the teams'
 * groups and the tenants' resources; and the chargeback card beside it on
 * those pages and every group's (the tenants a group owns).
 */

/**
 * `EntityAboutCard` without its "view source" link, which needs the SCM
 * integrations API (`@backstage/integration-react`) that this example does
 * not install. An adopter's app keeps its `EntityAboutCard`.
 */
const AboutCard = () => {
  const { entity } = useEntity();
  return (
    <InfoCard title="About" variant="gridItem">
      <AboutContent entity={entity} />
    </InfoCard>
  );
};

/** The EMR on EKS card, only for entities that name a tenant. */
const emrJobRunsCard = (
  <EntitySwitch>
    <EntitySwitch.Case if={isEmrOnEksAvailable}>
      <Grid item xs={12}>
        <EntityEmrJobRunsCard />
      </Grid>
    </EntitySwitch.Case>
  </EntitySwitch>
);

/** What the entity's Spark runs cost: components, tenants' resources, groups. */
const emrChargebackCard = (
  <EntitySwitch>
    <EntitySwitch.Case if={isEmrChargebackAvailable}>
      <Grid item xs={12}>
        <EntityEmrChargebackCard />
      </Grid>
    </EntitySwitch.Case>
  </EntitySwitch>
);

const entityWarningContent = (
  <EntitySwitch>
    <EntitySwitch.Case if={isOrphan}>
      <Grid item xs={12}>
        <EntityOrphanWarning />
      </Grid>
    </EntitySwitch.Case>
  </EntitySwitch>
);

/**
 * A Spark job's tenant, in a half-width card: name, owner and type only.
 * The catalog's five columns broke the owner's name mid-word there.
 */
const tenantResourceColumns = [
  EntityTable.columns.createEntityRefColumn<ResourceEntity>({
    defaultKind: 'resource',
  }),
  EntityTable.columns.createOwnerColumn<ResourceEntity>(),
  EntityTable.columns.createSpecTypeColumn<ResourceEntity>(),
];

/** About and the job runs: the overview of components, resources and other kinds. */
const overviewContent = (
  <Grid container spacing={3} alignItems="stretch">
    {entityWarningContent}
    <Grid item md={6} xs={12}>
      <AboutCard />
    </Grid>
    {emrJobRunsCard}
  </Grid>
);

const componentPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <Grid container spacing={3} alignItems="stretch">
        {entityWarningContent}
        <Grid item md={6} xs={12}>
          <AboutCard />
        </Grid>
        {/* A Spark job's tenant (its dependsOn Resource). */}
        <Grid item md={6} xs={12}>
          <EntityDependsOnResourcesCard
            variant="gridItem"
            columns={tenantResourceColumns}
          />
        </Grid>
        {emrJobRunsCard}
        {emrChargebackCard}
      </Grid>
    </EntityLayout.Route>
    {/* The same runs on a tab of their own, for Spark job components. */}
    <EntityLayout.Route
      path="/emr-job-runs"
      title="Spark jobs"
      if={isEmrOnEksAvailable}
    >
      <EntityEmrJobRunsContent />
    </EntityLayout.Route>
  </EntityLayout>
);

/** A tenant's Resource: its links (the tenant's page), its jobs and runs. */
const resourcePage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <Grid container spacing={3} alignItems="stretch">
        {entityWarningContent}
        <Grid item md={6} xs={12}>
          <AboutCard />
        </Grid>
        <Grid item md={6} xs={12}>
          <EntityLinksCard />
        </Grid>
        <Grid item xs={12}>
          <EntityDependencyOfComponentsCard variant="gridItem" />
        </Grid>
        {emrJobRunsCard}
        {emrChargebackCard}
      </Grid>
    </EntityLayout.Route>
  </EntityLayout>
);

const groupPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <Grid container spacing={3}>
        {entityWarningContent}
        <Grid item xs={12} md={6}>
          <EntityGroupProfileCard />
        </Grid>
        <Grid item xs={12} md={6}>
          <EntityOwnershipCard />
        </Grid>
        {emrJobRunsCard}
        {emrChargebackCard}
        {/* Every tenant the Group owns, summed, from one request. */}
        <Grid item xs={12}>
          <EntityEmrGroupCostsCard />
        </Grid>
        <Grid item xs={12}>
          <EntityMembersListCard />
        </Grid>
      </Grid>
    </EntityLayout.Route>
  </EntityLayout>
);

const userPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <Grid container spacing={3}>
        {entityWarningContent}
        <Grid item xs={12} md={6}>
          <EntityUserProfileCard />
        </Grid>
        <Grid item xs={12} md={6}>
          <EntityOwnershipCard />
        </Grid>
      </Grid>
    </EntityLayout.Route>
  </EntityLayout>
);

const systemPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <Grid container spacing={3} alignItems="stretch">
        {entityWarningContent}
        <Grid item md={6} xs={12}>
          <AboutCard />
        </Grid>
        <Grid item md={6} xs={12}>
          <EntityHasComponentsCard variant="gridItem" />
        </Grid>
        <Grid item md={6} xs={12}>
          <EntityHasResourcesCard variant="gridItem" />
        </Grid>
      </Grid>
    </EntityLayout.Route>
  </EntityLayout>
);

const defaultEntityPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      {overviewContent}
    </EntityLayout.Route>
  </EntityLayout>
);

export const entityPage = (
  <EntitySwitch>
    <EntitySwitch.Case if={isKind('component')} children={componentPage} />
    <EntitySwitch.Case if={isKind('resource')} children={resourcePage} />
    <EntitySwitch.Case if={isKind('group')} children={groupPage} />
    <EntitySwitch.Case if={isKind('user')} children={userPage} />
    <EntitySwitch.Case if={isKind('system')} children={systemPage} />
    <EntitySwitch.Case>{defaultEntityPage}</EntitySwitch.Case>
  </EntitySwitch>
);
