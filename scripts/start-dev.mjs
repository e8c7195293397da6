// `npm start`: the backend plugin on local defaults. Starts moto (the AWS
// emulator) on a free loopback port, creates the assets bucket there, and
// runs the plugin's dev backend with SQLite and a GitOps directory under .data/.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.join(root, '.data');
const BUCKET = 'shared-data-emr-assets';
const children = [];

function log(message) {
  process.stdout.write(`[start] ${message}\n`);
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

async function waitFor(url, what, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline)
      throw new Error(`${what} did not come up at ${url}`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

function stopAll(code) {
  for (const child of children) child.kill('SIGTERM');
  process.exit(code);
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

if (spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).error) {
  console.error(
    "moto_server is not installed. It emulates AWS for local runs; install it with:\n  pip install 'moto[server]'",
  );
  process.exit(1);
}

mkdirSync(path.join(dataDir, 'sqlite'), { recursive: true });
mkdirSync(path.join(dataDir, 'gitops'), { recursive: true });

const motoPort = await freePort();
const endpoint = `http://127.0.0.1:${motoPort}`;
log(`starting moto on ${endpoint}`);
const moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(motoPort)], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
children.push(moto);
moto.on('exit', code => {
  log(`moto exited (${code})`);
  stopAll(1);
});
await waitFor(`${endpoint}/moto-api/`, 'moto', 30_000);
// The platform team owns the assets bucket; locally we create it in moto.
await fetch(`${endpoint}/${BUCKET}`, { method: 'PUT' });

const env = {
  ...process.env,
  EMR_ON_EKS_AWS_ENDPOINT: endpoint,
  EMR_ON_EKS_DATA_DIR: dataDir,
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_REGION: 'us-east-1',
};
delete env.AWS_PROFILE;
delete env.AWS_SESSION_TOKEN;

log(
  'starting the backend (plugins/emr-on-eks-backend/dev) on http://localhost:7007',
);
const backend = spawn('npx', ['backstage-cli', 'package', 'start'], {
  cwd: path.join(root, 'plugins/emr-on-eks-backend'),
  env,
  stdio: 'inherit',
});
children.push(backend);
backend.on('exit', code => stopAll(code ?? 0));

await waitFor(
  'http://localhost:7007/api/emr-on-eks/health',
  'the backend',
  180_000,
);
log(`ready. Data in ${dataDir} (SQLite, GitOps manifests), AWS emulated by moto at ${endpoint}.

  Onboard a tenant:
    curl -s -X POST http://localhost:7007/api/emr-on-eks/tenants \\
      -H 'Content-Type: application/json' \\
      -d '{"name":"team-a","owner":"group:default/team-a","cluster":"shared",
           "dataAccess":[{"s3":"s3://data-lake/team-a/","access":"read-write"}]}'

  Watch it reconcile:   curl -s http://localhost:7007/api/emr-on-eks/tenants/team-a
  List tenants:         curl -s http://localhost:7007/api/emr-on-eks/tenants
  Audit trail:          curl -s http://localhost:7007/api/emr-on-eks/tenants/team-a/audit
  Manifests written:    ls -R ${path.join(dataDir, 'gitops')}
  Offboard:             curl -s -X DELETE http://localhost:7007/api/emr-on-eks/tenants/team-a

Press Ctrl+C to stop.`);
