import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isEmrChargebackAvailable } from '../components/EntityEmrChargebackCard/costTarget';
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
