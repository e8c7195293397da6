import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { SignalsService } from '@backstage/plugin-signals-node';
import {
  JobRun,
  jobRunsSignalChannel,
  JobRunsSignal,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { NotificationSettings } from '../../config';
import type { EntityCatalogGateway } from '../../gateways/EntityCatalogGateway';
import type { AppliedObservation } from '../../stores/jobRunStates';

/*
 * What happens after the store changed a run: a signal per tenant (ids only:
 * the browser reads the runs again through the permission-checked API) and,
 * for a run that failed or was cancelled by someone else, a notification.
 * The store says which call changed a run, so each change is announced once
 * across replicas.
 */

/**
 * Announces changes of job runs. `announce` never throws and never waits: a
 * sync, an event or a request does not fail or slow down because signals or
 * notifications do.
 */
export interface JobRunChanges {
  announce(changes: Array<AppliedObservation | undefined>): void;
  /** Resolves once everything announced so far was sent (or failed to be). */
  settled(): Promise<void>;
}

/** For services built without signals or notifications (some tests). */
export const IGNORED_JOB_RUN_CHANGES: JobRunChanges = {
  announce() {},
  async settled() {},
};

/**
 * A user or group ref fit to receive a notification, normalised; undefined
 * for anything else (a tag of a run started outside Backstage can say
 * anything).
 */
export function recipientRef(ref: string | undefined): string | undefined {
  if (!ref) {
    return undefined;
  }
  try {
    const parsed = parseEntityRef(ref);
    const kind = parsed.kind.toLocaleLowerCase('en-US');
    return kind === 'user' || kind === 'group'
      ? stringifyEntityRef(parsed).toLocaleLowerCase('en-US')
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The page of a run: its entity's page, else its tenant's catalog Resource,
 * with `?run=` opening the run's drawer. Built from stored, validated refs
 * and names, each part encoded.
 */
export function jobRunLink(run: Pick<JobRun, 'id' | 'tenant' | 'entityRef'>) {
  let target = { kind: 'resource', namespace: 'default', name: run.tenant };
  if (run.entityRef) {
    try {
      target = parseEntityRef(run.entityRef);
    } catch {
      // A ref that does not parse: the tenant's page.
    }
  }
  const part = (value: string) =>
    encodeURIComponent(value.toLocaleLowerCase('en-US'));
  return `/catalog/${part(target.namespace)}/${part(target.kind)}/${part(
    target.name,
  )}?run=${encodeURIComponent(run.id)}`;
}

/**
 * Sends notifications, never throwing: a backend without the notifications
 * plugin (or with it down) is logged once, then quietly skipped over.
 */
export class QuietNotifier {
  private warned = false;

  constructor(
    private readonly notifications: NotificationService | undefined,
    private readonly logger: LoggerService,
  ) {}

  async send(options: Parameters<NotificationService['send']>[0]) {
    if (!this.notifications) {
      return;
    }
    try {
      await this.notifications.send(options);
    } catch (error) {
      if (!this.warned) {
        this.warned = true;
        this.logger.warn(
          `Could not send a notification (is @backstage/plugin-notifications-backend installed?); notifications are skipped until it answers: ${error}`,
        );
      } else {
        this.logger.debug(`Could not send a notification: ${error}`);
      }
    }
  }
}

/** {@link JobRunChanges} on Backstage signals and notifications. */
export class BackstageJobRunChanges implements JobRunChanges {
  static create(options: {
    signals?: SignalsService;
    /** Notifications, shared with the other senders (so a failure is logged once). */
    notifier: QuietNotifier;
    catalog: Pick<EntityCatalogGateway, 'lookup'>;
    auth: Pick<AuthService, 'getOwnServiceCredentials'>;
    settings: NotificationSettings;
    logger: LoggerService;
  }): BackstageJobRunChanges {
    return new BackstageJobRunChanges(options);
  }

  private readonly running = new Set<Promise<void>>();
  private readonly notifier: QuietNotifier;
  private signalsWarned = false;

  private constructor(
    private readonly options: Parameters<
      typeof BackstageJobRunChanges.create
    >[0],
  ) {
    this.notifier = options.notifier;
  }

  announce(changes: Array<AppliedObservation | undefined>): void {
    const changed = changes.filter((change): change is AppliedObservation =>
      Boolean(change?.changed),
    );
    if (changed.length === 0) {
      return;
    }
    const work = this.send(changed).finally(() => this.running.delete(work));
    this.running.add(work);
  }

  async settled(): Promise<void> {
    while (this.running.size > 0) {
      await Promise.allSettled([...this.running]);
    }
  }

  private async send(changes: AppliedObservation[]): Promise<void> {
    const byTenant = new Map<string, Set<string>>();
    for (const { run } of changes) {
      const ids = byTenant.get(run.tenantUid) ?? new Set<string>();
      ids.add(run.id);
      byTenant.set(run.tenantUid, ids);
    }
    await Promise.all([
      ...[...byTenant].map(([tenantUid, ids]) =>
        this.signal({ tenantUid, runIds: [...ids] }),
      ),
      ...changes
        .filter(change => change.stateChanged)
        .map(change => this.notify(change.run)),
    ]);
  }

  private async signal(message: JobRunsSignal): Promise<void> {
    const { signals, logger } = this.options;
    if (!signals) {
      return;
    }
    try {
      await signals.publish<{ tenantUid: string; runIds: string[] }>({
        // Ids only, to anyone listening: the API decides who may read them.
        recipients: { type: 'broadcast' },
        channel: jobRunsSignalChannel(message.tenantUid),
        message: { tenantUid: message.tenantUid, runIds: message.runIds },
      });
    } catch (error) {
      if (!this.signalsWarned) {
        this.signalsWarned = true;
        logger.warn(
          `Could not publish a job-run signal (is @backstage/plugin-signals-backend installed?); pages fall back to polling: ${error}`,
        );
      }
    }
  }

  private async notify(run: JobRun): Promise<void> {
    const { settings } = this.options;
    const submitter = recipientRef(run.submittedBy);
    const canceller = recipientRef(run.cancelledBy);
    let title: string;
    let description: string;
    if (run.state === 'FAILED' && settings.jobRunFailed) {
      title = `Job run ${run.name} failed`;
      description = [
        `Tenant ${run.tenant}.`,
        run.failureReason ? `Reason: ${run.failureReason}.` : undefined,
        run.stateDetails,
      ]
        .filter(Boolean)
        .join(' ');
    } else if (
      run.state === 'CANCELLED' &&
      settings.jobRunCancelled &&
      (!canceller || canceller !== submitter)
    ) {
      title = `Job run ${run.name} was cancelled`;
      description = `Tenant ${run.tenant}. Cancelled by ${
        run.cancelledBy ?? 'someone outside Backstage'
      }.`;
    } else {
      return;
    }
    const recipients = new Set<string>();
    if (submitter) {
      recipients.add(submitter);
    }
    for (const owner of await this.ownersOf(run)) {
      recipients.add(owner);
    }
    if (canceller) {
      // Who cancelled it knows.
      recipients.delete(canceller);
    }
    if (recipients.size === 0) {
      return;
    }
    await this.notifier.send({
      recipients: {
        type: 'entity',
        entityRef: [...recipients],
        ...(canceller ? { excludeEntityRef: canceller } : {}),
      },
      payload: {
        title,
        description: description.slice(0, 1000),
        link: jobRunLink(run),
        severity: run.state === 'FAILED' ? 'high' : 'normal',
        topic: 'emr-on-eks:job-runs',
        // One notification per run and outcome, whoever sends it again.
        scope: `emr-on-eks:job-run:${run.id}:${run.state}`,
      },
    });
  }

  private async ownersOf(run: JobRun): Promise<string[]> {
    if (!run.entityRef) {
      return [];
    }
    try {
      const found = await this.options.catalog.lookup(
        run.entityRef,
        await this.options.auth.getOwnServiceCredentials(),
      );
      return found.kind === 'found'
        ? (found.owners ?? [])
            .map(recipientRef)
            .filter((ref): ref is string => Boolean(ref))
        : [];
    } catch (error) {
      this.options.logger.warn(
        `Could not look up the owners of ${run.entityRef} to notify them of job run ${run.id}: ${error}`,
      );
      return [];
    }
  }
}
