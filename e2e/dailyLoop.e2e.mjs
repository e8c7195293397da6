// A data engineer's day in Chromium (issue 19): a failed run's driver log
// and its error line, the Spark UI link, the notification of the failure,
// a state change arriving without a reload (signals), and the same
// endpoints refused to someone of another team. On `npm start`'s stack:
// the local job-run simulator writes logs to S3 in moto and publishes its
// state changes to EventBridge, whose rule fills the SQS queue the backend
// reads.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  apiAs,
  eventually,
  launchBrowser,
  shot,
  signedIn as signedInWith,
  UI_TIMEOUT,
} from './browser.mjs';
import { BASE, startStack, stopStack } from './stack.mjs';

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

/** alice's failed sessionization run, once the simulator has failed it and its logs are written. */
async function failedRun(asAlice) {
  const deadline = Date.now() + UI_TIMEOUT;
  for (;;) {
    const runs = await asAlice(
      'GET',
      '/job-runs?entityRef=component:default/sessionization&state=FAILED',
    );
    const run = runs.body.items?.[0];
    if (run) {
      const logs = await asAlice('GET', `/job-runs/${run.id}/logs`);
      if (logs.body.items?.some(s => s.role === 'driver')) {
        return { run, streams: logs.body.items };
      }
    }
    if (Date.now() > deadline) {
      throw new Error('no failed sessionization run with a driver log');
    }
    await new Promise(resolve => setTimeout(resolve, 2000));
  }
}

describe('a data engineer’s day in Chromium', () => {
  it('alice reads a failed run’s driver log at its error line, and opens its Spark UI', async () => {
    const asAlice = await apiAs('alice');
    const { run } = await failedRun(asAlice);
    const { context, page } = await signedIn('alice');
    await page.goto(
      `${BASE}/catalog/default/component/sessionization?run=${run.id}`,
    );
    const drawer = page.getByRole('dialog', { name: /sessionization/ });
    await drawer.waitFor({ timeout: UI_TIMEOUT });

    // The failure reason leads to the first error line of the driver's log.
    await drawer
      .getByRole('button', { name: 'Show the error line in the driver log' })
      .click({ timeout: UI_TIMEOUT });
    // LogViewer selects the line of the URL's `#lines-N`, and scrolls to it.
    await page.waitForURL(/#lines-\d+$/, { timeout: UI_TIMEOUT });
    const lineNumber = /#lines-(\d+)$/.exec(page.url())[1];
    const line = drawer
      .locator(`a[href="#line-${lineNumber}"]`)
      .locator('xpath=..');
    await line.waitFor({ timeout: UI_TIMEOUT });
    assert.match((await line.textContent()) ?? '', /Exception|Error/);
    await shot(page, '20-alice-driver-log-error-line');

    // The Spark UI: a new tab on the run's persistent application UI (the
    // local stand-in page on `npm start`).
    await drawer.getByRole('tab', { name: 'Overview' }).click();
    const [sparkUi] = await Promise.all([
      context.waitForEvent('page', { timeout: UI_TIMEOUT }),
      drawer.getByRole('button', { name: 'Open Spark UI' }).click(),
    ]);
    await sparkUi.waitForLoadState();
    await eventually(sparkUi, () => sparkUi.getByText(/Spark UI/i));
    assert.notEqual(sparkUi.url(), 'about:blank');
    await shot(sparkUi, '21-alice-spark-ui-stand-in');
    await sparkUi.close();

    // At 390 pixels the drawer and its log fit the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await drawer.getByRole('tab', { name: 'Logs' }).click();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    assert.ok(overflow <= 0, `the page scrolls ${overflow}px sideways`);
    await shot(page, '22-alice-driver-log-390');
    await context.close();
  });

  it('alice is notified of her failed run, with a link to it', async () => {
    const asAlice = await apiAs('alice');
    const { run } = await failedRun(asAlice);
    const { context, page } = await signedIn('alice');
    await page.goto(`${BASE}/notifications`);
    const notice = page.getByText(`Job run ${run.name} failed`);
    await eventually(page, () => notice);
    await shot(page, '23-alice-notifications');
    await notice.first().click();
    await page
      .getByRole('dialog', { name: /sessionization/ })
      .waitFor({ timeout: UI_TIMEOUT });
    assert.match(page.url(), /\?run=/);
    await context.close();
  });

  it('alice sees a run’s state change without reloading the page', async () => {
    const { context, page } = await signedIn('alice');
    const sockets = [];
    page.on('websocket', socket => sockets.push(socket.url()));
    await page.goto(`${BASE}/catalog/default/component/sessionization`);
    await page
      .getByRole('button', { name: /^Details of run sessionization/ })
      .first()
      .waitFor({ timeout: UI_TIMEOUT });

    const asAlice = await apiAs('alice');
    const name = `push-${Date.now().toString(36)}`;
    const submitted = await asAlice('POST', '/tenants/team-a/job-runs', {
      name,
      entryPoint: 's3://data-lake/team-a/jars/sessionization.jar',
      mainClass: 'com.example.sessions.Sessionization',
      entityRef: 'component:default/sessionization',
      tags: { 'local-simulator/outcome': 'COMPLETED' },
    });
    assert.equal(submitted.status, 201, JSON.stringify(submitted.body));

    // No reload from here on: the row appears, then reaches RUNNING.
    const row = page.getByRole('row', { name: new RegExp(name) });
    await row.first().waitFor({ timeout: UI_TIMEOUT });
    await row
      .filter({ hasText: 'RUNNING' })
      .first()
      .waitFor({ timeout: UI_TIMEOUT });
    assert.ok(
      sockets.some(url => url.includes('/api/signals')),
      `the page listens on signals (${sockets.join(', ') || 'no socket'})`,
    );
    await shot(page, '24-alice-state-by-push');
    await context.close();
  });

  it('bob gets 404 on the logs, Spot losses and Spark UI of team-a’s runs', async () => {
    const asAlice = await apiAs('alice');
    const { run, streams } = await failedRun(asAlice);
    const asBob = await apiAs('bob');
    for (const [method, path] of [
      ['GET', `/job-runs/${run.id}/logs`],
      ['GET', `/job-runs/${run.id}/logs/${streams[0].id}`],
      ['GET', `/job-runs/${run.id}/logs/${streams[0].id}?format=download`],
      ['GET', `/job-runs/${run.id}/spot-interruptions`],
      ['POST', `/job-runs/${run.id}/spark-ui`],
    ]) {
      const res = await asBob(method, path);
      assert.deepEqual({ path, status: res.status }, { path, status: 404 });
    }
    // And alice may read every one of them.
    for (const path of [
      `/job-runs/${run.id}/logs/${streams[0].id}`,
      `/job-runs/${run.id}/spot-interruptions`,
    ]) {
      assert.equal((await asAlice('GET', path)).status, 200, path);
    }
  });
});
