import { performance } from 'node:perf_hooks';
import request from 'supertest';
import { percentiles } from '../stats';
import type { RemoteClient } from './remoteClient';
import { addDays, costEntityRef, runEntityRef, tenantName } from './seed';

const API = '/api/emr-on-eks';

/** One measured request: who asks, and what. */
export interface Endpoint {
  name: string;
  user: 'alice' | 'admin';
  /** The path under the plugin's API; a function when it needs a lookup first. */
  path: string | ((get: Getter) => Promise<string>);
}

export type Getter = (path: string) => Promise<request.Response>;

/** A measured endpoint: median/p95/max, or why it was not measured. */
export type Measured =
  | {
      /** From a client in another process (`RemoteClient`): the figure. */
      median: number;
      p95: number;
      max: number;
      samples: number;
      /** Size of the JSON answer. */
      bytes: number;
      /** Size on the wire (gzip where the backend compresses). */
      bytesOnWire: number;
      /**
       * From supertest in the backend's own process, a new connection a
       * request: what earlier runs printed, for comparison.
       */
      inProcess: { median: number; p95: number; max: number };
    }
  | { absent: string };

/**
 * The pages of an organisation's everyday use. `lastDay` is today, the
 * last day with cost rows; alice belongs to team-a, which owns tenant-0000
 * and every hundredth tenant.
 */
export function scaleEndpoints(lastDay: string): Endpoint[] {
  const team = tenantName(0);
  const month = lastFullMonth(lastDay);
  const yearFrom = addDays(lastDay, -364);
  const costs = `/tenants/${team}/costs`;
  return [
    {
      name: 'HTTP alone: GET /.backstage/health/v1/liveness (for comparison)',
      user: 'alice',
      path: '/.backstage/health/v1/liveness',
    },
    {
      name: 'GET /tenants/:name as admin, no conditions (for comparison)',
      user: 'admin',
      path: `/tenants/${team}`,
    },
    {
      name: 'GET /tenants/:name as alice (team-a: a conditional decision)',
      user: 'alice',
      path: `/tenants/${team}`,
    },
    {
      name: 'GET /tenants/:name/job-runs, first page (50)',
      user: 'alice',
      path: `/tenants/${team}/job-runs`,
    },
    {
      name: 'GET /tenants/:name/job-runs, page 16 (cursor after 750 runs)',
      user: 'alice',
      path: async get => {
        let path = `/tenants/${team}/job-runs`;
        for (let page = 1; page < 16; page++) {
          const res = await get(path);
          if (!res.body.nextCursor) {
            break;
          }
          path = `/tenants/${team}/job-runs?cursor=${encodeURIComponent(
            res.body.nextCursor,
          )}`;
        }
        return path;
      },
    },
    {
      name: 'GET /tenants/:name/job-runs?state=FAILED',
      user: 'alice',
      path: `/tenants/${team}/job-runs?state=FAILED`,
    },
    {
      name: 'GET /job-runs?entityRef= (page of 50)',
      user: 'alice',
      path: `/job-runs?entityRef=${encodeURIComponent(runEntityRef(0, 3))}`,
    },
    {
      name: 'GET /tenants/:name/costs, a month by day',
      user: 'alice',
      path: `${costs}?from=${month.from}&to=${month.to}&groupBy=day`,
    },
    {
      name: 'GET /tenants/:name/costs, a year by day',
      user: 'alice',
      path: `${costs}?from=${yearFrom}&to=${lastDay}&groupBy=day`,
    },
    {
      name: 'GET /tenants/:name/costs, a year by job',
      user: 'alice',
      path: `${costs}?from=${yearFrom}&to=${lastDay}&groupBy=job`,
    },
    {
      // The largest report the UI asks: the chargeback card's top jobs
      // over its longest period.
      name: 'GET /tenants/:name/costs, 90 days by job and day (the chargeback card)',
      user: 'alice',
      path: `${costs}?from=${addDays(
        lastDay,
        -89,
      )}&to=${lastDay}&groupBy=${encodeURIComponent('job,day')}`,
    },
    {
      name: 'GET /costs?entityRef=, a year by day',
      user: 'alice',
      path: `/costs?entityRef=${encodeURIComponent(
        costEntityRef(0, 1),
      )}&from=${yearFrom}&to=${lastDay}&groupBy=day`,
    },
    {
      // What a Group's card asks: its tenants side by side.
      name: 'GET /costs?ownerRef= (team-a: 10 tenants), a month by tenant',
      user: 'alice',
      path: `/costs?ownerRef=${encodeURIComponent(
        'group:default/team-a',
      )}&from=${month.from}&to=${month.to}&groupBy=tenant`,
    },
    {
      name: 'GET /tenants/:name/costs/forecast',
      user: 'alice',
      path: `${costs}/forecast`,
    },
    {
      name: 'GET /costs/overview?month= (admin, every tenant)',
      user: 'admin',
      path: `/costs/overview?month=${month.from.slice(0, 7)}`,
    },
  ];
}

/** The last whole month before `day`'s month. */
export function lastFullMonth(day: string) {
  const first = `${day.slice(0, 7)}-01`;
  const to = addDays(first, -1);
  return { from: `${to.slice(0, 7)}-01`, to };
}

/** The server path of a page: the plugin's API, or the backend's own. */
const apiPath = (path: string) =>
  path.startsWith('/.backstage/') ? path : `${API}${path}`;

/** A GET of the plugin's API as `authorization`. */
export function getter(server: any, authorization: string): Getter {
  return path =>
    request(server).get(apiPath(path)).set('Authorization', authorization);
}

/**
 * Median, p95 and max of `samples` GETs (after 20 unmeasured ones), from
 * the client in another process and, for comparison, from supertest in
 * this one. An endpoint that does not answer 200 to the first GET is
 * reported absent with its status and message, never failed: routes of
 * other work may not exist yet.
 */
export async function measure(
  get: Getter,
  path: string,
  samples: number,
  remote: { client: RemoteClient; authorization: string },
): Promise<Measured> {
  const first = await get(path);
  if (first.status !== 200) {
    return {
      absent: `${first.status} ${JSON.stringify(
        first.body?.error?.message ?? first.text,
      ).slice(0, 200)}`,
    };
  }
  const times: number[] = [];
  for (let i = 0; i < samples + 20; i++) {
    const started = performance.now();
    const res = await get(path);
    const elapsed = performance.now() - started;
    if (res.status !== 200) {
      return { absent: `answered ${res.status} on request ${i + 2}` };
    }
    if (i >= 20) {
      times.push(elapsed);
    }
  }
  const { bytesOnWire, ...figures } = await remote.client.measure(
    apiPath(path),
    remote.authorization,
    samples,
  );
  return {
    ...figures,
    samples,
    bytes: first.text?.length ?? 0,
    bytesOnWire,
    inProcess: percentiles(times),
  };
}
