export { quotaText, stepProgress, TenantsTable } from './TenantsTable';
