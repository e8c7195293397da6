import type { TenantSpec } from './tenant';

/** Lifecycle phase of a tenant. @public */
export type TenantPhase =
  | 'Pending'
  | 'Reconciling'
  | 'Ready'
  | 'Failed'
  | 'Deleting';

/**
 * Reconcile steps, in the order onboarding runs them (offboarding runs them in
 * reverse).
 *
 * @public
 */
export const RECONCILE_STEPS = [
  'kubernetes-objects',
  'iam-role',
  'pod-identity',
  'pod-templates',
  'log-group',
  'virtual-cluster',
] as const;
/** Name of a reconcile step; see {@link RECONCILE_STEPS}. @public */
export type ReconcileStepName = (typeof RECONCILE_STEPS)[number];

/** State of one reconcile step of a tenant. @public */
export type StepState =
  | 'Pending'
  | 'Running'
  | 'Succeeded'
  | 'Failed'
  | 'Deleted';

/** Outcome of one reconcile step. @public */
export interface TenantStepStatus {
  /** Which step. */
  name: ReconcileStepName;
  /** The step's state. */
  state: StepState;
  /** What the step changed, found up to date, or why it failed. */
  message: string;
  /** Spec generation the step last ran for. */
  generation: number;
  /** When the step last changed (ISO 8601). */
  updatedAt: string;
}

/** S3 URIs of a tenant's Spark pod templates. @public */
export interface TenantPodTemplates {
  /** Driver on On-Demand capacity. */
  driver: string;
  /** Executors on Spot capacity. */
  executor: string;
  /** Executors on On-Demand capacity, for jobs that opt out of Spot. */
  executorOnDemand: string;
}

/** Observed state of a tenant. @public */
export interface TenantStatus {
  /** Lifecycle phase. */
  phase: TenantPhase;
  /** Last spec generation that reconciled completely. */
  observedGeneration: number;
  /** Kubernetes namespace of the tenant. */
  namespace: string;
  /**
   * AWS region of the tenant's cluster (`emrOnEks.clusters[].region`), absent
   * when the cluster is no longer configured.
   */
  region?: string;
  /** EMR virtual cluster of the tenant, once created. */
  virtualClusterId?: string;
  /** ARN of the IAM job execution role, once created. */
  executionRoleArn?: string;
  /** CloudWatch Logs group of the tenant's jobs, once created. */
  logGroupName?: string;
  /** The tenant's pod templates, once uploaded. */
  podTemplates?: TenantPodTemplates;
  /** `s3://<assets bucket>/tenants/<name>/`: pod templates, logs, Spark scratch. */
  assetsPrefix?: string;
  /** Summary of the last reconcile or offboarding pass, such as why it failed. */
  message?: string;
  /** When the last reconcile pass ended (ISO 8601). */
  lastReconciledAt?: string;
  /** Outcome of each reconcile step. */
  steps: TenantStepStatus[];
}

/** A tenant as the REST API returns it. @public */
export interface Tenant {
  /**
   * Identity of this tenant, fixed at creation: a tenant onboarded later under
   * the same name has another uid and none of this one's history.
   */
  uid: string;
  /** Tenant name, unique among the current tenants. */
  name: string;
  /** The desired state, with defaults filled in. */
  spec: TenantSpec;
  /** Spec generation: 1 on creation, one more on each spec change. */
  generation: number;
  /** When the tenant was created (ISO 8601). */
  createdAt: string;
  /** Who created the tenant. */
  createdBy: string;
  /** When the tenant last changed (ISO 8601). */
  updatedAt: string;
  /** The observed state. */
  status: TenantStatus;
  /**
   * Only in the answer to onboarding: what the caller should know, such as
   * a cluster that failed its preflight (a platform admin may onboard onto
   * it anyway). Never stored.
   */
  warnings?: string[];
}

/** One audit record. @public */
export interface TenantAuditEvent {
  /** Id of the record. */
  id: number;
  /** Name of the tenant the record is about. */
  tenant: string;
  /** Uid of the tenant the record is about (see {@link Tenant.uid}). */
  tenantUid: string;
  /** `user:default/jane`, a service subject, or `system:reconciler`. */
  actor: string;
  /** What was done, such as `tenant.create` or `tenant.reconcile`. */
  action: string;
  /** Outcome of the action. */
  result: 'accepted' | 'succeeded' | 'failed' | 'denied';
  /** Details, such as why the action failed. */
  message?: string;
  /** Spec generation the action concerned. */
  generation?: number;
  /** When it happened (ISO 8601). */
  createdAt: string;
}

/** A page of tenants, by name. @public */
export interface TenantPage {
  /** The tenants of this page. */
  items: Tenant[];
  /** Pass as `cursor` to get the next page; absent on the last page. */
  nextCursor?: string;
}

/** A page of audit records, newest first. @public */
export interface TenantAuditPage {
  /** The records of this page. */
  items: TenantAuditEvent[];
  /** Pass as `cursor` to get the next page; absent on the last page. */
  nextCursor?: string;
}

/**
 * A tenant that was offboarded, kept with its audit trail and job runs
 * (readable to admins by uid).
 *
 * @public
 */
export interface OffboardedTenant {
  /** The uid the tenant had. */
  uid: string;
  /** The name it had (a current tenant may have it now). */
  name: string;
  /** Its cluster, when known. */
  cluster?: string;
  /** Its namespace, when known. */
  namespace?: string;
  /** Its owner, when known. */
  owner?: string;
  /** Its last spec, when known. */
  spec?: TenantSpec;
  /** Who created it, when known. */
  createdBy?: string;
  /** When it was created (ISO 8601), when known. */
  createdAt?: string;
  /** When its offboarding finished (ISO 8601). */
  offboardedAt: string;
}
