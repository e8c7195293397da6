export { EntityEmrChargebackCard } from './EntityEmrChargebackCard';
export type { EntityEmrChargebackCardProps } from './EntityEmrChargebackCard';
export { isEmrChargebackAvailable } from './costTarget';
