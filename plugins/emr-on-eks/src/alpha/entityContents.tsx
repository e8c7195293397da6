import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isEmrOnEksAvailable } from '../components/EntityEmrJobRunsCard/isEmrOnEksAvailable';

/** The job runs tab, on entities with the tenant annotation. */
export const entityEmrJobRunsContent = EntityContentBlueprint.make({
  name: 'job-runs',
  params: {
    path: '/emr-job-runs',
    title: 'Spark jobs',
    filter: isEmrOnEksAvailable,
    loader: () =>
      import('../components/EntityEmrJobRunsContent').then(m => (
        <m.EntityEmrJobRunsContent />
      )),
  },
});
