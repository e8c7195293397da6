export { TenantCatalogConflicts } from './TenantCatalogConflicts';
