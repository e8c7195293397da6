import { InputError } from '@backstage/errors';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Router } from 'express';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { JobLogService } from '../services/jobs/JobLogService';
import type { JobSubmissionService } from '../services/jobs/JobSubmissionService';
import type { TenantService } from '../services/tenants/TenantService';
import type { ApiAccess } from './access';
import { readableRun } from './readableRun';
import { parseQuery } from './query';

const offset = z.coerce
  .number({ message: 'must be a number of characters' })
  .int({ message: 'must be a whole number of characters' })
  .min(0, { message: 'must be 0 or more' })
  .max(Number.MAX_SAFE_INTEGER);

/**
 * A run's logs and Spot losses: `GET /job-runs/:id/logs` (its streams),
 * `GET /job-runs/:id/logs/:stream` (a page: the tail, or `?from=`;
 * `?format=download` for the whole text), `GET /job-runs/:id/spot-interruptions`.
 * Whoever may read the run may read its logs; anyone else gets the 404 of a
 * run that does not exist.
 */
export function addJobRunLogRoutes(
  router: Router,
  options: {
    access: ApiAccess;
    jobs: Pick<JobSubmissionService, 'findRun'>;
    tenants: Pick<TenantService, 'findTenant'>;
    logs: JobLogService;
  },
) {
  const { access, logs } = options;

  const pageQuery = z
    .object({
      from: offset.optional(),
      limit: z.coerce
        .number({ message: 'must be a number of characters' })
        .int({ message: 'must be a whole number of characters' })
        .min(1, { message: 'must be 1 or more' })
        .max(logs.maxPageCharacters, {
          message: `must be at most ${logs.maxPageCharacters} (emrOnEks.jobs.logs.maxPageCharacters)`,
        })
        .optional(),
      format: z
        .enum(['page', 'download'], {
          message: 'must be page (the default) or download',
        })
        .optional(),
    })
    .strict();

  const visibleRun = (id: string, credentials: BackstageCredentials) =>
    readableRun(options, id, credentials);

  function noQuery(query: object) {
    const names = Object.keys(query);
    if (names.length > 0) {
      throw new InputError(
        `Invalid query: ${names.join(', ')}: this endpoint takes no parameters`,
      );
    }
  }

  router.get('/job-runs/:id/logs', async (req, res) => {
    const credentials = await access.credentials(req);
    const run = await visibleRun(req.params.id, credentials);
    noQuery(req.query);
    res.json(await logs.listStreams(run));
  });

  router.get('/job-runs/:id/logs/:stream', async (req, res) => {
    const credentials = await access.credentials(req);
    const run = await visibleRun(req.params.id, credentials);
    const query = parseQuery(pageQuery, req.query);
    if (query.format === 'download') {
      if (query.from !== undefined || query.limit !== undefined) {
        throw new InputError(
          'Invalid query: from and limit page a stream; a download is the whole stream (leave them out)',
        );
      }
      const { stream, text } = await logs.download(run, req.params.stream);
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="${stream.container}-${stream.stream}.log"`,
      );
      res.setHeader('X-Content-Type-Options', 'nosniff');
      // Streamed as it is decompressed; a client that goes away stops it.
      try {
        await pipeline(text, res);
      } catch (error) {
        // The caller left before the end: nothing to answer, nothing wrong here.
        if (
          (error as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE'
        ) {
          throw error;
        }
      }
      return;
    }
    res.json(
      await logs.page(run, req.params.stream, {
        from: query.from,
        limit: query.limit,
      }),
    );
  });

  router.get('/job-runs/:id/spot-interruptions', async (req, res) => {
    const credentials = await access.credentials(req);
    const run = await visibleRun(req.params.id, credentials);
    noQuery(req.query);
    res.json(await logs.spotInterruptions(run));
  });
}
