// End to end in a real browser, the self-service path of the templates: a
// team lead onboards their team from the "Onboard a team" template, sees the
// tenant Ready and in the catalog, starts a Spark job from the Spot-ready
// template (published to a Git repository on disk, registered in the
// catalog), and sees the job's page with its first run. Run by
// scripts/e2e.sh on `npm start`'s stack, like app.e2e.mjs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  apiAs,
  eventually,
  launchBrowser,
  shot,
  signedIn,
  UI_TIMEOUT,
} from './browser.mjs';
import { BASE, root, startStack, stopStack } from './stack.mjs';

let stack;
let browser;

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

/** Opens a template with its form filled in, walks its pages and creates. */
async function runTemplate(page, template, formData, shotName) {
  await page.goto(
    `${BASE}/create/templates/default/${template}?formData=${encodeURIComponent(
      JSON.stringify(formData),
    )}`,
  );
  // Next through the pages; the last one is Review.
  for (;;) {
    const next = page.getByRole('button', { name: /^(Next|Review|Create)$/ });
    await next.first().waitFor({ timeout: UI_TIMEOUT });
    const label = (await next.first().textContent())?.trim();
    if (label === 'Create') {
      break;
    }
    await next.first().click();
  }
  await shot(page, `${shotName}-review`);
  await page.getByRole('button', { name: 'Create' }).click();
  await page.waitForURL(/\/create\/tasks\//, { timeout: UI_TIMEOUT });
}

describe('the templates in Chromium', () => {
  it('a team lead onboards their team, then starts a Spot-ready Spark job that shows up with its first run', async () => {
    const { context, page } = await signedIn(browser, 'dana');

    // 1. Onboard team-c from the form.
    await runTemplate(
      page,
      'emr-tenant-onboarding',
      {
        owner: 'group:default/team-c',
        name: 'team-c',
        cluster: 'shared',
        description: 'Marketing analytics',
        dataAccess: [{ s3: 's3://data-lake/team-c/', access: 'read-write' }],
      },
      '11-dana-onboard',
    );
    await page
      .getByRole('link', { name: 'The tenant in the catalog' })
      .waitFor({ timeout: UI_TIMEOUT });
    const log = await page.getByText(/tenant team-c is Ready/).count();
    assert.ok(log > 0, 'the task log shows the tenant Ready');
    await shot(page, '12-dana-onboarded');

    const asDana = await apiAs('dana');
    const tenant = await asDana('GET', '/tenants/team-c');
    assert.equal(tenant.status, 200);
    assert.equal(tenant.body.status.phase, 'Ready');
    assert.equal(tenant.body.createdBy, 'user:default/dana');

    // 2. The tenant in the catalog, with its (empty) runs card.
    await page.getByRole('link', { name: 'The tenant in the catalog' }).click();
    await eventually(page, () => page.getByText('EMR on EKS tenant team-c'));
    await page
      .getByText(/No runs yet/)
      .first()
      .waitFor({ timeout: UI_TIMEOUT });
    await shot(page, '13-dana-tenant-resource');

    // 3. A Spark job for the tenant, published to a Git repository on disk,
    // with its first run submitted by the template.
    await runTemplate(
      page,
      'spot-ready-spark-job',
      {
        name: 'marketing-attribution',
        description: 'Daily attributed sales per store',
        owner: 'group:default/team-c',
        tenant: 'resource:default/team-c',
        language: 'pyspark',
        inputPath: 's3://data-lake/team-c/sales/',
        outputPath: 's3://data-lake/team-c/daily-totals/',
        spot: true,
        submitFirstRun: true,
        repoLocation: 'local',
      },
      '14-dana-spark-job',
    );
    await page
      .getByRole('link', { name: /The job in the catalog/ })
      .waitFor({ timeout: UI_TIMEOUT });
    await shot(page, '15-dana-spark-job-created');

    // The published project: a real Git repository holding the exact job
    // configuration (what a dry run composes), pod templates and the code.
    const checkout = path.join(root, '.data', 'git', 'marketing-attribution');
    const job = JSON.parse(
      readFileSync(path.join(checkout, 'emr-job.json'), 'utf8'),
    );
    assert.equal(job.virtualClusterId, tenant.body.status.virtualClusterId);
    assert.equal(job.executionRoleArn, tenant.body.status.executionRoleArn);
    assert.equal(job.clientToken, undefined);
    assert.match(
      execFileSync('git', ['-C', checkout, 'log', '--oneline'], {
        encoding: 'utf8',
      }),
      /\S/,
    );
    for (const file of [
      'catalog-info.yaml',
      'pod-templates/driver.yaml',
      'pod-templates/executor.yaml',
      'src/main.py',
      'src/test_main.py',
      'Makefile',
    ]) {
      readFileSync(path.join(checkout, file));
    }

    // 4. The job's page: in the catalog, its tenant as a dependency, and its
    // first run in the runs card.
    await page.goto(`${BASE}/catalog/default/component/marketing-attribution`);
    await eventually(page, () =>
      page.getByRole('button', {
        name: /^Details of run marketing-attribution/,
      }),
    );
    await page.getByText('team-c').first().waitFor();
    await shot(page, '16-dana-spark-job-page');

    const runs = await asDana('GET', '/tenants/team-c/job-runs');
    assert.equal(runs.status, 200);
    assert.deepEqual(
      runs.body.items.map(run => [run.name, run.entityRef, run.submittedBy]),
      [
        [
          'marketing-attribution',
          'component:default/marketing-attribution',
          'user:default/dana',
        ],
      ],
    );
    await context.close();
  });

  it('refuses to let a team lead onboard a tenant for another team', async () => {
    const asDana = await apiAs('dana');
    const res = await asDana('POST', '/tenants', {
      name: 'not-mine',
      owner: 'group:default/team-a',
      cluster: 'shared',
    });
    assert.equal(res.status, 403);
    assert.match(res.body.error.message, /^owner: you may onboard only/);
  });
});
