import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  KubecostComputeSource,
  OpenCostComputeSource,
} from './AllocationApiSources';

/*
 * Kubecost's /model/allocation and /model/assets, and OpenCost's
 * /allocation, served from recorded-shape JSON by a real HTTP server, read
 * through the real fetch. Totals are worked out by hand from the fixtures.
 */

const fixture = (name: string) =>
  readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8');

async function serve(
  routes: Record<string, { status?: number; body: string }>,
) {
  const requests: URL[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(url);
    const route = routes[url.pathname];
    res.writeHead(route ? route.status ?? 200 : 404, {
      'Content-Type': 'application/json',
    });
    res.end(route ? route.body : '{"code":404}');
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

const RANGE = { from: '2026-11-20', to: '2026-11-21' };
const A_VC = 'a7k2m9q4x1c8v5b3n6z0p2r4t';
const A_JOB = '000000035bmcil2v4bd';

describe('KubecostComputeSource', () => {
  it('asks for daily allocations by pod, job and virtual cluster, and the nodes', async () => {
    const server = await serve({
      '/model/allocation': { body: fixture('kubecost/allocation.json') },
      '/model/assets': { body: fixture('kubecost/assets.json') },
    });
    try {
      await new KubecostComputeSource({ baseUrl: server.baseUrl }).compute(
        RANGE,
      );
      const allocation = server.requests.find(
        r => r.pathname === '/model/allocation',
      )!;
      expect(Object.fromEntries(allocation.searchParams)).toEqual({
        window: '2026-11-20T00:00:00Z,2026-11-22T00:00:00Z',
        aggregate:
          'namespace,pod,label:emr-containers.amazonaws.com/job.id,label:emr-containers.amazonaws.com/virtual-cluster-id',
        step: '1d',
        accumulate: 'false',
        idle: 'true',
        shareIdle: 'false',
      });
      const assets = server.requests.find(r => r.pathname === '/model/assets')!;
      expect(assets.searchParams.get('filterTypes')).toBe('Node');
    } finally {
      await server.close();
    }
  });

  it('reads jobs, namespaces, idle and unallocated per day, with the node’s capacity and the requests', async () => {
    const server = await serve({
      '/model/allocation': { body: fixture('kubecost/allocation.json') },
      '/model/assets': { body: fixture('kubecost/assets.json') },
    });
    try {
      const rows = await new KubecostComputeSource({
        baseUrl: server.baseUrl,
      }).compute(RANGE);
      const pick = (r: (typeof rows)[number]) => [
        r.date,
        r.allocation,
        r.namespace,
        r.emrJobRunId,
        r.category,
        r.capacityType,
        Number(r.amount.toFixed(6)),
      ];
      expect(rows.map(pick)).toEqual([
        // Driver on the On-Demand node: 0.1 + 0.05 + 0.01.
        [
          '2026-11-20',
          'job',
          'emr-team-a',
          A_JOB,
          'compute',
          'on-demand',
          0.16,
        ],
        // Executor on the Spot node: 0.2 + 0.1; its PV 0.04 apart.
        ['2026-11-20', 'job', 'emr-team-a', A_JOB, 'compute', 'spot', 0.3],
        ['2026-11-20', 'job', 'emr-team-a', A_JOB, 'storage', 'spot', 0.04],
        // A pod without the job label: the namespace's.
        [
          '2026-11-20',
          'namespace',
          'emr-team-a',
          null,
          'compute',
          'on-demand',
          0.03,
        ],
        ['2026-11-20', 'idle', null, null, 'compute', 'spot', 2],
        ['2026-11-20', 'unallocated', null, null, 'compute', 'unknown', 0.07],
        // The next window; label keys with Kubecost's label_ prefix too.
        ['2026-11-21', 'job', 'emr-team-a', A_JOB, 'compute', 'spot', 0.08],
        // A node Kubecost has no asset for: unknown, not guessed.
        [
          '2026-11-21',
          'job',
          'emr-team-b',
          '000000035c1tq8w0k7e',
          'compute',
          'unknown',
          0.5,
        ],
      ]);
      const driver = rows[0];
      expect(driver.virtualClusterId).toBe(A_VC);
      // 1 core x 120 min = 2 vCPU-hours; 4 GB x 2 h = 8 GB-hours.
      expect(driver.vcpuHours).toBeCloseTo(2, 10);
      expect(driver.gbHours).toBeCloseTo(8, 10);
      // Requests only for job rows.
      expect(rows[3].vcpuHours).toBeNull();
      expect(rows[4].vcpuHours).toBeNull();
    } finally {
      await server.close();
    }
  });

  it('fails with the path and status, never the host, when Kubecost answers an error', async () => {
    const server = await serve({
      '/model/allocation': { status: 500, body: '{}' },
      '/model/assets': { body: fixture('kubecost/assets.json') },
    });
    try {
      await expect(
        new KubecostComputeSource({ baseUrl: server.baseUrl }).compute(RANGE),
      ).rejects.toThrow('GET /model/allocation answered 500');
    } finally {
      await server.close();
    }
  });

  it('fails on an answer whose code is not 200', async () => {
    const server = await serve({
      '/model/allocation': {
        body: '{"code":400,"message":"invalid window"}',
      },
      '/model/assets': { body: fixture('kubecost/assets.json') },
    });
    try {
      await expect(
        new KubecostComputeSource({ baseUrl: server.baseUrl }).compute(RANGE),
      ).rejects.toThrow(
        'GET /model/allocation answered code 400: invalid window',
      );
    } finally {
      await server.close();
    }
  });
});

describe('amounts of the allocation APIs', () => {
  /** The Kubecost fixture with one field of its first allocation replaced, as raw JSON text. */
  function withField(field: string, json: string): string {
    const text = fixture('kubecost/allocation.json');
    const first = text.indexOf(`"${field}":`);
    const end = text.indexOf(',', first);
    return `${text.slice(0, first)}"${field}": ${json}${text.slice(end)}`;
  }

  it.each([
    ['cpuCost', '"0.1"', 'the text "0.1"'],
    ['ramCost', '1e400', 'Infinity'],
    ['pvCost', '-1e999', '-Infinity'],
    ['minutes', 'true', 'a value of type boolean'],
    ['ramByteRequestAverage', '{"x":1}', 'a value of type object'],
  ])(
    'refuses %s as %s, naming the source and the field',
    async (field, json, seen) => {
      const server = await serve({
        '/model/allocation': { body: withField(field, json) },
        '/model/assets': { body: fixture('kubecost/assets.json') },
      });
      try {
        const failure = new KubecostComputeSource({
          baseUrl: server.baseUrl,
        }).compute(RANGE);
        await expect(failure).rejects.toThrow(
          `emrOnEks.costs.kubecost (GET /model/allocation): ${field} of allocation "emr-team-a/spark-daily-driver/${A_JOB}/${A_VC}" on 2026-11-20 is not a finite number (${seen})`,
        );
      } finally {
        await server.close();
      }
    },
  );

  it('refuses NaN, which is not JSON at all', async () => {
    const server = await serve({
      '/allocation': { body: withField('cpuCost', 'NaN') },
    });
    try {
      await expect(
        new OpenCostComputeSource({ baseUrl: server.baseUrl }).compute(RANGE),
      ).rejects.toThrow(/JSON/);
    } finally {
      await server.close();
    }
  });
});

describe('OpenCostComputeSource', () => {
  it('reads /allocation with idle included, capacity from the node labels', async () => {
    const server = await serve({
      '/allocation': { body: fixture('opencost/allocation.json') },
    });
    try {
      const rows = await new OpenCostComputeSource({
        baseUrl: server.baseUrl,
      }).compute(RANGE);
      const [request] = server.requests;
      expect(request.pathname).toBe('/allocation');
      expect(request.searchParams.get('includeIdle')).toBe('true');
      expect(request.searchParams.get('step')).toBe('1d');
      expect(
        rows.map(r => [r.allocation, r.category, r.capacityType, r.amount]),
      ).toEqual([
        ['job', 'compute', 'spot', expect.closeTo(0.3, 10)],
        ['job', 'storage', 'spot', 0.02],
        ['idle', 'compute', 'unknown', 0.9],
      ]);
      // 2 cores x 1 h; 8 GB x 1 h.
      expect(rows[0].vcpuHours).toBeCloseTo(2, 10);
      expect(rows[0].gbHours).toBeCloseTo(8, 10);
    } finally {
      await server.close();
    }
  });
});
