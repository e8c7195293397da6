// FinOps in Chromium (issue 21): the platform admin sets team-a's monthly
// budget on the tenants page, sees it as a line on the chargeback card with
// the month's forecast and the budget's status, every tenant side by side on
// the Costs tab (with a CSV export), and a Group's tenants summed on its
// page; bob (team-b) gets no Costs tab and sees nothing of team-a's budget.
// On `npm start`'s stack, like the other suites; screenshots at 1400 and
// 390 px wide in .data/screenshots/.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  apiAs,
  launchBrowser,
  shot,
  SHOTS,
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

/** "$1,234.56" as a number. */
const money = text => Number(String(text).replace(/[^0-9.-]/g, ''));

/** How far the page scrolls sideways (0 or less: it does not). */
function sidewaysOverflow(page) {
  return page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
}

/** A phone's width: the page keeps to it, and a screenshot of it. */
async function atPhoneWidth(page, name, visible) {
  await page.setViewportSize({ width: 390, height: 844 });
  await visible().waitFor({ timeout: UI_TIMEOUT });
  const overflow = await sidewaysOverflow(page);
  assert.ok(
    overflow <= 0,
    `${name}: the page scrolls sideways by ${overflow}px`,
  );
  await shot(page, name);
  await page.setViewportSize({ width: 1400, height: 1000 });
}

/**
 * The whole page at 1400 px wide: Backstage's page scrolls inside its main
 * element, so a full-page shot of a 1000 px window stops at the window; a
 * taller window holds it all.
 */
async function tallShot(page, name, height = 2400) {
  await page.setViewportSize({ width: 1400, height });
  // The charts measure their new room.
  await page.waitForTimeout(300);
  await shot(page, name);
  await page.setViewportSize({ width: 1400, height: 1000 });
}

