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
  'pod-templates',
  'log-group',
  'virtual-cluster',
] as const;
/** @public */
export type ReconcileStepName = (typeof RECONCILE_STEPS)[number];

/** @public */
export type StepState =
  | 'Pending'
  | 'Running'
  | 'Succeeded'
  | 'Failed'
  | 'Deleted';

/** Outcome of one reconcile step. @public */
export interface TenantStepStatus {
  name: ReconcileStepName;
  state: StepState;
  /** What the step changed, found up to date, or why it failed. */
  message: string;
  /** Spec generation the step last ran for. */
  generation: number;
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
  phase: TenantPhase;
  /** Last spec generation that reconciled completely. */
  observedGeneration: number;
  namespace: string;
  virtualClusterId?: string;
  executionRoleArn?: string;
  logGroupName?: string;
  podTemplates?: TenantPodTemplates;
  /** `s3://<assets bucket>/tenants/<name>/`: pod templates, logs, Spark scratch. */
  assetsPrefix?: string;
  message?: string;
  lastReconciledAt?: string;
  steps: TenantStepStatus[];
}

/** A tenant as the REST API returns it. @public */
export interface Tenant {
  name: string;
  spec: TenantSpec;
  generation: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  status: TenantStatus;
}

/** One audit record. @public */
export interface TenantAuditEvent {
  id: number;
  tenant: string;
  /** `user:default/jane`, a service subject, or `system:reconciler`. */
  actor: string;
  action: string;
  result: 'accepted' | 'succeeded' | 'failed' | 'denied';
  message?: string;
  generation?: number;
  createdAt: string;
}
