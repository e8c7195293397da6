/**
 * Shared schemas, types, permissions and catalog annotations of the EMR on EKS
 * plugin set.
 *
 * @packageDocumentation
 */

export {
  ANNOTATION_EMR_ON_EKS_CLUSTER,
  ANNOTATION_EMR_ON_EKS_NAMESPACE,
  ANNOTATION_EMR_ON_EKS_REGION,
  ANNOTATION_EMR_ON_EKS_TENANT,
  ANNOTATION_EMR_ON_EKS_VIRTUAL_CLUSTER_ID,
  EMR_ON_EKS_LABELS,
  EMR_ON_EKS_MANAGED_BY,
} from './annotations';
export {
  DEFAULT_BUDGET_THRESHOLDS,
  budgetInputSchema,
  costMonthSchema,
} from './budget';
export type {
  BudgetBasis,
  BudgetInput,
  BudgetState,
  BudgetStatus,
  CostEstimateErrorOfMonth,
  CostForecast,
  CostOverview,
  CostOverviewRow,
  TenantBudget,
} from './budget';
export { isCidr } from './cidr';
export { CLUSTER_CHECKS } from './cluster';
export type {
  ClusterBootstrap,
  ClusterBootstrapFile,
  ClusterCheck,
  ClusterCheckId,
  ClusterCheckStatus,
  ClusterIdentity,
  ClusterList,
  ClusterPreflight,
} from './cluster';
export { EmrOnEksClient } from './client/EmrOnEksClient';
export type {
  CostQuery,
  EmrOnEksApi,
  JobRunDryRun,
  JobRunListQuery,
  JobRunPodTemplate,
  JobRunPodTemplates,
  PageQuery,
} from './client/EmrOnEksApi';
export type { EmrOnEksDiscovery, EmrOnEksFetch } from './client/request';
export {
  CAPACITY_TYPES,
  COST_CATEGORIES,
  COST_GROUP_BY,
  COST_SOURCES,
  UNCHARGED_COST_TENANTS,
  addCostDays,
  costDays,
  costDaySchema,
} from './cost';
export type {
  CapacityType,
  CostCategory,
  CostEstimateAccuracy,
  CostGroupBy,
  CostRefreshResult,
  CostReport,
  CostReportRow,
  CostRow,
  CostSource,
  CostSummary,
} from './cost';
export {
  EMR_ON_EKS_TENANT_EVENTS_TOPIC,
  type EmrOnEksTenantEventPayload,
} from './events';
export { GUARDED_TENANT_FIELDS, changedGuardedFields } from './guardedFields';
export type { GuardedTenantField } from './guardedFields';
export {
  JOB_RUN_STATES,
  SPARK_MEMORY_PATTERN,
  TERMINAL_JOB_RUN_STATES,
  isTerminalJobRunState,
  jobRunRequestSchema,
  parseJobRunRequest,
  sparkMemoryToMiB,
} from './jobRun';
export type {
  JobRun,
  JobRunPage,
  JobRunRequest,
  JobRunRequestInput,
  JobRunState,
  JobRunStateChange,
  RequestedResources,
} from './jobRun';
export type {
  ExecutorLoss,
  JobRunContainerRole,
  JobRunLogPage,
  JobRunLogStream,
  JobRunLogStreams,
  SparkUiLink,
  SpotInterruptions,
} from './jobRunLogs';
export { jobRunsSignalChannel, type JobRunsSignal } from './signals';
export {
  EMR_ON_EKS_TENANT_RESOURCE_TYPE,
  emrOnEksCostReadPermission,
  emrOnEksCostRefreshPermission,
  emrOnEksCostSummaryReadPermission,
  emrOnEksClusterReadPermission,
  emrOnEksJobRunCancelPermission,
  emrOnEksJobRunReadPermission,
  emrOnEksJobRunSubmitPermission,
  emrOnEksPermissions,
  emrOnEksTenantCreatePermission,
  emrOnEksTenantDeletePermission,
  emrOnEksTenantGuardrailsUpdatePermission,
  emrOnEksTenantHistoryReadPermission,
  emrOnEksTenantReadPermission,
  emrOnEksTenantUpdatePermission,
} from './permissions';
export { parseQuantity } from './quantity';
export { parseS3Prefix } from './s3Prefix';
export { RECONCILE_STEPS } from './status';
export type {
  OffboardedTenant,
  ReconcileStepName,
  StepState,
  Tenant,
  TenantAuditEvent,
  TenantAuditPage,
  TenantPage,
  TenantPhase,
  TenantPodTemplates,
  TenantStatus,
  TenantStepStatus,
} from './status';
export {
  LIMIT_RANGE_RESOURCES,
  LOG_RETENTION_DAYS,
  PRIORITY_TIERS,
  QUOTA_KEYS,
  TENANT_DEFAULTS,
  TENANT_NAME_MAX_LENGTH,
  parseTenantSpec,
  reservedNameReason,
  tenantNameSchema,
  tenantSpecInputSchema,
} from './tenant';
export type {
  DataAccessGrant,
  LimitRangeResource,
  LimitRangeSpec,
  PriorityTier,
  QuotaKey,
  ResourceList,
  TenantSpec,
  TenantSpecInput,
} from './tenant';
export {
  TENANT_ENTITY_LOCATION_TYPE,
  isTenantEntityFromEmrOnEks,
} from './tenantEntity';
export { formatIssues, zodIssues } from './validation';
export type { FieldIssue, ParseResult } from './validation';
