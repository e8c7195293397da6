import type { StartJobRunCommandInput } from '@aws-sdk/client-emr-containers';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  ANNOTATION_EMR_ON_EKS_TENANT,
  FieldIssue,
  formatIssues,
  isTerminalJobRunState,
  JobRun,
  JobRunPage,
  JobRunPodTemplates,
  JobRunRequest,
  JobRunStateChange,
  Tenant,
  TenantAuditEvent,
} from '@spot-spark/plugin-emr-on-eks-common';
import { randomUUID } from 'node:crypto';
import { clusterOfTenant } from '../../config';
import type { ClusterSettings, EmrOnEksSettings } from '../../config';
import {
  composeJobTemplate,
  composeStartJobRun,
  jobRunClientToken,
  jobShape,
  requestedResources,
  requestFingerprint,
  runPodTemplates,
  validateJobRun,
} from '../../domain/jobRun';
import { redactIdentifiers } from '../../domain/redact';
import type { JobRunGateway } from '../../gateways/aws/JobRunGateway';
import type { EntityCatalogGateway } from '../../gateways/EntityCatalogGateway';
import { JobRunRejectedError } from '../../gateways/errors';
import type { JobRunQuery, JobRunStore } from '../../stores/JobRunStore';
import type { TenantAuditStore } from '../../stores/TenantAuditStore';
import type { TenantStore } from '../../stores/TenantStore';
import { auditTenant } from '../tenants/tenantRecords';
import {
  IGNORED_JOB_RUN_CHANGES,
  type JobRunChanges,
} from '../events/JobRunChanges';

/** How long one request may take to send a run's StartJobRun before another may. */
const SUBMIT_CLAIM_MS = 60 * 1000;

export interface SubmitResult {
  /**
   * The StartJobRun input that was sent; for a dry run, what would be sent
   * without the per-submission token and tags.
   */
  startJobRun: Omit<StartJobRunCommandInput, 'clientToken'> & {
    clientToken?: string;
  };
  /** For a dry run: the pod templates the run would use. */
  podTemplates?: JobRunPodTemplates;
  run?: JobRun;
  /** False when an earlier run with the same idempotency key was returned. */
  created: boolean;
}

/**
 * Submits, reads and cancels job runs. A submission is recorded before the
 * StartJobRun call and completed after it, with a client token fixed at
 * recording time, so neither a crash nor a retry can lose or duplicate a run.
 * JobSyncService keeps the runs up to date with EMR.
 */
export class JobSubmissionService {
  static create(options: {
    settings: EmrOnEksSettings;
    jobs: JobRunStore;
    tenants: Pick<TenantStore, 'getTenant'>;
    jobRunsFor: (cluster: ClusterSettings) => JobRunGateway;
    catalog: Pick<EntityCatalogGateway, 'lookup'>;
    /** The tenants' audit trail, where run actions are recorded. */
    audit?: Pick<TenantAuditStore, 'appendAudit'>;
    /** Told of every change of a run (signals, notifications). */
    changes?: JobRunChanges;
  }): JobSubmissionService {
    return new JobSubmissionService(
      options.settings,
      options.jobs,
      options.tenants,
      options.jobRunsFor,
      options.catalog,
      options.audit,
      options.changes ?? IGNORED_JOB_RUN_CHANGES,
    );
  }

  private constructor(
    private readonly settings: EmrOnEksSettings,
    private readonly jobs: JobRunStore,
    private readonly tenants: Pick<TenantStore, 'getTenant'>,
    private readonly jobRunsFor: (cluster: ClusterSettings) => JobRunGateway,
    private readonly catalog: Pick<EntityCatalogGateway, 'lookup'>,
    private readonly auditTrail:
      | Pick<TenantAuditStore, 'appendAudit'>
      | undefined,
    private readonly changes: JobRunChanges,
  ) {}

  /** Records a run action in its tenant's audit trail. */
  private async audit(
    tenant: Pick<Tenant, 'name' | 'uid' | 'generation'>,
    actor: string,
    action: 'job-run.submit' | 'job-run.cancel',
    result: TenantAuditEvent['result'],
    message: string,
  ): Promise<void> {
    if (this.auditTrail) {
      await auditTenant(
        this.auditTrail,
        tenant,
        actor,
        action,
        result,
        message,
      );
    }
  }

