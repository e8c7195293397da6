import type { Router } from 'express';
import type { JobSubmissionService } from '../services/jobs/JobSubmissionService';
import type { SparkUiService } from '../services/jobs/SparkUiService';
import type { TenantService } from '../services/tenants/TenantService';
import type { ApiAccess } from './access';
import { readableRun } from './readableRun';

/**
 * `POST /job-runs/:id/spark-ui`: a short-lived link to the run's Spark UI,
 * for whoever may read the run (404 for anyone else). Audited: it creates
 * the run's persistent app UI in EMR the first time.
 */
export function addSparkUiRoutes(
  router: Router,
  options: {
    access: ApiAccess;
    jobs: JobSubmissionService;
    tenants: TenantService;
    sparkUi?: SparkUiService;
  },
) {
  const { access, sparkUi } = options;
  if (!sparkUi) {
    return;
  }
  router.post('/job-runs/:id/spark-ui', async (req, res) => {
    const credentials = await access.credentials(req);
    const link = await access.audited(
      req,
      'job-run-spark-ui',
      { jobRun: req.params.id },
      async () =>
        sparkUi.open(await readableRun(options, req.params.id, credentials)),
    );
    // A presigned URL: for this caller, now.
    res.setHeader('Cache-Control', 'no-store');
    res.json(link);
  });
}
