// End to end in a real browser: the example app built and served by the
// example backend (as in production, no dev server), on local defaults
// (moto, the local job-run simulator, SQLite, a GitOps directory), driven
// with playwright-core in Debian's Chromium. Run by scripts/e2e.sh.
//
// Screenshots of every page land in .data/screenshots/ (gitignored).
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  apiAs,
  eventually,
  launchBrowser,
  shot,
  signedIn as signedInWith,
  UI_TIMEOUT,
} from './browser.mjs';
import { signIn } from '../examples/local/seed.mjs';
import { BASE, root, startStack, stopStack } from './stack.mjs';

let stack;
let browser;

const signedIn = user => signedInWith(browser, user);

before(async () => {
  // E2E_STACK=running: against a stack started by hand (npm start).
  if (process.env.E2E_STACK !== 'running') {
    ({ child: stack } = await startStack());
  }
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  stopStack(stack);
});

describe('the example app in Chromium', () => {
  it('shows a team-a member their component’s runs, a failed run’s reason and links; cancel and re-run work', async () => {
    const { context, page } = await signedIn('alice');
    await shot(page, '01-alice-signed-in');

    await page.goto(`${BASE}/catalog/default/component/sessionization`);
    const failed = () => page.getByRole('cell', { name: 'FAILED' });
    await eventually(page, failed);
    await shot(page, '02-alice-sessionization-runs');
    await page
      .getByRole('button', { name: /^Details of run sessionization/ })
      .first()
      .click();
    const drawer = page.getByRole('dialog', { name: /sessionization/ });
    await drawer.waitFor();
    const links = drawer.getByRole('list', { name: 'Console links' });
    // CloudWatch Logs, S3 logs, the EMR console (the tenant's links load after it).
    await links.getByRole('link').nth(2).waitFor({ timeout: UI_TIMEOUT });
    assert.match(
      (await drawer.textContent()) ?? '',
      /USER_ERROR|INTERNAL_ERROR|CLUSTER_UNAVAILABLE|VALIDATION_ERROR/,
    );
    await shot(page, '03-alice-failed-run-detail');
    await drawer.getByRole('button', { name: 'Close details' }).click();

    // The hour-long backfill: cancel it and see it CANCELLED.
    await page.goto(`${BASE}/catalog/default/component/daily-sales`);
    const cancel = () =>
      page.getByRole('button', { name: 'Cancel run daily-sales-backfill' });
    await eventually(page, cancel);
    await shot(page, '04-alice-daily-sales-runs');
    await cancel().first().click();
    await page
      .getByRole('dialog', { name: 'Cancel daily-sales-backfill?' })
      .getByRole('button', { name: 'Cancel run' })
      .click();
    await eventually(page, () =>
      page
        .getByRole('row', { name: /daily-sales-backfill/ })
        .filter({ hasText: 'CANCELLED' }),
    );
    await shot(page, '05-alice-cancelled');

    // Re-run the daily job: a new run appears at the top.
    const rowsBefore = await page
      .getByRole('button', { name: /^Details of run daily-sales \(/ })
      .count();
    await page
      .getByRole('button', { name: 'Re-run daily-sales', exact: true })
      .first()
      .click();
    await page
      .getByRole('dialog', { name: 'Re-run daily-sales?' })
      .getByRole('button', { name: 'Re-run' })
      .click();
    await eventually(page, () =>
      page
        .getByRole('button', { name: /^Details of run daily-sales \(/ })
        .nth(rowsBefore),
    );
    await shot(page, '06-alice-rerun');

    // Her team's tenant: the team's own fields are hers to change, the
    // guardrails are read-only.
    await page.goto(`${BASE}/emr-on-eks`);
    await page.getByRole('button', { name: 'Show tenant team-a' }).click();
    await page.getByRole('button', { name: 'Edit tenant team-a' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit tenant team-a' });
    await edit.waitFor();
    for (const label of ['Quota (JSON)', 'Owner', 'Data access (JSON)']) {
      assert.equal(
        await edit.getByLabel(label).getAttribute('readonly'),
        '',
        `${label} is read-only for a team member`,
      );
    }
    await edit
      .getByLabel('Description')
      .fill('Sales analytics (edited in e2e)');
    await shot(page, '06b-alice-edit-tenant');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    const asAliceApi = await apiAs('alice');
    const tenant = await asAliceApi('GET', '/tenants/team-a');
    assert.equal(
      tenant.body.spec.description,
      'Sales analytics (edited in e2e)',
    );
    await context.close();
  });

  it('shows a team-b member none of team-a’s runs or actions, and the API refuses them', async () => {
    const { context, page } = await signedIn('bob');
    await page.goto(`${BASE}/catalog/default/component/daily-sales`);
    // Bob may read none of team-a's runs: the card says so, as team-a's
    // own page would, not "No runs yet".
    await page
      .getByText(/you may not see its job runs/)
      .first()
      .waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await page.getByText(/No runs yet/).count(), 0);
    assert.equal(
      await page.getByRole('button', { name: /^Cancel run|^Re-run/ }).count(),
      0,
    );
    assert.equal(
      await page.getByRole('button', { name: /^Details of run/ }).count(),
      0,
    );
    await shot(page, '07-bob-daily-sales');

    const asAlice = await apiAs('alice');
    const teamARuns = await asAlice('GET', '/tenants/team-a/job-runs');
    assert.equal(teamARuns.status, 200);
    const run = teamARuns.body.items[0];
    const asBob = await apiAs('bob');
    assert.equal((await asBob('GET', '/tenants/team-a')).status, 404);
    assert.equal((await asBob('GET', '/tenants/team-a/job-runs')).status, 404);
    assert.equal((await asBob('GET', `/job-runs/${run.id}`)).status, 404);
    assert.equal(
      (await asBob('POST', `/job-runs/${run.id}/cancel`)).status,
      404,
    );
    assert.equal(
      (await asBob('DELETE', '/tenants/team-b')).status,
      403,
      'a team member may not offboard their own tenant',
    );

    await page.goto(`${BASE}/emr-on-eks`);
    await page
      .getByRole('button', { name: 'Show tenant team-b' })
      .waitFor({ timeout: UI_TIMEOUT });
    assert.equal(
      await page.getByRole('button', { name: 'Show tenant team-a' }).count(),
      0,
    );
    await shot(page, '08-bob-tenants');
    await context.close();
  });

  it('shows an admin every tenant’s progress, and a tenant onboarded through the API reaching Ready', async () => {
    const { context, page } = await signedIn('admin');
    await page.goto(`${BASE}/emr-on-eks`);
    for (const tenant of ['team-a', 'team-b']) {
      await page
        .getByRole('button', { name: `Show tenant ${tenant}` })
        .waitFor({ timeout: UI_TIMEOUT });
    }
    await shot(page, '09-admin-tenants');
    // A phone's width: the table scrolls, nothing overlaps, and names and
    // phases stay on one line instead of breaking letter by letter.
    await page.setViewportSize({ width: 390, height: 844 });
    for (const label of ['Show tenant team-a', 'Show tenant team-b']) {
      const box = await page.getByRole('button', { name: label }).boundingBox();
      assert.ok(box && box.height < 30, `${label} is one line: ${box?.height}`);
    }
    const phase = await page
      .getByRole('table', { name: 'Tenants' })
      .getByText('Ready')
      .first()
      .boundingBox();
    assert.ok(
      phase && phase.height < 30,
      `Ready is one line: ${phase?.height}`,
    );
    await shot(page, '09b-admin-tenants-390');
    await page.setViewportSize({ width: 1400, height: 1000 });

    const asAdmin = await apiAs('admin');
    const created = await asAdmin('POST', '/tenants', {
      name: 'team-e2e',
      owner: 'group:default/team-b',
      cluster: 'shared',
      dataAccess: [],
    });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    await eventually(page, () =>
      page.getByRole('row', { name: /team-e2e/ }).filter({ hasText: 'Ready' }),
    );
    await page.getByRole('button', { name: 'Show tenant team-e2e' }).click();
    await page
      .getByRole('table', { name: 'Reconcile steps' })
      .waitFor({ timeout: UI_TIMEOUT });
    await shot(page, '10-admin-team-e2e-ready');
    await context.close();
  });
});

describe('a catalog Resource that takes a tenant’s name', () => {
  it('is named on the tenants page, with where it was registered', async () => {
    const { context, page } = await signedIn('admin');
    // The example's rules keep registered Resources out, so the catalog
    // answers here as an adopter's would with one registered as team-a.
    await page.route(
      url =>
        url.pathname === '/api/catalog/entities' &&
        url.searchParams
          .getAll('filter')
          .some(f => f.includes('kind=Resource')),
      route =>
        route.fulfill({
          json: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Resource',
              metadata: {
                name: 'team-a',
                namespace: 'default',
                annotations: {
                  'backstage.io/managed-by-location':
                    'url:https://github.com/example-org/mallory/blob/main/catalog-info.yaml',
                },
              },
            },
          ],
        }),
    );
    await page.goto(`${BASE}/emr-on-eks`);
    const warning = page.getByRole('list', {
      name: "Catalog entities that take a tenant's name",
    });
    await warning.waitFor({ timeout: UI_TIMEOUT });
    assert.match(
      (await warning.textContent()) ?? '',
      /Tenant team-a: resource:default\/team-a, from url:https:\/\/github\.com\/example-org\/mallory/,
    );
    await page
      .getByRole('button', { name: 'Show tenant team-b' })
      .waitFor({ timeout: UI_TIMEOUT });
    await shot(page, '09c-admin-tenants-catalog-conflict');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, '09d-admin-tenants-catalog-conflict-390');
    await context.close();
  });
});

