export { TenantDetail } from './TenantDetail';
export { TenantAudit } from './TenantAudit';
