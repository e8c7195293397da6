// LOCAL ONLY: what `npm start` puts into the example backend once it is up.
// Onboards the example tenants as the platform admin and submits a few runs
// as the teams' members, through the REST API and the local dev sign-in,
// exactly as the app's users would. Idempotent: tenants that exist are
// reconciled (moto starts empty each time, the database does not), runs
// carry idempotency keys, so a second start adds nothing.

/** The tenants of the example catalog's teams. */
export const EXAMPLE_TENANTS = [
  {
    name: 'team-a',
    owner: 'group:default/team-a',
    cluster: 'shared',
    description: 'Sales analytics: daily sales aggregates and sessionization',
    dataAccess: [
      { s3: 's3://data-lake/team-a/', access: 'read-write' },
      { s3: 's3://shared-reference/', access: 'read' },
    ],
    network: { egressCidrs: ['10.0.0.0/8'] },
    priorityTier: 'standard',
  },
  {
    name: 'team-b',
    owner: 'group:default/team-b',
    cluster: 'shared',
    description: 'Customer data science: churn features and model training',
    dataAccess: [
      { s3: 's3://data-lake/team-b/', access: 'read-write' },
      { s3: 's3://shared-reference/', access: 'read' },
    ],
    priorityTier: 'low',
  },
];

/**
 * Clusters whose platform team has applied the bootstrap bundle (Karpenter
 * node pools, storage class, priority classes): the seed writes it into
 * their GitOps directory, so the Clusters tab shows one prepared cluster
 * (`analytics`) beside one whose checks advise what to apply (`shared`).
 */
export const BOOTSTRAPPED_CLUSTERS = ['analytics'];

// `local-simulator/outcome` tells the local job-run simulator how a run ends
// (examples/local/jobRunSimulator.mjs); EMR ignores such a tag.
const OUTCOME = 'local-simulator/outcome';

/** Example runs: who submits them, to which tenant, and what they do. */
export const EXAMPLE_RUNS = [
  {
    user: 'alice',
    tenant: 'team-a',
    request: {
      name: 'daily-sales',
      entryPoint: 's3://data-lake/team-a/jobs/daily_sales.py',
      entryPointArguments: ['--date', '2026-11-21'],
      entityRef: 'component:default/daily-sales',
      idempotencyKey: 'example-daily-sales-2026-11-21',
      executor: { cores: 2, memory: '8g', minExecutors: 2, maxExecutors: 8 },
      // The simulator loses its first driver: the run shows two attempts.
      retries: 1,
      tags: { [OUTCOME]: 'COMPLETED' },
    },
  },
  {
    user: 'alice',
    tenant: 'team-a',
    request: {
      name: 'sessionization',
      entryPoint: 's3://data-lake/team-a/jars/sessionization.jar',
      mainClass: 'com.example.sessions.Sessionization',
      entryPointArguments: ['s3://data-lake/team-a/clicks/2026-11-21/'],
      entityRef: 'component:default/sessionization',
      idempotencyKey: 'example-sessionization-2026-11-21',
      tags: { [OUTCOME]: 'FAILED' },
    },
  },
  {
    user: 'carol',
    tenant: 'team-a',
    request: {
      // Runs for an hour: try cancelling it.
      name: 'daily-sales-backfill',
      entryPoint: 's3://data-lake/team-a/jobs/daily_sales.py',
      entryPointArguments: ['--from', '2026-01-01', '--to', '2026-11-20'],
      entityRef: 'component:default/daily-sales',
      idempotencyKey: 'example-daily-sales-backfill-2026',
      executor: { cores: 2, memory: '4g', minExecutors: 2, maxExecutors: 10 },
      tags: { [OUTCOME]: 'LONG' },
    },
  },
  {
    user: 'bob',
    tenant: 'team-b',
    request: {
      name: 'churn-features',
      entryPoint: 's3://data-lake/team-b/jobs/churn_features.py',
      entityRef: 'component:default/churn-model',
      idempotencyKey: 'example-churn-features-2026-w47',
      tags: { [OUTCOME]: 'COMPLETED' },
    },
  },
  {
    user: 'bob',
    tenant: 'team-b',
    request: {
      name: 'churn-training',
      entryPoint: 's3://data-lake/team-b/jobs/churn_training.py',
      entityRef: 'component:default/churn-model',
      idempotencyKey: 'example-churn-training-2026-w47',
      // Training checkpoints poorly: On-Demand executors, a fixed count.
      spot: false,
      executor: { cores: 4, memory: '16g', instances: 4 },
      tags: { [OUTCOME]: 'FAILED' },
    },
  },
];

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/**
 * A Backstage token for an example user through the dev sign-in, retried
 * until the catalog has read the user (the first seconds after start-up).
 */
