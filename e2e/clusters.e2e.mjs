// The platform's fleet in Chromium (issue 20): the Clusters tab of the EMR
// on EKS page shows the platform admin both local clusters (`shared` in
// moto's first account, `analytics` in its second) with their preflight
// checks, what to do about a check that did not pass, and each cluster's
// bootstrap bundle; team members get no such tab, and its URL tells them it
// is not for them. On `npm start`'s stack, like the other suites.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import {
  apiAs,
  launchBrowser,
  shot,
  SHOTS,
  signedIn as signedInWith,
  UI_TIMEOUT,
} from './browser.mjs';
import { BASE, startStack, stopStack } from './stack.mjs';

const CLUSTERS = ['shared', 'analytics'];

let stack;
let browser;

const signedIn = user => signedInWith(browser, user);

before(async () => {
  if (process.env.E2E_STACK !== 'running') {
    ({ child: stack } = await startStack());
  }
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  stopStack(stack);
});

/** A dialog as the screen shows it (a full-page shot puts it over the page's top only). */
async function shotOfScreen(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/** How far the page scrolls sideways (0 or less: it does not). */
function sidewaysOverflow(page) {
  return page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
}

/** A check that did not pass and says what to do, as the API reports it. */
function firstAdvice(clusters) {
  for (const cluster of clusters) {
    const check = cluster.checks.find(c => c.status !== 'pass' && c.advice);
    if (check) {
      return { cluster: cluster.name, check };
    }
  }
  return undefined;
}

describe('the Clusters tab in Chromium', () => {
  it('shows the platform admin both clusters, their checks with what to do, and a bootstrap bundle', async () => {
    const asAdmin = await apiAs('admin');
    const listed = await asAdmin('GET', '/clusters');
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    assert.deepEqual(
      listed.body.items.map(c => c.name).sort(),
      [...CLUSTERS].sort(),
    );

    const { context, page } = await signedIn('admin');
    await page.goto(`${BASE}/emr-on-eks`);
    await page
      .getByRole('tab', { name: 'Clusters' })
      .click({ timeout: UI_TIMEOUT });
    await page.waitForURL(/\/emr-on-eks\/clusters/);
    const table = page.getByRole('table', { name: 'Clusters' });
    await table.waitFor({ timeout: UI_TIMEOUT });
    for (const name of CLUSTERS) {
      await table
        .getByRole('button', { name: `Show checks of cluster ${name}` })
        .waitFor({ timeout: UI_TIMEOUT });
    }

    // Every cluster's checks, in the order of the API, each with a word
    // for its status.
    for (const name of CLUSTERS) {
      await table
        .getByRole('button', { name: `Show checks of cluster ${name}` })
        .click();
      const checks = page.getByRole('list', { name: `Checks of ${name}` });
      await checks.waitFor({ timeout: UI_TIMEOUT });
      const cluster = listed.body.items.find(c => c.name === name);
      const items = checks.getByRole('listitem');
      assert.equal(await items.count(), cluster.checks.length);
      assert.match(
        (await items.first().textContent()) ?? '',
        /^(Passed|Failed|Warning|Skipped)/,
      );
    }

    // A check that did not pass says what to do, with a button to copy it.
    // (Which checks pass depends on the local stand-ins; the advice shown
    // is the API's.)
    const advice = firstAdvice(listed.body.items);
    if (advice) {
      await page.goto(`${BASE}/emr-on-eks/clusters?cluster=${advice.cluster}`);
      const checks = page.getByRole('list', {
        name: `Checks of ${advice.cluster}`,
      });
      await checks.waitFor({ timeout: UI_TIMEOUT });
      const item = checks
        .getByRole('listitem')
        .filter({ hasText: advice.check.title });
      await item
        .getByRole('button', {
          name: `Copy what to do: ${advice.check.title}`,
        })
        .waitFor({ timeout: UI_TIMEOUT });
      const firstLine = advice.check.advice.split('\n')[0].trim();
      await item
        .locator('pre', { hasText: firstLine.slice(0, 40) })
        .waitFor({ timeout: UI_TIMEOUT });
      await shot(page, 'clusters-01-admin-clusters');
      await item.scrollIntoViewIfNeeded();
      await shot(page, 'clusters-01b-admin-check-advice');
    } else {
      // Every check passed: both clusters are ready.
      assert.equal(await table.getByText('Not ready').count(), 0);
      await shot(page, 'clusters-01-admin-clusters');
    }

    // A phone: the table keeps to the width, the checks wrap.
    await page.setViewportSize({ width: 390, height: 844 });
    await table.waitFor();
    const overflow = await sidewaysOverflow(page);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
    await shot(page, 'clusters-02-admin-clusters-390');
    await page.setViewportSize({ width: 1400, height: 1000 });

    // The bundle: Karpenter's node pools among its files.
    await page.goto(`${BASE}/emr-on-eks/clusters?cluster=shared`);
    await page
      .getByRole('button', { name: 'Bootstrap bundle of shared' })
      .click({ timeout: UI_TIMEOUT });
    const dialog = page.getByRole('dialog', {
      name: 'Bootstrap bundle of shared',
    });
    await dialog.waitFor({ timeout: UI_TIMEOUT });
    await dialog
      .locator('pre', { hasText: 'NodePool' })
      .first()
      .waitFor({ timeout: UI_TIMEOUT });
    await shotOfScreen(page, 'clusters-03-admin-bundle');

    // Downloaded as one YAML: every manifest, no kustomization.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Download as one YAML' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'shared-bootstrap.yaml');
    const yaml = await readFile(await download.path(), 'utf8');
    // Manifests only, each a Kubernetes object: what `kubectl apply -f` takes.
    const documents = parseAllDocuments(yaml);
    assert.ok(documents.length > 0, 'an empty download');
    for (const document of documents) {
      assert.deepEqual(document.errors, []);
      const object = document.toJS();
      assert.ok(object?.apiVersion && object?.kind, JSON.stringify(object));
    }
    const kinds = documents.map(d => d.toJS().kind);
    assert.ok(kinds.includes('NodePool'), kinds.join());
    assert.ok(!kinds.includes('Kustomization'), kinds.join());

    // GitOps mode (both local clusters): written under the cluster's output.
    await dialog
      .getByRole('button', { name: 'Write to the GitOps repository' })
      .click();
    const confirm = page.getByRole('dialog', {
      name: 'Write the bundle of shared to the GitOps repository?',
    });
    await confirm.getByRole('button', { name: 'Write' }).click();
    await dialog.getByText(/^Written to/).waitFor({ timeout: UI_TIMEOUT });
    await shotOfScreen(page, 'clusters-04-admin-bundle-written');

    await page.setViewportSize({ width: 390, height: 844 });
    await dialog.waitFor();
    await shotOfScreen(page, 'clusters-05-admin-bundle-390');
    await context.close();
  });

  for (const user of ['alice', 'bob']) {
    it(`gives ${user} no Clusters tab, and tells them at its URL that it is not for them`, async () => {
      const asUser = await apiAs(user);
      const refused = await asUser('GET', '/clusters');
      assert.ok(
        [403, 404].includes(refused.status),
        `GET /clusters as ${user}: ${refused.status}`,
      );

      // The Clusters URL first: its answer comes once the permission is
      // known (a spinner before), so the tab's absence below is not just
      // a permission still on its way.
      const { context, page } = await signedIn(user);
      await page.goto(`${BASE}/emr-on-eks/clusters`);
      await page
        .getByText(/Clusters are not available/)
        .waitFor({ timeout: UI_TIMEOUT });
      assert.equal(
        await page.getByRole('table', { name: 'Clusters' }).count(),
        0,
      );
      await shot(page, `clusters-06-${user}-not-allowed`);

      // Back to the tenants (in the app, the permission's answer kept):
      // a Tenants tab, no Clusters tab.
      await page.getByRole('link', { name: 'Show the tenants' }).click();
      await page.waitForURL(/\/emr-on-eks$/);
      await page
        .getByRole('heading', { name: 'Tenants' })
        .waitFor({ timeout: UI_TIMEOUT });
      await page.getByRole('tab', { name: 'Tenants' }).waitFor();
      assert.equal(
        await page.getByRole('tab', { name: 'Clusters' }).count(),
        0,
      );
      await shot(page, `clusters-07-${user}-tenants`);
      await context.close();
    });
  }
});
