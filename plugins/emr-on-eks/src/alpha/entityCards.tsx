import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isEmrChargebackAvailable } from '../components/EntityEmrChargebackCard/costTarget';
import { isEmrGroupCostsAvailable } from '../components/EntityEmrGroupCostsCard/isEmrGroupCostsAvailable';
import { isEmrOnEksAvailable } from '../components/EntityEmrJobRunsCard/isEmrOnEksAvailable';

/** The job runs card, on entities with the tenant annotation. */
export const entityEmrJobRunsCard = EntityCardBlueprint.make({
  name: 'job-runs',
  params: {
    type: 'content',
    filter: isEmrOnEksAvailable,
    loader: () =>
      import('../components/EntityEmrJobRunsCard').then(m => (
        <m.EntityEmrJobRunsCard />
      )),
  },
});

/**
 * The chargeback card: a Component's, a tenant's or a Group's costs, on the
 * entities `isEmrChargebackAvailable` accepts.
 */
export const entityEmrChargebackCard = EntityCardBlueprint.make({
  name: 'chargeback',
  params: {
    type: 'content',
    filter: isEmrChargebackAvailable,
    loader: () =>
      import('../components/EntityEmrChargebackCard').then(m => (
        <m.EntityEmrChargebackCard />
      )),
  },
});

/** A Group's tenants' costs summed, with each tenant's share, on Groups. */
export const entityEmrGroupCostsCard = EntityCardBlueprint.make({
  name: 'group-costs',
  params: {
    type: 'content',
    filter: isEmrGroupCostsAvailable,
    loader: () =>
      import('../components/EntityEmrGroupCostsCard').then(m => (
        <m.EntityEmrGroupCostsCard />
      )),
  },
});
