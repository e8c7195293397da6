export { EmrOnEksPage } from './EmrOnEksPage';
export type { EmrOnEksPageProps } from './EmrOnEksPage';
export { TenantsOverview } from './TenantsOverview';
export { EmrOnEksTabs } from './EmrOnEksTabs';
