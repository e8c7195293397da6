export { EntityEmrGroupCostsCard } from './EntityEmrGroupCostsCard';
export type { EntityEmrGroupCostsCardProps } from './EntityEmrGroupCostsCard';
export { isEmrGroupCostsAvailable } from './isEmrGroupCostsAvailable';
