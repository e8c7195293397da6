// Frontend figures for `npm run bench` (printed, never asserted):
//  - gzip size of the frontend plugin's built bundle;
//  - the example app's time to a usable page (stack start, then sign-in page
//    and the signed-in catalog in Chromium);
//  - time for the job-runs card to render 1,000 runs in Chromium: the card's
//    list request is answered with 1,000 synthetic runs (Playwright's
//    routing), so the figure is the browser's rendering, not the API's; the
//    card counts as rendered once the last run's row and actions are there.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { api, signIn } from '../examples/local/seed.mjs';
import { BASE, CHROMIUM_ARGS, root, startStack, stopStack } from './stack.mjs';

const figures = {};
const round = (n, digits = 0) => Number(n.toFixed(digits));

function bundleSize() {
  const pkg = path.join(root, 'plugins/emr-on-eks');
  const built = spawnSync('npx', ['backstage-cli', 'package', 'build'], {
    cwd: pkg,
    stdio: 'inherit',
  });
  if (built.status !== 0) {
    throw new Error('building plugins/emr-on-eks failed');
  }
  const dist = path.join(pkg, 'dist');
  const files = readdirSync(dist, { recursive: true })
    .map(String)
    .filter(file => file.endsWith('.js'));
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const body = readFileSync(path.join(dist, file));
    raw += body.length;
    gzip += gzipSync(body).length;
  }
  figures['frontend plugin bundle (dist/*.js)'] = `${
    files.length
  } files, ${round(raw / 1024)} KiB, ${round(gzip / 1024, 1)} KiB gzipped`;
  spawnSync('npx', ['backstage-cli', 'package', 'clean'], { cwd: pkg });
}

function syntheticRuns(count) {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => {
    const state = ['RUNNING', 'COMPLETED', 'FAILED', 'PENDING'][i % 4];
    const created = new Date(now - i * 60_000).toISOString();
    return {
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      tenant: 'team-a',
      tenantUid: '00000000-0000-4000-8000-00000000aaaa',
      virtualClusterId: 'vc0123456789',
      emrJobRunId: `job${i}`,
      arn: `arn:aws:emr-containers:us-east-1:123456789012:/virtualclusters/vc0123456789/jobruns/job${i}`,
      name: `bench-run-${i}`,
      state,
      ...(state === 'FAILED'
        ? { failureReason: 'USER_ERROR', stateDetails: 'exit code 1' }
        : {}),
      createdAt: created,
      ...(state === 'COMPLETED' || state === 'FAILED'
        ? { finishedAt: created }
        : {}),
      updatedAt: created,
      releaseLabel: 'emr-7.5.0-latest',
      entityRef: 'component:default/daily-sales',
      submittedBy: 'user:default/alice',
      spot: i % 3 !== 0,
      source: 'backstage',
      requested: {
        driver: { cores: 1, memoryMiB: 2432 },
        executor: { cores: 2, memoryMiB: 4480 },
        minExecutors: 1,
        maxExecutors: 4,
        maxCores: 9,
        maxMemoryMiB: 20352,
      },
    };
  });
}

