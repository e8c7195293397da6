export { EntityEmrJobRunsCard } from './EntityEmrJobRunsCard';
export type { EntityEmrJobRunsCardProps } from './EntityEmrJobRunsCard';
export { isEmrOnEksAvailable, tenantOf } from './isEmrOnEksAvailable';