  async submit(options: {
    tenant: Tenant;
    request: JobRunRequest;
    actor: string;
    /** The caller's, to look the run's entity up in the catalog as they see it. */
    credentials: BackstageCredentials;
    dryRun?: boolean;
  }): Promise<SubmitResult> {
    const { tenant, request, actor } = options;
    const cluster = this.clusterOf(tenant);
    const { virtualClusterId, executionRoleArn } = tenant.status;
    const usable =
      (tenant.status.phase === 'Ready' ||
        tenant.status.phase === 'Reconciling') &&
      virtualClusterId &&
      executionRoleArn;
    if (!usable) {
      throw new ConflictError(
        `tenant ${tenant.name} is ${tenant.status.phase}, not Ready: it cannot run jobs yet`,
      );
    }
    const issues = validateJobRun({
      request,
      tenant,
      cluster,
      jobs: this.settings.jobs,
    });
    if (request.entityRef) {
      issues.push(
        ...(await this.entityRefIssues(
          request.entityRef,
          tenant,
          options.credentials,
          // A dry run composes the configuration of a project that is not
          // in the catalog yet (the Spark template registers it after);
          // an entity of another tenant is refused all the same.
          { allowMissing: options.dryRun === true },
        )),
      );
    }
    if (issues.length > 0) {
      throw new InputError(`Invalid job run: ${formatIssues(issues)}`);
    }
    const shape = jobShape(request, tenant, this.settings.jobs);
    const compose = (clientToken: string, submissionId: string) =>
      composeStartJobRun({
        request,
        tenant,
        cluster,
        jobs: this.settings.jobs,
        clientToken,
        submissionId,
        submittedBy: actor,
      });
    if (options.dryRun) {
      return {
        startJobRun: composeJobTemplate({
          request,
          tenant,
          cluster,
          jobs: this.settings.jobs,
        }),
        podTemplates: runPodTemplates({
          request,
          tenant,
          cluster,
          jobs: this.settings.jobs,
        }),
        created: false,
      };
    }

    const { run, inserted, clientToken } = await this.jobs.insertSubmission({
      id: randomUUID(),
      tenant: tenant.name,
      tenantUid: tenant.uid,
      virtualClusterId: virtualClusterId!,
      name: request.name,
      releaseLabel: shape.releaseLabel,
      entityRef: request.entityRef,
      submittedBy: actor,
      spot: request.spot,
      idempotencyKey: request.idempotencyKey,
      // Scoped to the tenant incarnation: the same key in two tenants (or
      // in a tenant re-created under the same name) is two submissions.
      clientToken: request.idempotencyKey
        ? jobRunClientToken(tenant.uid, request.idempotencyKey)
        : randomUUID(),
      requestHash: requestFingerprint(request),
      request,
      requested: requestedResources(shape),
    });
    const startJobRun = compose(clientToken, run.id);
    if (!inserted && run.state !== 'SUBMITTING') {
      return { startJobRun, run, created: false };
    }
    if (
      !(await this.jobs.claimSubmission(run.id, SUBMIT_CLAIM_MS, startJobRun))
    ) {
      // Another request is sending this run's StartJobRun right now: the
      // run is the answer, as recorded (SUBMITTING until EMR answers it).
      return {
        startJobRun,
        run: (await this.jobs.getRun(run.id)) ?? run,
        created: inserted,
      };
    }

    // New, or recorded earlier without EMR's answer: (re)submit with the
    // recorded client token, which EMR treats as the same request.
    let accepted;
    try {
      accepted = await this.jobRunsFor(cluster).start(startJobRun);
    } catch (error) {
      if (error instanceof JobRunRejectedError) {
        // Stored and shown to the tenant: no foreign ARNs or account ids.
        const details = redactIdentifiers(error.message, {
          arns: [executionRoleArn!],
        });
        this.changes.announce([
          await this.jobs.markFailed(run.id, {
            reason: 'VALIDATION_ERROR',
            details,
            by: actor,
          }),
        ]);
        await this.audit(
          tenant,
          actor,
          'job-run.submit',
          'failed',
          `job run ${run.id} (${request.name}): EMR refused it: ${details}`,
        );
        throw new InputError(`EMR refused the job run: ${details}`);
      }
      await this.jobs.releaseSubmission(run.id);
      // Throttled, unreachable or failing: the run stays SUBMITTING and a
      // retry with the same idempotency key resubmits it with the same token.
      throw new ServiceUnavailableError(
        `EMR did not accept the job run (${(error as Error).message}); retry${
          request.idempotencyKey ? ' with the same idempotencyKey' : ''
        }`,
      );
    }
    const submitted = await this.jobs.markSubmitted(run.id, {
      emrJobRunId: accepted.id,
      arn: accepted.arn,
      by: actor,
    });
    this.changes.announce([submitted]);
    // Once per run: by the request that recorded it, or by the retry that
    // resubmitted it after EMR's answer was lost (only one sends at a time).
    if (inserted || submitted?.stateChanged) {
      await this.audit(
        tenant,
        actor,
        'job-run.submit',
        'succeeded',
        `job run ${run.id} (${request.name}) submitted as EMR job run ${accepted.id}`,
      );
    }
    return {
      startJobRun,
      run: (await this.jobs.getRun(run.id))!,
      created: inserted,
    };
  }