describe('the catalog a signed-in user can register locations in', () => {
  /** A catalog file under .data/, and alice's dry run of registering it. */
  async function registerAsAlice(name, entities) {
    const directory = path.join(root, '.data', 'e2e-catalog');
    await mkdir(directory, { recursive: true });
    const target = path.join(directory, name);
    await writeFile(
      target,
      entities.map(entity => JSON.stringify(entity)).join('\n---\n'),
    );
    const res = await fetch(`${BASE}/api/catalog/locations?dryRun=true`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${await signIn(BASE, 'alice')}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ type: 'file', target }),
    });
    return { status: res.status, body: await res.json() };
  }

  it('refuses a User or Group (membership is what the policy trusts) and a Resource, and accepts a Component', async () => {
    for (const [name, entity] of [
      [
        'user.yaml',
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'User',
          metadata: { name: 'mallory' },
          spec: { memberOf: ['platform'] },
        },
      ],
      [
        'group.yaml',
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Group',
          metadata: { name: 'platform-too' },
          spec: { type: 'team', children: [], members: ['alice'] },
        },
      ],
      [
        'resource.yaml',
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Resource',
          metadata: { name: 'team-c' },
          spec: { type: 'emr-virtual-cluster', owner: 'group:default/team-a' },
        },
      ],
    ]) {
      const refused = await registerAsAlice(name, [entity]);
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.match(
        refused.body.error.message,
        /is not of an allowed kind for that location/,
      );
    }
    const accepted = await registerAsAlice('component.yaml', [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'alices-job' },
        spec: {
          type: 'spark-job',
          lifecycle: 'experimental',
          owner: 'group:default/team-a',
        },
      },
    ]);
    assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
  });
});