export async function signIn(baseUrl, user, { timeoutMs = 120_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let problem;
    try {
      const res = await fetch(
        `${baseUrl}/api/auth/dev/refresh?user=${encodeURIComponent(user)}`,
        { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
      );
      if (res.ok) {
        return (await res.json()).backstageIdentity.token;
      }
      problem = `${res.status} ${await res.text()}`;
    } catch (error) {
      problem = String(error);
    }
    if (Date.now() > deadline) {
      throw new Error(`could not sign in as ${user}: ${problem}`);
    }
    await sleep(1000);
  }
}

/** Calls the EMR on EKS API with a user's token: `{ status, body }`. */
export function api(baseUrl, token) {
  return async (method, path, body) => {
    const res = await fetch(`${baseUrl}/api/emr-on-eks${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, body: json ?? text };
  };
}

async function waitUntilReady(call, name, log, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    const res = await call('GET', `/tenants/${name}`);
    last = res.body?.status;
    if (res.status === 200 && last?.phase === 'Ready') {
      return res.body;
    }
    if (res.status === 200 && last?.phase === 'Failed') {
      break;
    }
    await sleep(500);
  }
  const failing = (last?.steps ?? []).filter(step => step.state === 'Failed');
  log(
    `tenant ${name} is not Ready (${last?.phase ?? 'unknown'}${
      last?.message ? `: ${last.message}` : ''
    })${
      failing.length
        ? `: ${failing
            .map(step => `${step.name}: ${step.message ?? ''}`)
            .join('; ')}`
        : ''
    }`,
  );
  return undefined;
}

/**
 * Onboards (or reconciles) the example tenants as `admin`, then submits the
 * example runs as their users. Returns what it did, for the start banner.
 */
export async function seedExampleData({ baseUrl, log = () => {} }) {
  const tokens = new Map();
  const tokenOf = async user => {
    if (!tokens.has(user)) tokens.set(user, await signIn(baseUrl, user));
    return tokens.get(user);
  };
  const asAdmin = api(baseUrl, await tokenOf('admin'));

  for (const cluster of BOOTSTRAPPED_CLUSTERS) {
    const written = await asAdmin('POST', `/clusters/${cluster}/bootstrap`);
    log(
      written.status === 200
        ? `cluster ${cluster}: wrote its bootstrap bundle (${written.body.files?.length} files) into its GitOps directory`
        : `cluster ${cluster}: could not write its bootstrap bundle: ${
            written.status
          } ${JSON.stringify(written.body)}`,
    );
  }

  const tenants = [];
  for (const spec of EXAMPLE_TENANTS) {
    const existing = await asAdmin('GET', `/tenants/${spec.name}`);
    if (existing.status === 404) {
      const created = await asAdmin('POST', '/tenants', spec);
      if (created.status >= 300) {
        throw new Error(
          `onboarding ${spec.name} failed: ${created.status} ${JSON.stringify(
            created.body,
          )}`,
        );
      }
      log(`onboarding tenant ${spec.name} (as admin)`);
    } else if (existing.status === 200) {
      // moto starts empty on every start while the database is kept: the
      // reconcile recreates the tenant's AWS resources (drift repair).
      const reconciled = await asAdmin(
        'POST',
        `/tenants/${spec.name}/reconcile`,
      );
      if (reconciled.status >= 300) {
        throw new Error(
          `reconciling ${spec.name} failed: ${
            reconciled.status
          } ${JSON.stringify(reconciled.body)}`,
        );
      }
      log(`tenant ${spec.name} exists: reconciling it against the fresh moto`);
    } else {
      throw new Error(
        `reading tenant ${spec.name} failed: ${
          existing.status
        } ${JSON.stringify(existing.body)}`,
      );
    }
  }
  for (const spec of EXAMPLE_TENANTS) {
    const tenant = await waitUntilReady(asAdmin, spec.name, log, 120_000);
    tenants.push({ name: spec.name, ready: Boolean(tenant) });
    if (tenant) {
      log(
        `tenant ${spec.name} is Ready (virtual cluster ${tenant.status.virtualClusterId})`,
      );
    }
  }

  const runs = [];
  for (const { user, tenant, request } of EXAMPLE_RUNS) {
    if (!tenants.find(t => t.name === tenant)?.ready) continue;
    const asUser = api(baseUrl, await tokenOf(user));
    const res = await asUser('POST', `/tenants/${tenant}/job-runs`, request);
    if (res.status === 201) {
      log(`${user} submitted ${request.name} to ${tenant}`);
    } else if (res.status === 200) {
      log(
        `${request.name} was submitted before (idempotency key ${request.idempotencyKey}): nothing new`,
      );
    } else {
      log(
        `${user} could not submit ${request.name}: ${
          res.status
        } ${JSON.stringify(res.body)}`,
      );
      continue;
    }
    runs.push({ user, tenant, name: request.name, state: res.body.state });
  }
  return { tenants, runs };
}
