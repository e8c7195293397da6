import { execFile, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { spec } from '../../__testUtils__/fixtures';
import type { GitRepositorySettings } from '../../config';
import { clusterPriorityClasses, tenantObjects } from '../../domain/kubernetes';
import { NotManagedError } from '../errors';
import { GitRepositoryKubernetesGateway } from './GitRepositoryKubernetesGateway';

jest.setTimeout(60_000);

const run = promisify(execFile);

/** A person's git, for setting up and reading the remotes. */
async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, {
    cwd,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Alice Admin',
      GIT_AUTHOR_EMAIL: 'alice@example.com',
      GIT_COMMITTER_NAME: 'Alice Admin',
      GIT_COMMITTER_EMAIL: 'alice@example.com',
      LC_ALL: 'C',
    },
  });
  return stdout;
}

async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'emr-gitrepo-'));
}

/** A bare repository on disk and its `file://` URL. */
async function bareRepository(): Promise<{ dir: string; url: string }> {
  const dir = path.join(await tempDir(), 'remote.git');
  await run('git', ['init', '--quiet', '--bare', '--initial-branch=main', dir]);
  return { dir, url: `file://${dir}` };
}

/** Commits `files` to `branch` of the remote as a person would, and pushes. */
async function commitByHand(
  url: string,
  files: Record<string, string>,
  message: string,
  branch = 'main',
): Promise<void> {
  const clone = path.join(await tempDir(), 'clone');
  await git(os.tmpdir(), 'clone', '--quiet', url, clone);
  await git(clone, 'checkout', '--quiet', '-B', branch);
  for (const [file, body] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(clone, file)), { recursive: true });
    await fs.writeFile(path.join(clone, file), body);
  }
  await git(clone, 'add', '--all');
  await git(clone, 'commit', '--quiet', '-m', message);
  await git(clone, 'push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`);
}

/** Subjects of the branch's commits, newest first ([] when it is absent). */
async function subjects(bare: string, branch = 'main'): Promise<string[]> {
  const exists = await git(bare, 'branch', '--list', branch);
  return exists.trim()
    ? (await git(bare, 'log', '--format=%s', branch)).trim().split('\n')
    : [];
}

async function filesOf(bare: string, branch = 'main'): Promise<string[]> {
  return (await git(bare, 'ls-tree', '-r', '--name-only', branch))
    .trim()
    .split('\n');
}

async function fileAt(bare: string, file: string, branch = 'main') {
  return git(bare, 'show', `${branch}:${file}`);
}

function settings(
  url: string,
  workdir: string,
  overrides: Partial<GitRepositorySettings> = {},
): GitRepositorySettings {
  return {
    url,
    branch: 'main',
    path: '.',
    author: { name: 'Backstage EMR on EKS', email: 'emr@example.com' },
    workdir,
    maxPushAttempts: 5,
    timeoutSeconds: 30,
    ...overrides,
  };
}

/** A gateway with its own clone, as one backend replica has. */
async function replica(
  url: string,
  overrides: Partial<GitRepositorySettings> = {},
  beforePush?: (attempt: number) => Promise<void>,
) {
  const workdir = path.join(await tempDir(), 'clone');
  return GitRepositoryKubernetesGateway.create({
    repository: settings(url, workdir, overrides),
    beforePush,
  });
}

/** Resolves for every caller once `parties` callers are waiting. */
function barrier(parties: number): () => Promise<void> {
  let waiting = 0;
  let release!: () => void;
  const all = new Promise<void>(resolve => {
    release = resolve;
  });
  return () => {
    waiting += 1;
    if (waiting === parties) {
      release();
    }
    return all;
  };
}

const objectsOf = (name: string) => tenantObjects(spec({ name }));

