/**
 * Frontend plugin of the EMR on EKS plugin set: Spark job runs per entity and
 * per team, and the tenants page.
 *
 * @packageDocumentation
 */

export { emrOnEksApiRef } from './api';
export type { EmrOnEksApi } from './api';
export {
  EmrOnEksPage,
  EntityEmrJobRunsCard,
  EntityEmrJobRunsContent,
  emrOnEksPlugin,
} from './plugin';
export { isEmrOnEksAvailable } from './components/EntityEmrJobRunsCard/isEmrOnEksAvailable';
export type { EntityEmrJobRunsCardProps } from './components/EntityEmrJobRunsCard';
export type { EmrOnEksPageProps } from './components/EmrOnEksPage';
