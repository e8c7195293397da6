import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  emrOnEksJobRunReadPermission,
  emrOnEksTenantHistoryReadPermission,
  type JobRun,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { JobSubmissionService } from '../services/jobs/JobSubmissionService';
import type { TenantService } from '../services/tenants/TenantService';
import type { ApiAccess } from './access';

/**
 * Job-run ids are UUIDs (case-insensitive); anything else is a run that does
 * not exist: the same 404, without a database query.
 */
const RUN_ID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What finding a readable run needs. */
export interface RunReaders {
  access: ApiAccess;
  jobs: Pick<JobSubmissionService, 'findRun'>;
  tenants: Pick<TenantService, 'findTenant'>;
}

/**
 * The run behind `/job-runs/:id/...` if the caller may read it. A run of the
 * current tenant of its name needs job-run read on that tenant; a run of an
 * offboarded tenant (an earlier one of the same name included) needs the
 * history permission. Absent, hidden and malformed ids all get the same 404,
 * word for word, so an answer never tells that a run exists.
 */
export async function readableRun(
  readers: RunReaders,
  id: string,
  credentials: BackstageCredentials,
): Promise<JobRun> {
  const { access, jobs, tenants } = readers;
  const run = RUN_ID.test(id)
    ? await jobs.findRun(id.toLowerCase())
    : undefined;
  let readable = false;
  if (run) {
    const current = await tenants.findTenant(run.tenant);
    readable =
      current?.uid === run.tenantUid
        ? (
            await access.allowedOn(
              emrOnEksJobRunReadPermission,
              [run.tenant],
              credentials,
            )
          )[0]
        : await access.allowed(
            emrOnEksTenantHistoryReadPermission,
            credentials,
          );
  }
  if (!run || !readable) {
    throw new NotFoundError(`job run ${id} not found`);
  }
  return run;
}
