/**
 * Frontend plugin of the EMR on EKS plugin set: Spark job runs and their
 * costs per entity and per team, and the tenants page.
 *
 * @packageDocumentation
 */

export { emrOnEksApiRef } from './api';
export type { EmrOnEksApi } from './api';
export {
  EmrOnEksPage,
  EntityEmrChargebackCard,
  EntityEmrGroupCostsCard,
  EntityEmrJobRunsCard,
  EntityEmrJobRunsContent,
  emrOnEksPlugin,
} from './plugin';
export { isEmrOnEksAvailable } from './components/EntityEmrJobRunsCard/isEmrOnEksAvailable';
export { isEmrChargebackAvailable } from './components/EntityEmrChargebackCard/costTarget';
export type { EntityEmrJobRunsCardProps } from './components/EntityEmrJobRunsCard';
export type { EntityEmrChargebackCardProps } from './components/EntityEmrChargebackCard';
export { isEmrGroupCostsAvailable } from './components/EntityEmrGroupCostsCard/isEmrGroupCostsAvailable';
export type { EntityEmrGroupCostsCardProps } from './components/EntityEmrGroupCostsCard';
export type { EmrOnEksPageProps } from './components/EmrOnEksPage';
