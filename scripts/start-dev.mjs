// `npm start`: the example Backstage app and backend on local defaults, with
// no AWS account or cluster.
//
//  1. moto (the AWS emulator) on a free loopback port, with what each
//     cluster of app-config.yaml needs in its account: `shared` in moto's
//     default account, `analytics` in a second one (210987654321) reached by
//     assuming a role (examples/local/awsAccounts.mjs);
//  2. the LOCAL-ONLY stand-ins in front of it: the job-run simulator
//     (examples/local/jobRunSimulator.mjs: moto keeps runs RUNNING forever),
//     the EKS stand-in (Pod Identity, add-ons, access entries) and the STS
//     trust check (external ids) (examples/local/awsStandIns.mjs);
//  3. the example app built into examples/app/dist when that is missing or
//     older than its sources (or with --rebuild);
//  4. the example backend (examples/backend) on http://localhost:7007,
//     serving the app, with SQLite and the GitOps directory under .data/;
//  5. the example tenants onboarded as admin and a few runs submitted as the
//     teams' members (examples/local/seed.mjs; idempotent);
//  6. the URL and the example users.
//
// Options (npm start -- --reset):
//   --reset    forget the local state first (database, GitOps manifests,
//              simulated runs, projects the templates published)
//   --rebuild  build the app even if examples/app/dist is up to date
//   --no-seed  start without onboarding tenants or submitting runs
import { spawn, spawnSync } from 'node:child_process';
import {
  createWriteStream,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startAwsStandIns } from '../examples/local/awsStandIns.mjs';
import { startJobRunSimulator } from '../examples/local/jobRunSimulator.mjs';
import { createJobRunEventQueue } from '../examples/local/jobRunEvents.mjs';
import { seedExampleData } from '../examples/local/seed.mjs';
import { seedCostData } from '../examples/local/seedCosts.mjs';
import {
  readLocalClusters,
  seedClusterAccounts,
} from '../examples/local/awsAccounts.mjs';

const started = Date.now();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.join(root, '.data');
const appDir = path.join(root, 'examples/app');
const backendDir = path.join(root, 'examples/backend');
const BACKEND_URL = 'http://localhost:7007';
const args = new Set(process.argv.slice(2));
const children = [];
let simulator;
let standIns;

