export { clusterOfTenant, type ClusterSettings } from './clusters';
export type { CostSettings } from './costs';
export { DEFAULT_SCHEDULES, DEFAULTS } from './defaults';
export {
  DEFAULT_RESERVED_NAMESPACES,
  POD_SECURITY_LEVELS,
  type DataAccessPattern,
  type Guardrails,
} from './guardrails';
export type { JobSettings } from './jobs';
export type { NotificationSettings } from './notifications';
export type {
  GitOpsSettings,
  GitRepositorySettings,
  KubernetesSettings,
} from './kubernetes';
export { readEmrOnEksSettings, type EmrOnEksSettings } from './settings';
