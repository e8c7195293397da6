// LOCAL ONLY: a browser check of a running `npm start`. Signs in through the
// example app's sign-in page as admin, alice and bob (Chromium, driven by
// playwright-core) and checks what each one sees: the tenants on the
// EMR on EKS page and the job-runs card on the entity pages. Before that,
// through the REST API: the clusters of app-config.yaml, the second in its
// own account, with their checks, for admin and for no one else.
//
//   npm start                                   # in one terminal
//   node examples/local/checkExampleApp.mjs     # in another
//
// Options: --url <backend url> (http://localhost:7007),
//          --screenshots <dir> (a PNG per page visited),
//          CHROMIUM=/path/to/chromium (default /usr/bin/chromium).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../e2e/stack.mjs';
import { api, signIn } from './seed.mjs';

const argv = process.argv.slice(2);
const option = name => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? argv[index + 1] : undefined;
};
const baseUrl = option('url') ?? 'http://localhost:7007';
const screenshots = option('screenshots');
if (screenshots) mkdirSync(screenshots, { recursive: true });

/** What each user must and must not see. */
const EXPECTATIONS = [
  {
    user: 'admin',
    tenants: { visible: ['team-a', 'team-b'], hidden: [] },
    entity: 'component/churn-model',
    runs: ['churn-features'],
  },
  {
    user: 'alice',
    tenants: { visible: ['team-a'], hidden: ['team-b'] },
    entity: 'component/daily-sales',
    runs: ['daily-sales'],
  },
  {
    user: 'bob',
    tenants: { visible: ['team-b'], hidden: ['team-a'] },
    entity: 'group/team-b',
    runs: ['churn-training'],
  },
];

/** A tenant's name in the tenants table (not in owner refs like group:default/team-a). */
const tenantCell = (page, tenant) =>
  page.getByRole('table').getByText(tenant, { exact: true });

let failures = 0;
function check(ok, message) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`);
  if (!ok) failures++;
}

/** What `GET /clusters` must list to admin: app-config.yaml's two clusters. */
const CLUSTERS = [
  { name: 'shared', accountId: '123456789012', region: 'us-east-1' },
  { name: 'analytics', accountId: '210987654321', region: 'eu-west-1' },
];

const asAdmin = api(baseUrl, await signIn(baseUrl, 'admin'));
const clusters = await asAdmin('GET', '/clusters');
for (const expected of CLUSTERS) {
  const found = clusters.body?.items?.find(c => c.name === expected.name);
  check(
    found?.accountId === expected.accountId &&
      found?.region === expected.region,
    `admin: the API lists cluster ${expected.name} in account ${expected.accountId} (${expected.region})`,
  );
  const credentials = found?.checks?.find(c => c.id === 'credentials');
  check(
    credentials?.status === 'pass',
    `admin: cluster ${expected.name}'s credentials check passes${
      credentials ? ` (${credentials.detail})` : ''
    }`,
  );
}
const asAlice = api(baseUrl, await signIn(baseUrl, 'alice'));
check(
  (await asAlice('GET', '/clusters')).status === 404,
  'alice: the API answers 404 for the clusters',
);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: CHROMIUM_ARGS,
});

try {
  for (const expected of EXPECTATIONS) {
    const { user } = expected;
    // A fresh context: no remembered user, no session.
    const context = await browser.newContext({
      viewport: { width: 1600, height: 1000 },
    });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', error => errors.push(String(error)));
    const shot = async name => {
      if (screenshots) {
        await page.screenshot({
          path: path.join(screenshots, `${user}-${name}.png`),
          fullPage: true,
        });
      }
    };

    await page.goto(baseUrl);
    await page.getByRole('button', { name: `Sign in as ${user}` }).click();
    const signOut = page.getByText(/^Sign out/);
    await signOut.waitFor({ timeout: 30_000 });
    check(true, `${user}: signed in through the dev sign-in page`);

    await page.goto(`${baseUrl}/emr-on-eks`);
    for (const tenant of expected.tenants.visible) {
      const seen = await tenantCell(page, tenant)
        .first()
        .waitFor({ timeout: 30_000 })
        .then(
          () => true,
          () => false,
        );
      check(seen, `${user}: the EMR on EKS page lists tenant ${tenant}`);
    }
    for (const tenant of expected.tenants.hidden) {
      const count = await tenantCell(page, tenant).count();
      check(count === 0, `${user}: the EMR on EKS page hides tenant ${tenant}`);
    }
    await shot('emr-on-eks');

    await page.goto(`${baseUrl}/catalog/default/${expected.entity}`);
    const card = page.getByText('EMR job runs').first();
    const cardSeen = await card.waitFor({ timeout: 30_000 }).then(
      () => true,
      () => false,
    );
    check(cardSeen, `${user}: ${expected.entity} shows the job-runs card`);
    for (const run of expected.runs) {
      const seen = await page
        .getByText(run, { exact: true })
        .first()
        .waitFor({ timeout: 30_000 })
        .then(
          () => true,
          () => false,
        );
      check(seen, `${user}: the card on ${expected.entity} lists run ${run}`);
    }
    await shot(expected.entity.replace('/', '-'));

    await signOut.click();
    const pickerBack = await page
      .getByRole('button', { name: 'Sign in as admin' })
      .waitFor({ timeout: 30_000 })
      .then(
        () => true,
        () => false,
      );
    check(pickerBack, `${user}: signing out returns to the user picker`);
    check(
      errors.length === 0,
      `${user}: no uncaught errors in the page${
        errors.length ? `: ${errors.join('; ')}` : ''
      }`,
    );
    await context.close();
  }
} finally {
  await browser.close();
}

console.log(failures ? `${failures} check(s) failed` : 'all checks passed');
process.exit(failures ? 1 : 0);
