import {
  CreateBucketCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { createGzip } from 'node:zlib';
import request from 'supertest';
import { DAILY_SALES, TEAM_A, testConfig } from '../__testUtils__/fixtures';
import {
  startMoto,
  useMotoCredentials,
  type MotoServer,
} from '../__testUtils__/moto';
import {
  startEmrOnEksBackend,
  USERS,
  waitForTenant,
} from '../__testUtils__/testBackend';
import { as, BASE } from '../__testUtils__/apiWorld';
import { percentiles, round } from './stats';

/*
 * `npm run bench`: prints figures, asserts no timings.
 * - The first page of a 200 MB gzipped driver log on moto, through HTTP
 *   (permissions, listing, GetObject, gunzip, stop at the page): median and
 *   p95 of 40, moto's own time to the first bytes of a range of the
 *   object (its floor: it reads the whole object for any GET), and the backend's peak RSS growth while they run (target
 *   < 300 ms, memory flat). The tail page too, which must read the whole
 *   object (gzip cannot be read from its end).
 */

jest.setTimeout(30 * 60_000);

const BUCKET = 'shared-data-emr-assets';
const TARGET_BYTES = 200 * 1024 * 1024;
const APP = 'spark-0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e';

/**
 * A driver log of about `target` gzipped bytes: log4j lines with random
 * task ids and hosts, so it compresses like a real log rather than a
 * repeated line.
 */
async function gzippedDriverLog(
  target: number,
): Promise<{ body: Buffer; characters: number }> {
  const gzip = createGzip({ level: 1 });
  const parts: Buffer[] = [];
  let size = 0;
  gzip.on('data', (chunk: Buffer) => {
    parts.push(chunk);
    size += chunk.length;
  });
  let characters = 0;
  let line = 0;
  while (size < target) {
    const lines: string[] = [];
    for (let i = 0; i < 2000; i++, line++) {
      const noise = randomBytes(12).toString('base64');
      lines.push(
        `26/12/07 01:${String(Math.floor(line / 60000) % 60).padStart(
          2,
          '0',
        )}:${String(Math.floor(line / 1000) % 60).padStart(
          2,
          '0',
        )} INFO TaskSetManager: Finished task ${line}.0 in stage 3.0 (TID ${line}) in ${
          line % 997
        } ms on 10.0.${line % 7}.${line % 250} (executor ${
          1 + (line % 40)
        }) ${noise}\n`,
      );
    }
    const text = lines.join('');
    characters += text.length;
    if (!gzip.write(text)) {
      await new Promise(resolve => gzip.once('drain', resolve));
    }
  }
  // All of it, trailer included: 'end' comes after the last 'data'.
  const ended = new Promise(resolve => gzip.once('end', resolve));
  gzip.end();
  await ended;
  return { body: Buffer.concat(parts), characters };
}

describe('benchmark: job-run logs', () => {
  let moto: MotoServer;

  beforeAll(async () => {
    useMotoCredentials();
    moto = await startMoto();
  });

  afterAll(async () => {
    await moto?.stop();
  });

  it('reads the first page of a 200 MB gzipped driver log from moto', async () => {
    const directory = await fs.mkdtemp(
      path.join(os.tmpdir(), 'emr-bench-logs-'),
    );
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      forcePathStyle: true,
    });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const backend = await startEmrOnEksBackend(
      testConfig({
        endpoint: moto.endpoint,
        kubernetes: { mode: 'gitops', directory },
      }),
    );
    const alice = as(USERS.alice);
    await request(backend.server)
      .post(`${BASE}/tenants`)
      .set('Authorization', alice)
      .send(TEAM_A)
      .expect(202);
    const tenant = await waitForTenant(
      backend.server,
      'team-a',
      ['Ready'],
      as(USERS.admin),
    );
    const run = (
      await request(backend.server)
        .post(`${BASE}/tenants/team-a/job-runs`)
        .set('Authorization', alice)
        .send({
          ...DAILY_SALES,
          executor: { ...DAILY_SALES.executor, maxExecutors: 10 },
        })
        .expect(201)
    ).body;

    const built = performance.now();
    let log: { body: Buffer; characters: number } | undefined =
      await gzippedDriverLog(TARGET_BYTES);
    const buildSeconds = (performance.now() - built) / 1000;
    const gzippedBytes = log.body.length;
    const characters = log.characters;
    const key = `tenants/team-a/${tenant.uid}/logs/${run.virtualClusterId}/jobs/${run.emrJobRunId}/containers/${APP}/spark-${run.emrJobRunId}-driver/stderr.gz`;
    const uploaded = performance.now();
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: log.body }),
    );
    const uploadSeconds = (performance.now() - uploaded) / 1000;
    log = undefined;
    // moto's own floor: the first bytes of a 1 MiB range of the object,
    // straight from the SDK (moto reads the whole object for any GET).
    const motoFloor: number[] = [];
    for (let i = 0; i < 23; i++) {
      const started = performance.now();
      const object = await s3.send(
        new GetObjectCommand({
          Bucket: BUCKET,
          Key: key,
          Range: 'bytes=0-1048575',
        }),
      );
      const body = object.Body as NodeJS.ReadableStream & { destroy(): void };
      await body[Symbol.asyncIterator]().next();
      body.destroy();
      if (i >= 3) {
        motoFloor.push(performance.now() - started);
      }
    }
    s3.destroy();

    const { body: list } = await request(backend.server)
      .get(`${BASE}/job-runs/${run.id}/logs`)
      .set('Authorization', alice)
      .expect(200);
    const url = `${BASE}/job-runs/${run.id}/logs/${list.items[0].id}`;

    (global as any).gc?.();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }, 2);

    const firstPage: number[] = [];
    let pageCharacters = 0;
    for (let i = 0; i < 43; i++) {
      const started = performance.now();
      const res = await request(backend.server)
        .get(url)
        .query({ from: 0 })
        .set('Authorization', alice);
      const elapsed = performance.now() - started;
      expect(res.status).toBe(200);
      expect(res.body.hasLater).toBe(true);
      pageCharacters = res.body.text.length;
      if (i >= 3) {
        firstPage.push(elapsed);
      }
    }
    const rssAfterFirstPages = rssPeak;

    const tail: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const res = await request(backend.server)
        .get(url)
        .set('Authorization', alice);
      tail.push(performance.now() - started);
      expect({ status: res.status, error: res.body.error }).toEqual({
        status: 200,
        error: undefined,
      });
      expect(res.body.total).toBe(characters);
    }
    clearInterval(sampler);

    const mib = (bytes: number) => round(bytes / 1024 / 1024);
    const figures = {
      gzippedMiB: mib(gzippedBytes),
      decompressedMiB: mib(characters),
      buildSeconds: round(buildSeconds),
      uploadSeconds: round(uploadSeconds),
      pageCharacters,
      firstPageMs: percentiles(firstPage),
      firstPageTargetMs: 300,
      motoRangeFirstByteMs: percentiles(motoFloor),
      loadAverage: os.loadavg().map(round),
      cpus: os.cpus().length,
      firstPagePeakRssGrowthMiB: mib(rssAfterFirstPages - rssBefore),
      tailPageMs: percentiles(tail),
      peakRssGrowthMiBWithTail: mib(rssPeak - rssBefore),
    };
    const file = path.resolve(
      __dirname,
      '../../../../.data/bench-job-run-logs.json',
    );
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, JSON.stringify(figures, null, 2));
    process.stdout.write(
      `\njob-run log figures (also in .data/bench-job-run-logs.json):\n${JSON.stringify(
        figures,
        null,
        2,
      )}\n`,
    );
    await backend.stop();
    await fs.rm(directory, { recursive: true, force: true });
  });
});