describe('chargeback in Chromium', () => {
  /** "$1,234.56" as a number. */
  const money = text => Number(String(text).replace(/[^0-9.-]/g, ''));

  it('shows a component’s costs from the sample bill as a chart, and its CSV adds up to the card’s total', async () => {
    const { context, page } = await signedIn('alice');
    await page.goto(`${BASE}/catalog/default/component/daily-sales`);
    const total = page.getByTestId('cost-total');
    await total.waitFor({ timeout: UI_TIMEOUT });
    const chart = page.getByRole('img', { name: /^Daily costs from/ });
    await chart.waitFor({ timeout: UI_TIMEOUT });
    // The stacked bars are drawn: the sample bill has a week of nightly runs.
    await page
      .locator('.recharts-bar-rectangle path')
      .first()
      .waitFor({ timeout: UI_TIMEOUT });
    assert.ok(
      (await page.locator('.recharts-bar-rectangle path').count()) >= 7,
      'a week of bars at least',
    );
    await page.getByText(/^Billed through \d{4}-\d{2}-\d{2}/).waitFor();
    const shown = money(await total.textContent());
    assert.ok(shown > 0, `a total above zero, not ${shown}`);
    const period = (await page.getByText(/^Total, /).textContent()) ?? '';
    const [, from, to] =
      period.match(/(\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})/) ?? [];

    // The API answers the card's figure.
    const asAlice = await apiAs('alice');
    const report = await asAlice(
      'GET',
      `/costs?entityRef=${encodeURIComponent(
        'component:default/daily-sales',
      )}&from=${from}&to=${to}`,
    );
    assert.equal(report.status, 200);
    assert.equal(report.body.total.toFixed(2), shown.toFixed(2));

    // The CSV download holds the same rows: its amounts add up to the total.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /download csv/i }).click(),
    ]);
    assert.match(download.suggestedFilename(), /\.csv$/);
    const lines = (await readFile(await download.path(), 'utf8'))
      .trim()
      .split(/\r?\n/);
    const amount = lines[0].split(',').indexOf('amount');
    assert.ok(amount >= 0, `an amount column in ${lines[0]}`);
    const sum = lines
      .slice(1)
      .reduce((acc, line) => acc + Number(line.split(',')[amount]), 0);
    assert.equal(sum.toFixed(2), shown.toFixed(2));
    await page
      .getByRole('table', { name: 'Top jobs by cost' })
      .waitFor({ timeout: UI_TIMEOUT });
    await shot(page, '11-alice-daily-sales-costs');
    // A phone: the page never scrolls sideways (the chart's hidden data
    // table is clipped, the tables keep to the width).
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByText(/^Total, /).waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
    await shot(page, '11b-alice-daily-sales-390');
    await context.close();

    // bob (team-b) reads none of team-a's costs: no figure, and not
    // "No costs yet" either.
    const bob = await signedIn('bob');
    await bob.page.goto(`${BASE}/catalog/default/component/daily-sales`);
    await bob.page
      .getByText('You may not see these costs')
      .waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await bob.page.getByText(/^No costs for/).count(), 0);
    assert.equal(await bob.page.getByTestId('cost-total').count(), 0);
    await shot(bob.page, '12-bob-daily-sales-costs-hidden');
    await bob.context.close();
  });
});