  /**
   * A run may be attributed (and, later, its cost charged) only to a catalog
   * entity of its own tenant that the caller can see.
   */
  private async entityRefIssues(
    entityRef: string,
    tenant: Tenant,
    credentials: BackstageCredentials,
    options: { allowMissing: boolean },
  ): Promise<FieldIssue[]> {
    const found = await this.catalog.lookup(entityRef, credentials);
    if (
      found.kind === 'no-catalog' ||
      (found.kind === 'missing' && options.allowMissing) ||
      (found.kind === 'found' && found.tenant === tenant.name)
    ) {
      return [];
    }
    return [
      {
        path: 'entityRef',
        message: `${entityRef} is not a catalog entity of tenant ${
          tenant.name
        }: ${
          found.kind === 'missing'
            ? 'no such entity is visible to you'
            : `its annotation ${ANNOTATION_EMR_ON_EKS_TENANT} must be ${tenant.name}`
        }`,
      },
    ];
  }

  /** The run, or undefined when there is none. */
  findRun(id: string): Promise<JobRun | undefined> {
    return this.jobs.getRun(id);
  }

  async getRun(id: string): Promise<JobRun> {
    const run = await this.jobs.getRun(id);
    if (!run) {
      throw new NotFoundError(`job run ${id} not found`);
    }
    return run;
  }

  listRuns(query: JobRunQuery): Promise<JobRunPage> {
    return this.jobs.listRuns(query);
  }

  /** Uids of the tenants (current or offboarded) with runs of an entity. */
  tenantUidsWithRunsOf(entityRef: string): Promise<string[]> {
    return this.jobs.tenantUidsWithRunsOf(entityRef);
  }

  /** Every state a run passed through, oldest first. */
  history(id: string): Promise<JobRunStateChange[]> {
    return this.jobs.listStateChanges(id);
  }

  /**
   * Cancels a run in EMR for `actor` and records the state EMR reports right
   * after (CANCEL_PENDING while EMR still says it runs).
   */
  async cancel(run: JobRun, actor?: string): Promise<JobRun> {
    if (isTerminalJobRunState(run.state)) {
      throw new ConflictError(`job run ${run.id} is already ${run.state}`);
    }
    if (!run.emrJobRunId) {
      throw new ConflictError(
        `job run ${run.id} has not been accepted by EMR yet`,
      );
    }
    const tenant = await this.tenants.getTenant(run.tenant);
    const gateway = this.jobRunsFor(this.clusterOf(tenant));
    await gateway.cancel(run.virtualClusterId, run.emrJobRunId);
    const after = await gateway
      .describe(run.virtualClusterId, run.emrJobRunId)
      .catch(() => undefined);
    // EMR accepted the cancel: the run is at least CANCEL_PENDING, whatever
    // a describe a moment later still says.
    const cancelling =
      after &&
      (after.state === 'CANCEL_PENDING' || isTerminalJobRunState(after.state));
    this.changes.announce([
      await this.jobs.observe(run.id, {
        state: cancelling ? after.state : 'CANCEL_PENDING',
        source: 'cancel',
        by: actor,
        cancelledBy: actor,
        stateDetails: cancelling ? after.stateDetails : undefined,
        failureReason: cancelling ? after.failureReason : undefined,
        finishedAt: cancelling ? after.finishedAt : undefined,
      }),
    ]);
    if (actor) {
      await this.audit(
        tenant,
        actor,
        'job-run.cancel',
        'succeeded',
        `job run ${run.id} (${run.name}) cancelled`,
      );
    }
    return this.getRun(run.id);
  }

  private clusterOf(tenant: Tenant): ClusterSettings {
    return clusterOfTenant(this.settings, tenant);
  }
}