/** One element's screenshot: a card, readable at its real size (on a phone, where the document scrolls). */
async function shotOf(locator, name) {
  await locator.scrollIntoViewIfNeeded();
  await locator.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/**
 * The card around an element (the production build suffixes Material UI's
 * class names: `MuiCard-root-689`).
 */
function cardOf(page, inner) {
  return page.locator('[class*="MuiCard-root"]').filter({ has: inner }).last();
}

/** The chart's dashed budget lines (the billed-through line is dashed 4 2). */
function budgetLines(page) {
  return page.locator('.recharts-reference-line line[stroke-dasharray="8 4"]');
}

describe('budgets, forecast and the admin’s costs in Chromium', () => {
  it('lets the platform admin set a budget and see it on the card, the Costs tab and a Group’s page', async () => {
    const asAdmin = await apiAs('admin');
    const forecast = await asAdmin('GET', '/tenants/team-a/costs/forecast');
    assert.equal(forecast.status, 200, JSON.stringify(forecast.body));
    // A little under the forecast (the sample bill is small: two
    // significant figures): the month is at risk, or over.
    const amount = Math.max(
      1,
      Number((forecast.body.forecast.amount * 0.9).toPrecision(2)),
    );

    const { context, page } = await signedIn('admin');

    // 1. The budget, set on the tenant's detail.
    await page.goto(`${BASE}/emr-on-eks?tenant=team-a`);
    const budget = page.getByRole('region', { name: 'Budget' });
    await budget.waitFor({ timeout: UI_TIMEOUT });
    await budget
      .getByRole('button', { name: /^(Edit budget|Set a budget)$/ })
      .click({ timeout: UI_TIMEOUT });
    const form = page.getByRole('form', { name: 'Set the budget of team-a' });
    // What the API refuses is shown under its field.
    await form.getByLabel('Amount per month').fill('0');
    await form.getByRole('button', { name: 'Save budget' }).click();
    await form.getByText('must be more than 0').waitFor();
    await form.getByLabel('Amount per month').fill(String(amount));
    await form.getByLabel('Alert thresholds (%)').fill('50, 80, 100');
    await form.getByRole('button', { name: 'Save budget' }).click();
    await budget
      .getByText('The budget of team-a is saved.')
      .waitFor({ timeout: UI_TIMEOUT });
    const stored = await asAdmin('GET', '/tenants/team-a/budget');
    assert.equal(stored.status, 200);
    assert.equal(stored.body.budget.amount, amount);
    assert.deepEqual(stored.body.budget.thresholds, [50, 80, 100]);
    await tallShot(page, 'costs-01-admin-budget-set');

    // 2. The chargeback card of team-a's Group: the forecast, the status
    // in words, and the budget's line with its legend entry.
    await page.goto(`${BASE}/catalog/default/group/team-a`);
    const forecastRegion = page.getByRole('region', {
      name: 'Forecast and budget',
    });
    await forecastRegion.waitFor({ timeout: UI_TIMEOUT });
    const shown = money(
      await forecastRegion.getByTestId('forecast-amount').textContent(),
    );
    const again = await asAdmin('GET', '/tenants/team-a/costs/forecast');
    assert.equal(shown.toFixed(2), again.body.forecast.amount.toFixed(2));
    await forecastRegion
      .getByText(/^(Within budget|At risk|Over budget): \d+% of the /)
      .waitFor({ timeout: UI_TIMEOUT });
    await page
      .getByRole('list', { name: 'Chart legend' })
      .getByText(/^Budget: .* a day \(.* a month over \d+ days\)$/)
      .waitFor({ timeout: UI_TIMEOUT });
    // A horizontal line has no height: Playwright calls it hidden.
    await budgetLines(page)
      .first()
      .waitFor({ state: 'attached', timeout: UI_TIMEOUT });
    assert.equal(await budgetLines(page).count(), 1);

    // 3. The Group's tenants summed, from one request.
    const groupTotal = page.getByTestId('group-cost-total');
    await groupTotal.waitFor({ timeout: UI_TIMEOUT });
    const groupTable = page.getByRole('table', {
      name: /^Costs of .* by tenant$/,
    });
    await groupTable
      .getByRole('row', { name: /team-a/ })
      .first()
      .waitFor();
    assert.ok(money(await groupTotal.textContent()) > 0);
    await tallShot(page, 'costs-02-admin-group-team-a', 3000);
    await atPhoneWidth(
      page,
      'costs-03-admin-group-team-a-390',
      () => forecastRegion,
    );
    await page.setViewportSize({ width: 390, height: 844 });
    await shotOf(
      cardOf(page, forecastRegion),
      'costs-03b-admin-chargeback-card-390',
    );
    await shotOf(
      cardOf(page, groupTotal),
      'costs-03c-admin-group-costs-card-390',
    );
    await page.setViewportSize({ width: 1400, height: 1000 });

    // 4. The Costs tab: every tenant, idle and unallocated, the estimate's
    // error, a CSV export; a click opens the tenant.
    await page.goto(`${BASE}/emr-on-eks`);
    await page
      .getByRole('tab', { name: 'Costs' })
      .click({ timeout: UI_TIMEOUT });
    await page.waitForURL(/\/emr-on-eks\/costs/);
    const table = page.getByRole('table', { name: 'Costs by tenant' });
    await table.waitFor({ timeout: UI_TIMEOUT });
    for (const tenant of ['team-a', 'team-b']) {
      await table
        .getByRole('button', { name: `Show tenant ${tenant}` })
        .waitFor({ timeout: UI_TIMEOUT });
    }
    // The budget set above: its state once the backend's budget check has
    // run, its amount before.
    const teamA = table.getByRole('row', { name: /team-a/ });
    await teamA
      .getByText(new RegExp(`\\$${amount.toFixed(2).replace('.', '\\.')}`))
      .waitFor({ timeout: UI_TIMEOUT });
    const totals = page.getByRole('region', { name: 'Totals of the month' });
    await totals.getByText('Idle capacity').waitFor();
    await totals.getByText('Unallocated').waitFor();
    await page
      .getByText('Estimate against the bill', { exact: true })
      .first()
      .waitFor();
    await tallShot(page, 'costs-04-admin-costs-tab');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    assert.match(
      download.suggestedFilename(),
      /^costs-overview-\d{4}-\d{2}\.csv$/,
    );
    const csv = await readFile(await download.path(), 'utf8');
    assert.match(csv.split(/\r?\n/)[0], /tenant/);
    assert.match(csv, /team-a/);

    await atPhoneWidth(page, 'costs-05-admin-costs-tab-390', () => table);
    await page.setViewportSize({ width: 390, height: 844 });
    await shotOf(table, 'costs-05b-admin-costs-table-390');
    await page.setViewportSize({ width: 1400, height: 1000 });

    await table.getByRole('button', { name: 'Show tenant team-a' }).click();
    await page.waitForURL(/\/emr-on-eks\?tenant=team-a$/);
    await page
      .getByRole('region', { name: 'Budget' })
      .waitFor({ timeout: UI_TIMEOUT });
    await context.close();
  });

  it('gives bob no Costs tab and nothing of team-a’s budget', async () => {
    const asBob = await apiAs('bob');
    const overview = await asBob('GET', '/costs/overview');
    assert.ok(
      [403, 404].includes(overview.status),
      `GET /costs/overview as bob: ${overview.status}`,
    );
    const teamABudget = await asBob('GET', '/tenants/team-a/budget');
    assert.equal(teamABudget.status, 404);
    const teamAForecast = await asBob('GET', '/tenants/team-a/costs/forecast');
    assert.equal(teamAForecast.status, 404);

    const { context, page } = await signedIn('bob');
    await page.goto(`${BASE}/emr-on-eks/costs`);
    await page
      .getByText(/Costs are not available/)
      .waitFor({ timeout: UI_TIMEOUT });
    assert.equal(
      await page.getByRole('table', { name: 'Costs by tenant' }).count(),
      0,
    );
    await shot(page, 'costs-06-bob-costs-not-available');
    await page.getByRole('link', { name: 'Show the tenants' }).click();
    await page
      .getByRole('heading', { name: 'Tenants' })
      .waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await page.getByRole('tab', { name: 'Costs' }).count(), 0);

    // team-a's page: no costs, no forecast, no budget line.
    await page.goto(`${BASE}/catalog/default/group/team-a`);
    await page
      .getByText('You may not see these costs')
      .first()
      .waitFor({ timeout: UI_TIMEOUT });
    assert.equal(
      await page.getByRole('region', { name: 'Forecast and budget' }).count(),
      0,
    );
    assert.equal(await budgetLines(page).count(), 0);
    assert.equal(await page.getByText(/^Budget: /).count(), 0);
    await tallShot(page, 'costs-07-bob-group-team-a');

    // His own team's: its forecast and budget.
    await page.goto(`${BASE}/catalog/default/group/team-b`);
    await page
      .getByRole('region', { name: 'Forecast and budget' })
      .waitFor({ timeout: UI_TIMEOUT });
    await tallShot(page, 'costs-08-bob-group-team-b', 3000);
    await atPhoneWidth(page, 'costs-09-bob-group-team-b-390', () =>
      page.getByRole('region', { name: 'Forecast and budget' }),
    );
    await context.close();
  });
});
