import {
  coreServices,
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { ResponseError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import request from 'supertest';
import { DAILY_SALES, TEAM_A } from './__testUtils__/fixtures';
import { USERS, waitForTenant } from './__testUtils__/testBackend';
import { BASE, startApiWorld } from './__testUtils__/apiWorld';

/*
 * What callers see of a failure, through the real plugin and Backstage's
 * HTTP router: errors keep Backstage's shape, carry no ARN or account id of
 * the platform, and quote a request id under which the platform team finds
 * the whole error in the log.
 */

jest.setTimeout(30_000);

const ALICE = mockCredentials.user.header(USERS.alice);
const SALES = {
  ...DAILY_SALES,
  executor: { ...DAILY_SALES.executor, maxExecutors: 10 },
};
const FOREIGN_ACCOUNT = '999988887777';
/** What AWS says when the platform's role may not act on another account. */
const ACCESS_DENIED = `User: arn:aws:sts::${FOREIGN_ACCOUNT}:assumed-role/platform-admin/botocore-session is not authorized to perform: emr-containers:StartJobRun on resource: arn:aws:emr-containers:us-east-1:${FOREIGN_ACCOUNT}:/virtualclusters/vc1 with an explicit deny (account ${FOREIGN_ACCOUNT}, key AKIAIOSFODNN7EXAMPLE)`;

interface LogEntry {
  level: 'error' | 'warn' | 'info' | 'debug';
  message: string;
  meta?: unknown;
  fields: JsonObject;
}

/** A logger that keeps what every plugin logs, with its child fields. */
function capturingLogger(
  entries: LogEntry[],
  fields: JsonObject = {},
): LoggerService {
  const at =
    (level: LogEntry['level']) =>
    (message: string, meta?: unknown): void => {
      entries.push({ level, message, meta, fields });
    };
  return {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    child: more => capturingLogger(entries, { ...fields, ...more }),
  };
}

async function start() {
  const logs: LogEntry[] = [];
  const backend = await startApiWorld({
    extraFeatures: [
      createServiceFactory({
        service: coreServices.logger,
        deps: {},
        factory: () => capturingLogger(logs),
      }),
    ],
  });
  const { cluster } = backend;
  await request(backend.server)
    .post(`${BASE}/tenants`)
    .set('Authorization', ALICE)
    .send(TEAM_A)
    .expect(202);
  await waitForTenant(
    backend.server,
    'team-a',
    ['Ready'],
    mockCredentials.user.header(USERS.admin),
  );
  return { api: () => request(backend.server), cluster, logs };
}

/** The error answer as the frontend's client reads it. */
async function asResponseError(res: request.Response): Promise<ResponseError> {
  return ResponseError.fromResponse(
    new Response(JSON.stringify(res.body), {
      status: res.status,
      statusText: 'error',
      headers: { 'content-type': 'application/json' },
    }),
  );
}

describe('error answers', () => {
  it('answers an AWS failure with a 503 that names no ARN or account and quotes the request id the log has', async () => {
    const { api, cluster, logs } = await start();
    cluster.jobRuns.start = async () => {
      throw Object.assign(new Error(ACCESS_DENIED), {
        name: 'AccessDeniedException',
      });
    };

    const res = await api()
      .post(`${BASE}/tenants/team-a/job-runs`)
      .set('Authorization', ALICE)
      .send(SALES);

    expect(res.status).toBe(503);
    const requestId = res.headers['x-request-id'];
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body).toEqual({
      error: {
        name: 'ServiceUnavailableError',
        message: expect.stringContaining(
          'EMR did not accept the job run (User: <arn> is not authorized to perform: emr-containers:StartJobRun on resource: <arn> with an explicit deny (account <account-id>, key <access-key-id>))',
        ),
      },
      request: { method: 'POST', url: `${BASE}/tenants/team-a/job-runs` },
      response: { statusCode: 503 },
    });
    expect(res.body.error.message).toContain(
      `request id ${requestId}: retry later, and if it keeps failing, contact the platform team quoting this id`,
    );
    expect(JSON.stringify(res.body)).not.toMatch(
      new RegExp(`arn:|${FOREIGN_ACCOUNT}|AKIA`),
    );

    const logged = logs.filter(
      entry => entry.level === 'error' && entry.fields.requestId === requestId,
    );
    expect(logged).toHaveLength(1);
    expect(logged[0].message).toContain(
      `POST ${BASE}/tenants/team-a/job-runs failed with status 503`,
    );
    expect((logged[0].meta as Error).message).toContain(ACCESS_DENIED);

    // The frontend's client reads the answer as it reads Backstage's own.
    const error = await asResponseError(res);
    expect(error.statusCode).toBe(503);
    expect(error.cause.name).toBe('ServiceUnavailableError');
    expect(error.cause.message).toBe(res.body.error.message);
  });

  it('answers an unexpected failure with a 500 in the same way, and uses the caller’s request id', async () => {
    const { api, cluster, logs } = await start();
    const submitted = await api()
      .post(`${BASE}/tenants/team-a/job-runs`)
      .set('Authorization', ALICE)
      .send(SALES)
      .expect(201);
    cluster.jobRuns.cancel = async () => {
      throw Object.assign(new Error(ACCESS_DENIED), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400, requestId: 'aws-request-id' },
      });
    };

    const res = await api()
      .post(`${BASE}/job-runs/${submitted.body.id}/cancel`)
      .set('Authorization', ALICE)
      .set('x-request-id', 'support-ticket-42');

    expect(res.status).toBe(500);
    expect(res.headers['x-request-id']).toBe('support-ticket-42');
    expect(res.body.error.name).toBe('AccessDeniedException');
    expect(res.body.error.message).toMatch(
      /^User: <arn> is not authorized .* \(request id support-ticket-42: retry later/,
    );
    expect(Object.keys(res.body.error)).toEqual(['name', 'message']);
    expect(JSON.stringify(res.body)).not.toMatch(
      new RegExp(`arn:|${FOREIGN_ACCOUNT}|AKIA`),
    );
    const logged = logs.find(
      entry =>
        entry.level === 'error' &&
        entry.fields.requestId === 'support-ticket-42',
    );
    expect((logged?.meta as Error).message).toBe(ACCESS_DENIED);
  });

  it('replaces a request id that is not a plain token', async () => {
    const { api } = await start();
    const res = await api()
      .get(`${BASE}/tenants/team-a`)
      .set('Authorization', ALICE)
      .set('x-request-id', 'evil\tvalue; with spaces');
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sets a request id on every answer, and keeps 4xx messages apart from identifiers', async () => {
    const { api, logs } = await start();
    const health = await api().get(`${BASE}/health`);
    expect(health.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    const res = await api()
      .get(
        `${BASE}/tenants/arn:aws:iam::${FOREIGN_ACCOUNT}:role%2Fother-tenant`,
      )
      .set('Authorization', ALICE);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error: { name: 'NotFoundError', message: 'tenant <arn> not found' },
      request: { method: 'GET', url: `${BASE}/tenants/<arn>` },
      response: { statusCode: 404 },
    });
    // Not a failure of the platform: nothing logged as an error.
    expect(
      logs.filter(
        entry =>
          entry.level === 'error' &&
          entry.fields.requestId === res.headers['x-request-id'],
      ),
    ).toEqual([]);
  });
});
