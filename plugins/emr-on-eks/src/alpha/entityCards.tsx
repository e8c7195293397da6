import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
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
