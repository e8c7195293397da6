import type {
  AuditorService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  ConflictError,
  ErrorResponseBody,
  InputError,
  isError,
  NotAllowedError,
  NotFoundError,
  NotImplementedError,
  NotModifiedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import express, { ErrorRequestHandler } from 'express';
import Router from 'express-promise-router';
import { randomUUID } from 'node:crypto';
// A pure text function, no I/O: error answers of every route need it.
import { redactIdentifiers } from './domain/redact';
import { ApiAccess } from './routes/access';
import { addBudgetRoutes } from './routes/budgetRoutes';
import { addClusterRoutes } from './routes/clusterRoutes';
import { addCostRoutes } from './routes/costRoutes';
import { addJobRunRoutes } from './routes/jobRunRoutes';
import { addJobRunLogRoutes } from './routes/jobRunLogRoutes';
import { addSparkUiRoutes } from './routes/sparkUiRoutes';
import { addTenantRoutes } from './routes/tenantRoutes';
import type { ClusterService } from './services/clusters/ClusterService';
import type { BudgetService } from './services/costs/BudgetService';
import type { CostOverviewService } from './services/costs/CostOverviewService';
import type { CostService } from './services/costs/CostService';
import type { JobLogService } from './services/jobs/JobLogService';
import type { JobSubmissionService } from './services/jobs/JobSubmissionService';
import type { SparkUiService } from './services/jobs/SparkUiService';
import type { Reconciler } from './services/reconcile/Reconciler';
import type { TenantService } from './services/tenants/TenantService';

/** Header carrying the request id, in requests (optional) and every response. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** An incoming request id is used only if it is a short plain token. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * REST API of the plugin, mounted at `/api/emr-on-eks`. Every endpoint but
 * /health takes user or service credentials and checks a permission.
 *
 * Every response carries an `x-request-id` (the caller's, when it sent a
 * usable one). Errors are answered in the shape of Backstage's error handler,
 * with AWS identifiers (foreign ARNs, account ids, keys) taken out of their
 * messages; server-side failures are logged whole with the request id, which
 * the answer quotes.
 */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  userInfo: UserInfoService;
  logger: LoggerService;
  tenants: TenantService;
  reconciler: Pick<Reconciler, 'reconcile'>;
  jobs: JobSubmissionService;
  costs: CostService;
  /** The admin's monthly cost overview; the endpoint is absent without it. */
  costOverview?: CostOverviewService;
  /** Budgets and forecasts; the endpoints are absent without it. */
  budgets?: BudgetService;
  /** The runs' logs and Spot losses; the endpoints are absent without it. */
  logs?: JobLogService;
  /** The runs' Spark UI links; the endpoint is absent without it. */
  sparkUi?: SparkUiService;
  /** The clusters' preflight and bootstrap; the endpoints are absent without it. */
  clusters?: ClusterService;
}): Promise<express.Router> {
  const router = Router();
  router.use(assignRequestId);
  router.use(express.json({ limit: '256kb' }));
  const access = new ApiAccess(options);

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  addTenantRoutes(router, {
    access,
    tenants: options.tenants,
    reconciler: options.reconciler,
  });
  addJobRunRoutes(router, {
    access,
    jobs: options.jobs,
    tenants: options.tenants,
  });
  addCostRoutes(router, {
    access,
    costs: options.costs,
    tenants: options.tenants,
    overview: options.costOverview,
  });
  if (options.budgets) {
    addBudgetRoutes(router, { access, budgets: options.budgets });
  }
  addSparkUiRoutes(router, { access, ...options });
  if (options.logs) {
    addJobRunLogRoutes(router, { access, ...options, logs: options.logs });
  }
  if (options.clusters) {
    addClusterRoutes(router, { access, clusters: options.clusters });
  }
  router.use(errorHandler(options.logger));
  return router;
}

/** The id of the request, as set by `assignRequestId`. */
function requestIdOf(res: express.Response): string {
  return String(res.locals.requestId);
}

/** Gives the request an id, the caller's if it is a plain token. */
function assignRequestId(
  req: express.Request,
  res: express.Response,
  next: express.NextFunction,
) {
  const incoming = req.header(REQUEST_ID_HEADER);
  const requestId =
    incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.locals.requestId = requestId;
  res.setHeader(REQUEST_ID_HEADER, requestId);
  next();
}

/**
 * Answers errors as Backstage's `MiddlewareFactory.error()` does (so that
 * `ResponseError.fromResponse` reads them), but never with a foreign ARN or
 * account id: messages go through {@link redactIdentifiers}.
 *
 * - 4xx: the caller's mistake; the message says what to fix, redacted.
 * - 5xx: logged whole with the request id; the answer says what failed
 *   (redacted) and to retry or contact the platform team quoting the id.
 *   Database errors and non-errors are not described at all.
 */
function errorHandler(logger: LoggerService): ErrorRequestHandler {
  return (rawError, req, res, next) => {
    const requestId = requestIdOf(res);
    const error = isError(rawError)
      ? rawError
      : new Error(`non-error thrown: ${String(rawError)}`);
    const statusCode = statusCodeOf(error);
    const log = logger.child({ requestId, type: 'errorHandler' });
    let message: string;
    if (statusCode >= 500) {
      log.error(
        `${req.method} ${req.originalUrl} failed with status ${statusCode} (request id ${requestId})`,
        error,
      );
      const what = describable(rawError)
        ? redactIdentifiers(error.message)
        : 'An internal error occurred';
      message = `${what} (request id ${requestId}: retry later, and if it keeps failing, contact the platform team quoting this id)`;
    } else {
      message = redactIdentifiers(error.message);
      if (message !== error.message) {
        // The caller sees less than was said; the log keeps it all.
        log.info(
          `${req.method} ${req.originalUrl} answered ${statusCode} with identifiers redacted: ${error.message}`,
        );
      }
    }
    if (res.headersSent) {
      next(rawError);
      return;
    }
    const body: ErrorResponseBody = {
      // Name and message only: a stack, a cause or an SDK error's fields
      // could carry what the message had redacted.
      error: { name: describable(rawError) ? error.name : 'Error', message },
      request: {
        method: req.method,
        url: redactIdentifiers(req.originalUrl),
      },
      response: { statusCode },
    };
    res.status(statusCode).json(body);
  };
}

/**
 * Whether the error's message may be shown (redacted): not for thrown
 * non-errors, nor for database errors, whose messages can quote SQL and
 * values (Backstage's error handler filters them too).
 */
function describable(error: unknown): error is Error {
  return isError(error) && error.constructor?.name !== 'DatabaseError';
}

const STATUS_BY_NAME: Record<string, number> = {
  [NotModifiedError.name]: 304,
  [InputError.name]: 400,
  [AuthenticationError.name]: 401,
  [NotAllowedError.name]: 403,
  [NotFoundError.name]: 404,
  [ConflictError.name]: 409,
  [NotImplementedError.name]: 501,
  [ServiceUnavailableError.name]: 503,
};

/** HTTP status of an error, as Backstage's error handler decides it. */
function statusCodeOf(error: Error): number {
  for (const field of ['statusCode', 'status'] as const) {
    const code = (error as Partial<Record<typeof field, unknown>>)[field];
    if (
      typeof code === 'number' &&
      Number.isInteger(code) &&
      code >= 100 &&
      code <= 599
    ) {
      return code;
    }
  }
  return STATUS_BY_NAME[error.name] ?? 500;
}
