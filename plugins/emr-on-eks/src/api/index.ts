export { emrOnEksApiFactory, emrOnEksApiRef } from './EmrOnEksApi';
export type { EmrOnEksApi } from './EmrOnEksApi';