describe('GitRepositoryKubernetesGateway', () => {
  it('commits and pushes the first apply under path, leaving the rest of the repository alone', async () => {
    const remote = await bareRepository();
    await commitByHand(
      remote.url,
      { 'README.md': '# platform\n', 'apps/other.yaml': 'kind: Other\n' },
      'initial',
    );
    const gateway = await replica(remote.url, { path: 'clusters/shared' });

    const changes = await gateway.applyTenantObjects(
      'team-a',
      tenantObjects(spec()),
      { tenant: 'team-a', generation: 3 },
    );

    expect(changes).toContain('wrote tenants/team-a/00-namespace-team-a.yaml');
    expect(changes[changes.length - 1]).toMatch(
      new RegExp(
        `^pushed [0-9a-f]{12} to ${remote.url} \\(branch main, path clusters/shared\\)$`,
      ),
    );
    expect(await subjects(remote.dir)).toEqual([
      'emr-on-eks: apply tenant team-a (generation 3)',
      'initial',
    ]);
    const author = await git(remote.dir, 'log', '-1', '--format=%an <%ae>');
    expect(author.trim()).toBe('Backstage EMR on EKS <emr@example.com>');
    // The body lists what the commit changed.
    const body = await git(remote.dir, 'log', '-1', '--format=%b');
    expect(body).toContain('wrote tenants/team-a/00-namespace-team-a.yaml');
    expect(await filesOf(remote.dir)).toEqual([
      'README.md',
      'apps/other.yaml',
      'clusters/shared/kustomization.yaml',
      'clusters/shared/tenants/team-a/00-namespace-team-a.yaml',
      'clusters/shared/tenants/team-a/01-resourcequota-emr-on-eks-quota.yaml',
      'clusters/shared/tenants/team-a/02-limitrange-emr-on-eks-limits.yaml',
      'clusters/shared/tenants/team-a/03-networkpolicy-default-deny-all.yaml',
      'clusters/shared/tenants/team-a/04-networkpolicy-allow-emr-on-eks-traffic.yaml',
      'clusters/shared/tenants/team-a/05-role-emr-containers.yaml',
      'clusters/shared/tenants/team-a/06-rolebinding-emr-containers.yaml',
      'clusters/shared/tenants/team-a/07-resourcequota-emr-on-eks-priority-guard.yaml',
      'clusters/shared/tenants/team-a/kustomization.yaml',
    ]);
    expect(
      parse(await fileAt(remote.dir, 'clusters/shared/kustomization.yaml')),
    ).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['tenants/team-a'],
    });

    // The shared objects are a commit of their own, naming the reconcile.
    await gateway.applyClusterObjects(clusterPriorityClasses(), {
      tenant: 'team-a',
      generation: 3,
    });
    expect((await subjects(remote.dir))[0]).toBe(
      'emr-on-eks: apply shared cluster objects for tenant team-a (generation 3)',
    );
    expect(
      parse(await fileAt(remote.dir, 'clusters/shared/kustomization.yaml'))
        .resources,
    ).toEqual(['cluster', 'tenants/team-a']);
  });

  it('creates the branch on an empty remote', async () => {
    const remote = await bareRepository();
    const gateway = await replica(remote.url, { branch: 'gitops/emr' });
    await gateway.applyTenantObjects('team-a', tenantObjects(spec()));
    expect(await subjects(remote.dir, 'gitops/emr')).toEqual([
      'emr-on-eks: apply tenant team-a',
    ]);
    expect(await subjects(remote.dir, 'main')).toEqual([]);
    expect(await filesOf(remote.dir, 'gitops/emr')).toContain(
      'tenants/team-a/kustomization.yaml',
    );
  });

  it('makes no commit when nothing changed, and one per real change', async () => {
    const remote = await bareRepository();
    const gateway = await replica(remote.url);
    await gateway.applyTenantObjects('team-a', tenantObjects(spec()), {
      generation: 1,
    });
    const head = await git(remote.dir, 'rev-parse', 'main');

    expect(
      await gateway.applyTenantObjects('team-a', tenantObjects(spec()), {
        generation: 1,
      }),
    ).toEqual([]);
    // Another replica, with a fresh clone, sees nothing to change either.
    const other = await replica(remote.url);
    expect(
      await other.applyTenantObjects('team-a', tenantObjects(spec())),
    ).toEqual([]);
    expect(await git(remote.dir, 'rev-parse', 'main')).toBe(head);

    const changes = await gateway.applyTenantObjects(
      'team-a',
      tenantObjects(spec({ quota: { pods: '300' } })),
      { tenant: 'team-a', generation: 2 },
    );
    expect(changes[0]).toBe(
      'wrote tenants/team-a/01-resourcequota-emr-on-eks-quota.yaml',
    );
    expect(await subjects(remote.dir)).toEqual([
      'emr-on-eks: apply tenant team-a (generation 2)',
      'emr-on-eks: apply tenant team-a (generation 1)',
    ]);
    expect(
      (await git(remote.dir, 'show', '--format=', '--name-only', 'main'))
        .trim()
        .split('\n'),
    ).toEqual(['tenants/team-a/01-resourcequota-emr-on-eks-quota.yaml']);
  });

  it('removes a tenant in one commit, and makes none when it is already gone', async () => {
    const remote = await bareRepository();
    const gateway = await replica(remote.url);
    await gateway.applyTenantObjects('team-a', objectsOf('team-a'));
    await gateway.applyTenantObjects('team-b', objectsOf('team-b'));

    const changes = await gateway.deleteTenantObjects('team-a');
    expect(changes.slice(0, 2)).toEqual([
      'removed tenants/team-a/',
      'wrote kustomization.yaml',
    ]);
    expect((await subjects(remote.dir))[0]).toBe(
      'emr-on-eks: remove tenant team-a',
    );
    expect(
      (await filesOf(remote.dir)).filter(f => f.startsWith('tenants/team-a')),
    ).toEqual([]);
    expect(parse(await fileAt(remote.dir, 'kustomization.yaml'))).toEqual(
      expect.objectContaining({ resources: ['tenants/team-b'] }),
    );

    const head = await git(remote.dir, 'rev-parse', 'main');
    expect(await gateway.deleteTenantObjects('team-a')).toEqual([]);
    expect(await git(remote.dir, 'rev-parse', 'main')).toBe(head);
  });

  it('refuses a tenant directory in the repository it did not write, committing nothing', async () => {
    const remote = await bareRepository();
    await commitByHand(
      remote.url,
      {
        'tenants/team-a/namespace.yaml':
          'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n  labels:\n    owner: platform\n',
      },
      'hand-made team-a',
    );
    const head = await git(remote.dir, 'rev-parse', 'main');
    const gateway = await replica(remote.url);

    const attempt = gateway.applyTenantObjects('team-a', tenantObjects(spec()));
    await expect(attempt).rejects.toBeInstanceOf(NotManagedError);
    // The message names the repository, not the plugin's clone.
    await expect(attempt).rejects.toThrow(
      `tenants/team-a/ in ${remote.url} (branch main) exists but is not managed by this plugin for tenant team-a`,
    );
    await expect(gateway.deleteTenantObjects('team-a')).rejects.toBeInstanceOf(
      NotManagedError,
    );
    expect(await git(remote.dir, 'rev-parse', 'main')).toBe(head);
    // What the refused attempt wrote in the clone never reaches a later commit.
    await gateway.applyTenantObjects('team-b', objectsOf('team-b'));
    expect(
      (await filesOf(remote.dir)).filter(f => f.startsWith('tenants/team-a')),
    ).toEqual(['tenants/team-a/namespace.yaml']);
  });

  it('starts from the remote whatever its clone holds: junk, a stale index lock, or nothing', async () => {
    const remote = await bareRepository();
    const gateway = await replica(remote.url);
    await gateway.applyTenantObjects('team-a', objectsOf('team-a'));
    await fs.writeFile(path.join(gateway.workdir, 'junk.yaml'), 'kind: Junk\n');
    await fs.writeFile(
      path.join(gateway.workdir, 'tenants/team-a/kustomization.yaml'),
      'edited by hand\n',
    );
    await fs.writeFile(path.join(gateway.workdir, '.git/index.lock'), '');

    await gateway.applyTenantObjects('team-b', objectsOf('team-b'));
    let files = await filesOf(remote.dir);
    expect(files).not.toContain('junk.yaml');
    expect(
      await fileAt(remote.dir, 'tenants/team-a/kustomization.yaml'),
    ).not.toContain('edited by hand');

    await fs.rm(gateway.workdir, { recursive: true, force: true });
    await gateway.applyTenantObjects('team-c', objectsOf('team-c'));
    files = await filesOf(remote.dir);
    expect(files).toContain('tenants/team-c/kustomization.yaml');
    expect(await subjects(remote.dir)).toHaveLength(3);
  });

  it('keeps its clone under the OS temporary directory by default', () => {
    const gateway = GitRepositoryKubernetesGateway.create({
      repository: {
        ...settings('https://git.example.com/a.git', ''),
        workdir: undefined,
      },
    });
    expect(
      gateway.workdir.startsWith(path.join(os.tmpdir(), 'emr-on-eks-gitops')),
    ).toBe(true);
  });

  describe('replicas with their own clones', () => {
    it('both land when two replicas push at once: the loser fetches, applies again and pushes', async () => {
      const remote = await bareRepository();
      // Both commit on the same tip before either pushes.
      const bothCommitted = barrier(2);
      const beforePush = (attempt: number) =>
        attempt === 1 ? bothCommitted() : Promise.resolve();
      const first = await replica(remote.url, {}, beforePush);
      const second = await replica(remote.url, {}, beforePush);

      const [a, b] = await Promise.all([
        first.applyTenantObjects('team-a', objectsOf('team-a'), {
          generation: 1,
        }),
        second.applyTenantObjects('team-b', objectsOf('team-b'), {
          generation: 4,
        }),
      ]);

      const pushes = [a, b].map(changes => changes[changes.length - 1]);
      expect(
        pushes.filter(p =>
          p.endsWith('(attempt 2: another writer pushed first)'),
        ),
      ).toHaveLength(1);
      expect((await subjects(remote.dir)).sort()).toEqual([
        'emr-on-eks: apply tenant team-a (generation 1)',
        'emr-on-eks: apply tenant team-b (generation 4)',
      ]);
      expect(
        parse(await fileAt(remote.dir, 'kustomization.yaml')).resources,
      ).toEqual(['tenants/team-a', 'tenants/team-b']);
      const files = await filesOf(remote.dir);
      for (const tenant of ['team-a', 'team-b']) {
        expect(files).toContain(
          `tenants/${tenant}/00-namespace-${tenant}.yaml`,
        );
      }
    });

    it('converge when several applies and a delete race over two replicas', async () => {
      const remote = await bareRepository();
      const first = await replica(remote.url);
      const second = await replica(remote.url);
      await first.applyTenantObjects('team-gone', objectsOf('team-gone'));
      const tenants = [
        'team-0',
        'team-1',
        'team-2',
        'team-3',
        'team-4',
        'team-5',
      ];

      await Promise.all([
        ...tenants.map((tenant, index) =>
          (index % 2 ? first : second).applyTenantObjects(
            tenant,
            objectsOf(tenant),
          ),
        ),
        first.applyClusterObjects(clusterPriorityClasses()),
        second.deleteTenantObjects('team-gone'),
      ]);

      expect(
        parse(await fileAt(remote.dir, 'kustomization.yaml')).resources,
      ).toEqual(['cluster', ...tenants.map(t => `tenants/${t}`)]);
      // One commit per call that changed something, none lost or doubled.
      expect(await subjects(remote.dir)).toHaveLength(1 + tenants.length + 2);
    });

    it('gives up after maxPushAttempts when the branch moves before every push', async () => {
      const remote = await bareRepository();
      await commitByHand(remote.url, { 'README.md': 'x\n' }, 'initial');
      // Each push finds the branch moved on by someone else, and is refused.
      const counter = path.join(path.dirname(remote.dir), 'pushes');
      await fs.writeFile(
        path.join(remote.dir, 'hooks', 'pre-receive'),
        `#!/bin/sh
unset GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES
echo push >> '${counter}'
export GIT_AUTHOR_NAME=bob GIT_AUTHOR_EMAIL=bob@example.com GIT_COMMITTER_NAME=bob GIT_COMMITTER_EMAIL=bob@example.com
moved=$(git commit-tree -p refs/heads/main -m 'someone else' 'refs/heads/main^{tree}')
git update-ref refs/heads/main "$moved"
exit 1
`,
        { mode: 0o755 },
      );
      const gateway = await replica(remote.url, { maxPushAttempts: 3 });

      await expect(
        gateway.applyTenantObjects('team-a', objectsOf('team-a'), {
          generation: 2,
        }),
      ).rejects.toThrow(
        `${remote.url} (branch main): gave up after 3 push attempts, another writer pushed to main first each time; "emr-on-eks: apply tenant team-a (generation 2)" was not pushed, the next reconcile tries again`,
      );
      expect((await fs.readFile(counter, 'utf8')).split('\n')).toHaveLength(4);
      expect(await subjects(remote.dir)).toEqual([
        'someone else',
        'someone else',
        'someone else',
        'initial',
      ]);
    });

    it('fails at once when the server refuses a push without the branch moving', async () => {
      const remote = await bareRepository();
      const counter = path.join(path.dirname(remote.dir), 'pushes');
      await fs.writeFile(
        path.join(remote.dir, 'hooks', 'pre-receive'),
        `#!/bin/sh\necho push >> '${counter}'\necho 'main is protected' >&2\nexit 1\n`,
        { mode: 0o755 },
      );
      const gateway = await replica(remote.url);

      const attempt = gateway.applyTenantObjects('team-a', objectsOf('team-a'));
      await expect(attempt).rejects.toThrow(
        `${remote.url} (branch main): git push failed (exit 1)`,
      );
      await expect(attempt).rejects.toThrow('main is protected');
      await expect(attempt).rejects.toThrow(
        'The server refused the push (a protected branch or a server hook?)',
      );
      expect(await fs.readFile(counter, 'utf8')).toBe('push\n');
      expect(await subjects(remote.dir)).toEqual([]);
    });
  });

  describe('over HTTP with git http-backend', () => {
    const username = 'emr-bot';
    const token = 'glpat-s3cr3t-T0KEN-value';
    let server: http.Server;
    let root: string;
    let baseUrl: string;
    const requests: string[] = [];

    beforeAll(async () => {
      root = await tempDir();
      const expected = `Basic ${Buffer.from(`${username}:${token}`).toString(
        'base64',
      )}`;
      server = http.createServer((req, res) => {
        requests.push(`${req.method} ${req.url}`);
        if (req.headers.authorization !== expected) {
          req.resume();
          res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' });
          res.end();
          return;
        }
        serveGit(root, username, req, res);
      });
      await new Promise<void>(resolve =>
        server.listen(0, '127.0.0.1', resolve),
      );
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(() => new Promise<void>(resolve => server.close(() => resolve())));

    async function httpRemote(name: string) {
      const dir = path.join(root, `${name}.git`);
      await run('git', [
        'init',
        '--quiet',
        '--bare',
        '--initial-branch=main',
        dir,
      ]);
      await git(dir, 'config', 'http.receivepack', 'true');
      return { dir, url: `${baseUrl}/${name}.git` };
    }

    it('pushes with the token from auth, which lands nowhere in the clone', async () => {
      const remote = await httpRemote('ok');
      const gateway = await replica(remote.url, {
        auth: { username, token },
      });
      await gateway.applyTenantObjects('team-a', objectsOf('team-a'), {
        generation: 1,
      });
      await gateway.applyTenantObjects('team-b', objectsOf('team-b'), {
        generation: 1,
      });

      expect(await subjects(remote.dir)).toEqual([
        'emr-on-eks: apply tenant team-b (generation 1)',
        'emr-on-eks: apply tenant team-a (generation 1)',
      ]);
      expect(requests).toContainEqual(
        expect.stringMatching(/^POST \/ok\.git\/git-receive-pack/),
      );
      const config = await fs.readFile(
        path.join(gateway.workdir, '.git', 'config'),
        'utf8',
      );
      expect(config).toContain(`url = ${remote.url}`);
      expect(config).not.toContain(token);
      expect(config).not.toContain('Authorization');
    });

    it('fails clearly with a wrong token, never showing it', async () => {
      const remote = await httpRemote('denied');
      const wrong = 'glpat-wr0ng-T0KEN-value';
      const gateway = await replica(remote.url, {
        auth: { username, token: wrong },
      });

      const error = await gateway
        .applyTenantObjects('team-a', objectsOf('team-a'))
        .then(
          () => undefined,
          (e: Error) => e,
        );
      expect(error?.message).toContain(`${remote.url} (branch main): git`);
      expect(error?.message).toContain(
        'Authentication failed: check that kubernetes.repository.auth.token is valid and may push to the branch',
      );
      const shown = `${error?.message} ${
        (error as { stderr?: string }).stderr
      }`;
      expect(shown).not.toContain(wrong);
      expect(shown).not.toContain(
        Buffer.from(`${username}:${wrong}`).toString('base64'),
      );
      expect(await subjects(remote.dir)).toEqual([]);
    });

    it('fails clearly without credentials', async () => {
      const remote = await httpRemote('anonymous');
      const gateway = await replica(remote.url);
      await expect(
        gateway.applyTenantObjects('team-a', objectsOf('team-a')),
      ).rejects.toThrow(
        'Authentication failed: set kubernetes.repository.auth (https) or give the backend SSH access (ssh)',
      );
    });
  });
});

/**
 * Serves one request with `git http-backend` as a CGI program: the request
 * as environment and standard input, its output as status, headers and body.
 */
function serveGit(
  root: string,
  user: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const child = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
      HTTP_GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      REMOTE_USER: user,
      REMOTE_ADDR: '127.0.0.1',
    },
  });
  req.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let started = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (started) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) {
      return;
    }
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') {
        status = parseInt(value, 10);
      } else {
        headers[name] = value;
      }
    }
    res.writeHead(status, headers);
    started = true;
    res.write(head.subarray(end + 4));
  });
  child.stdout.on('end', () => res.end());
  child.on('error', () => {
    res.writeHead(500);
    res.end();
  });
}