const { child, seconds } = await startStack();
let browser;
try {
  bundleSize();
  figures['npm start to ready (--reset, app already built), s'] = round(
    seconds,
    1,
  );
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  const page = await browser.newPage({
    viewport: { width: 1400, height: 1000 },
  });
  let started = performance.now();
  await page.goto(BASE);
  const signInButton = page.getByRole('button', { name: 'Sign in as alice' });
  await signInButton.waitFor();
  figures['sign-in page usable (cold browser), ms'] = round(
    performance.now() - started,
  );
  started = performance.now();
  await signInButton.click();
  await page.getByRole('main').first().waitFor();
  await page.getByRole('link', { name: 'daily-sales' }).first().waitFor();
  figures['signed in to a catalog with its entities, ms'] = round(
    performance.now() - started,
  );

  // 1,000 runs of the entity, served as the API would (pages of the
  // card's `limit`), and all 1,000 in one answer as a stress figure.
  const runs = syntheticRuns(1000);
  const measureCard = async (answer, lastShown) => {
    let asked = 50;
    await page.unrouteAll();
    await page.route('**/api/emr-on-eks/job-runs?*', route => {
      const limit = Number(
        new URL(route.request().url()).searchParams.get('limit') ?? 50,
      );
      asked = limit;
      return route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify(answer(limit)),
      });
    });
    const samples = [];
    for (let i = 0; i < 5; i++) {
      const answered = page.waitForResponse('**/api/emr-on-eks/job-runs?*');
      await page.goto(`${BASE}/catalog/default/component/sessionization`);
      await answered;
      const t0 = performance.now();
      // Rendered means with its actions: the last run's link and its re-run
      // button (alice may submit to team-a; the permission answer may come
      // after the list, as in the app).
      const last = lastShown(asked);
      await page
        .getByRole('button', {
          name: new RegExp(`^Details of run ${last} `),
        })
        .waitFor({ state: 'attached', timeout: 60_000 });
      await page
        .getByRole('button', { name: `Re-run ${last}`, exact: true })
        .waitFor({ state: 'attached', timeout: 60_000 });
      samples.push(performance.now() - t0);
    }
    samples.sort((a, b) => a - b);
    return `median ${round(samples[2])} / slowest ${round(samples[4])}`;
  };
  let pageSize = 0;
  figures[
    'job-runs card, entity with 1,000 runs: first page rendered after the answer, ms (5 loads)'
  ] = await measureCard(
    limit => {
      pageSize = limit;
      return { items: runs.slice(0, limit), nextCursor: 'bench' };
    },
    limit => `bench-run-${limit - 1}`,
  );
  figures['job-runs card page size'] = pageSize;
  figures[
    'job-runs card, all 1,000 runs in one answer (stress), ms (5 loads)'
  ] = await measureCard(
    () => ({ items: runs }),
    () => 'bench-run-999',
  );

  // A new run reaching an open page by signals: from the submit's answer
  // (the run is in the database, its change published) to its row in the
  // browser, with no reload and no timer (the card polls only without
  // signals).
  await page.unrouteAll();
  await page.goto(`${BASE}/catalog/default/component/sessionization`);
  await page
    .getByRole('button', { name: /^Details of run sessionization/ })
    .first()
    .waitFor({ timeout: 90_000 });
  const asAlice = api(BASE, await signIn(BASE, 'alice'));
  const pushed = [];
  for (let i = 0; i < 20; i++) {
    const name = `bench-push-${Date.now().toString(36)}-${i}`;
    const submitted = await asAlice('POST', '/tenants/team-a/job-runs', {
      name,
      entryPoint: 's3://data-lake/team-a/jars/sessionization.jar',
      mainClass: 'com.example.sessions.Sessionization',
      entityRef: 'component:default/sessionization',
    });
    if (submitted.status !== 201) {
      throw new Error(
        `submit: ${submitted.status} ${JSON.stringify(submitted.body)}`,
      );
    }
    const t0 = performance.now();
    await page
      .getByRole('row', { name: new RegExp(name) })
      .first()
      .waitFor({ timeout: 60_000 });
    pushed.push(performance.now() - t0);
    // Within the tenant's quota for the next one.
    await asAlice('POST', `/job-runs/${submitted.body.id}/cancel`);
  }
  pushed.sort((a, b) => a - b);
  figures[
    'a submitted run on an open page by signals (no reload), ms (20 runs)'
  ] = `median ${round(pushed[9])} / p95 ${round(pushed[18])} / slowest ${round(
    pushed[19],
  )}`;
} finally {
  await browser?.close();
  stopStack(child);
}

process.stdout.write('\nfrontend benchmark:\n');
for (const [name, value] of Object.entries(figures)) {
  process.stdout.write(`  ${name.padEnd(72)} ${value}\n`);
}
