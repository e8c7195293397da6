/**
 * Scaffolder actions for Apache Spark on Amazon EMR on EKS. Each calls the
 * EMR on EKS backend plugin as the user running the template.
 *
 * @packageDocumentation
 */

export { scaffolderModuleEmrOnEks as default } from './module';
export { createJobSubmitAction } from './actions/jobSubmit';
export { createSparkConfigAction } from './actions/sparkConfig';
export { createTenantGetAction } from './actions/tenantGet';
export { createTenantOnboardAction } from './actions/tenantOnboard';
export type { BackendClientDeps } from './actions/backendClient';
export type { ActionSettings } from './actions/settings';
export type { AppLinks } from './actions/tenantOutputs';