const seconds = () => `${Math.round((Date.now() - started) / 1000)}s`;
function log(message) {
  process.stdout.write(`[start ${seconds()}] ${message}\n`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function portIsFree(port) {
  return new Promise(resolve => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

async function waitFor(url, what, timeoutMs, accept = res => res.ok) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (accept(await fetch(url))) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} did not come up at ${url}`);
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

/** Starts a child in its own process group, so stopping it stops its children. */
function startChild(command, commandArgs, options) {
  const child = spawn(command, commandArgs, { ...options, detached: true });
  children.push(child);
  return child;
}

/** True while any process of the child's group is alive. */
function groupAlive(child) {
  try {
    process.kill(-child.pid, 0);
    return true;
  } catch {
    return false;
  }
}

let stopping = false;
/**
 * Stops every child's whole process group: SIGTERM, up to 10 s for a
 * graceful shutdown (the backend finishes its requests and tasks), then
 * SIGKILL for whatever is left, so no backend outlives `npm start` and
 * keeps writing to the database.
 */
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + 10_000;
  while (children.some(groupAlive) && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 200));
  }
  for (const child of children.filter(groupAlive)) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  await simulator?.stop();
  await standIns?.stop();
  process.exit(code);
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

/** Newest modification time of the files under the given paths. */
function newestMtime(paths) {
  let newest = 0;
  const visit = entry => {
    let stat;
    try {
      stat = statSync(entry);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const name of readdirSync(entry)) {
        if (name !== 'node_modules' && name !== 'dist') {
          visit(path.join(entry, name));
        }
      }
    } else {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  paths.forEach(visit);
  return newest;
}

/** Why the app needs a build, or undefined when examples/app/dist is current. */
function appBuildReason() {
  if (args.has('--rebuild')) return '--rebuild';
  let built;
  try {
    built = statSync(path.join(appDir, 'dist/index.html')).mtimeMs;
  } catch {
    return 'examples/app/dist is missing';
  }
  // The app and the workspace packages it bundles; configuration is not
  // built in (the backend injects it when serving the app).
  const sources = newestMtime([
    path.join(appDir, 'src'),
    path.join(appDir, 'public'),
    path.join(appDir, 'package.json'),
    path.join(root, 'plugins/emr-on-eks/src'),
    path.join(root, 'plugins/emr-on-eks/package.json'),
    path.join(root, 'plugins/emr-on-eks-common/src'),
    path.join(root, 'plugins/emr-on-eks-common/package.json'),
  ]);
  return sources > built
    ? 'its sources changed since the last build'
    : undefined;
}

// ---- checks ----

if (spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).error) {
  console.error(
    "moto_server is not installed. It emulates AWS for local runs; install it with:\n  pip install 'moto[server]'",
  );
  process.exit(1);
}
if (!(await portIsFree(7007))) {
  console.error(
    'Port 7007 is in use: is another `npm start` (or a Backstage backend) running? Stop it first.',
  );
  process.exit(1);
}

if (args.has('--reset')) {
  log(
    '--reset: forgetting the local state (database, GitOps manifests, simulated runs, published projects)',
  );
  for (const entry of [
    'sqlite',
    'gitops',
    'gitops-analytics',
    'job-run-simulator.json',
    'git',
  ]) {
    rmSync(path.join(dataDir, entry), { recursive: true, force: true });
  }
}
mkdirSync(path.join(dataDir, 'sqlite'), { recursive: true });
mkdirSync(path.join(dataDir, 'gitops'), { recursive: true });
mkdirSync(path.join(dataDir, 'gitops-analytics'), { recursive: true });

// ---- AWS: moto and the job-run simulator ----

const motoPort = await freePort();
const motoEndpoint = `http://127.0.0.1:${motoPort}`;
log(`starting moto on ${motoEndpoint}`);
const moto = startChild(
  'moto_server',
  ['-H', '127.0.0.1', '-p', String(motoPort)],
  { stdio: ['ignore', 'ignore', 'ignore'] },
);
moto.on('exit', code => {
  if (!stopping) {
    log(`moto exited (${code})`);
    stopAll(1);
  }
});

// The app build is the slow part on a cold start: run it while moto starts.
const buildReason = appBuildReason();
let appBuild = Promise.resolve();
if (buildReason) {
  log(`building the example app (${buildReason})`);
  const buildLogPath = path.join(dataDir, 'app-build.log');
  const buildLog = createWriteStream(buildLogPath, { flags: 'w' });
  appBuild = new Promise((resolve, reject) => {
    const build = startChild('npx', ['backstage-cli', 'package', 'build'], {
      cwd: appDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    build.stdout.pipe(buildLog, { end: false });
    build.stderr.pipe(buildLog, { end: false });
    build.on('exit', code =>
      code === 0
        ? resolve()
        : reject(
            new Error(
              `the app build failed (exit code ${code}); see ${path.relative(
                root,
                buildLogPath,
              )}`,
            ),
          ),
    );
  });
} else {
  log('the example app is built and up to date (examples/app/dist)');
}

await waitFor(`${motoEndpoint}/moto-api/`, 'moto', 30_000);
// The platform team owns each cluster's account, assets bucket and EKS
// cluster; locally we create them in moto, each in its account.
const clusters = readLocalClusters(path.join(root, 'app-config.yaml'));
await seedClusterAccounts({
  motoEndpoint,
  clusters,
  log: message => log(message),
});
// EMR's job-run events: the SQS queue and the EventBridge rule that fills it
// (examples/local/jobRunEvents.mjs); the backend long-polls the queue.
const eventsQueue = await createJobRunEventQueue(motoEndpoint);
log(`job-run events: EventBridge rule -> SQS ${eventsQueue.queueUrl}`);
// What moto lacks, in front of it: EKS Pod Identity, add-ons and access
// entries; the trust policies' external ids.
standIns = await startAwsStandIns({
  upstream: motoEndpoint,
  clusters,
  log: message => log(`[stand-ins] ${message}`),
});
log(
  `EKS and STS stand-ins (local only) on ${standIns.endpoint}, in front of moto`,
);
simulator = await startJobRunSimulator({
  upstream: standIns.endpoint,
  // The runs outlive a restart, as the backend's database does.
  stateFile: path.join(dataDir, 'job-run-simulator.json'),
  log: message => log(`[job-run simulator] ${message}`),
});
log(
  `job-run simulator (local only) on ${simulator.endpoint}, in front of them`,
);

try {
  await appBuild;
} catch (error) {
  console.error(String(error));
  await stopAll(1);
}
if (buildReason) log('the example app is built');

// ---- the example backend ----

const env = {
  ...process.env,
  // A local run, whatever the shell says: the dev sign-in starts only with
  // NODE_ENV development or test (and auth.environment development).
  NODE_ENV: 'development',
  EMR_ON_EKS_AWS_ENDPOINT: simulator.endpoint,
  EMR_ON_EKS_EVENTS_QUEUE_URL: eventsQueue.queueUrl,
  EMR_ON_EKS_DATA_DIR: dataDir,
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_REGION: 'us-east-1',
};
delete env.AWS_PROFILE;
delete env.AWS_SESSION_TOKEN;

const backendLogPath = path.join(dataDir, 'backend.log');
const backendLog = createWriteStream(backendLogPath, { flags: 'w' });
log(
  `starting the example backend on ${BACKEND_URL} (its log: ${path.relative(
    root,
    backendLogPath,
  )})`,
);
const backend = startChild('npx', ['backstage-cli', 'package', 'start'], {
  cwd: backendDir,
  env,
  stdio: ['ignore', 'pipe', 'pipe'],
});
// Everything goes to the log file; warnings and errors to the console too
// (a log line is `<time> <plugin> <level> <message>`, coloured).
for (const stream of [backend.stdout, backend.stderr]) {
  stream.pipe(backendLog, { end: false });
  createInterface({ input: stream }).on('line', line => {
    // eslint-disable-next-line no-control-regex
    const plain = line.replace(/\x1b\[[0-9;]*m/g, '');
    if (/^\S+ \S+ (warn|error) /.test(plain)) {
      process.stdout.write(`[backend] ${plain}\n`);
    }
  });
}
backend.on('exit', code => {
  if (!stopping) {
    log(
      `the backend exited (${code}); see ${path.relative(
        root,
        backendLogPath,
      )}`,
    );
    stopAll(code || 1);
  }
});

try {
  await waitFor(`${BACKEND_URL}/api/emr-on-eks/health`, 'the backend', 180_000);
  await waitFor(
    BACKEND_URL,
    'the app',
    30_000,
    res => res.ok && (res.headers.get('content-type') ?? '').includes('html'),
  );
} catch (error) {
  console.error(`${error}; see ${path.relative(root, backendLogPath)}`);
  await stopAll(1);
}
log('the backend is up and serving the app');

// ---- example data ----

let seeded;
if (!args.has('--no-seed')) {
  try {
    seeded = await seedExampleData({
      baseUrl: BACKEND_URL,
      log: message => log(message),
    });
  } catch (error) {
    log(`seeding the example data failed: ${error}`);
  }
  try {
    await seedCostData({
      baseUrl: BACKEND_URL,
      dataDir,
      log: message => log(message),
    });
  } catch (error) {
    log(`seeding the sample cost data failed: ${error}`);
  }
}

const runLines = seeded?.runs.length
  ? seeded.runs
      .map(run => `    ${run.tenant}  ${run.name.padEnd(22)} by ${run.user}`)
      .join('\n')
  : '    (none)';
const clusterLines = [
  '  Clusters (app-config.yaml; as admin, their checks on the Clusters tab):',
  ...clusters.map(
    c =>
      `    ${c.name.padEnd(10)} account ${c.accountId} ${c.region.padEnd(10)} ${
        c.aws.roleArn ? `assuming ${c.aws.roleArn}` : "the backend's own"
      }`,
  ),
].join('\n');
log(`ready in ${seconds()}.

  Open ${BACKEND_URL} and pick a user (local sign-in, no password):
    admin   platform admin: every tenant, onboarding, guardrails
    alice   team-a member:  team-a's tenant and runs (submit, cancel)
    carol   team-a member:  same as alice
    bob     team-b member:  team-b's tenant and runs only
    dana    team-c lead:    onboards team-c from the template (Create...)

  EMR on EKS page: ${BACKEND_URL}/emr-on-eks
${clusterLines}
  Example runs (the job-run simulator moves them PENDING -> SUBMITTED ->
  RUNNING -> COMPLETED or FAILED within about 75 s; daily-sales-backfill runs
  for an hour, so it can be cancelled):
${runLines}

  The API with curl, as any example user:
    TOKEN=$(curl -s '${BACKEND_URL}/api/auth/dev/refresh?user=alice' | jq -r .backstageIdentity.token)
    curl -s -H "Authorization: Bearer $TOKEN" ${BACKEND_URL}/api/emr-on-eks/tenants

  Local state: ${path.relative(
    root,
    dataDir,
  )}/ (SQLite, GitOps manifests in ${path.relative(
  root,
  path.join(dataDir, 'gitops'),
)} and ${path.relative(
  root,
  path.join(dataDir, 'gitops-analytics'),
)}, backend.log); npm start -- --reset starts afresh.
  Press Ctrl+C to stop.`);
