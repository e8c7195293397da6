import type { LoggerService } from '@backstage/backend-plugin-api';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ClusterBootstrapFile } from '@spot-spark/plugin-emr-on-eks-common';
import type { GitRepositorySettings } from '../../config';
import type { ClusterKubernetesState } from '../../domain/clusters/preflight';
import type { KubernetesObject } from '../../domain/kubernetes';
import { withLockFile, withProcessLock } from './directoryLock';
import { GitError } from '../errors';
import { basicAuth, Git } from './git';
import { DirectoryKubernetesGateway } from './DirectoryKubernetesGateway';
import type {
  KubernetesChangeContext,
  KubernetesGateway,
} from './KubernetesGateway';

/** Files the directory gateway may leave behind; never committed. */
const EXCLUDED = ['.emr-on-eks.lock', '.*.tmp'];

export interface GitRepositoryKubernetesGatewayOptions {
  repository: GitRepositorySettings;
  logger?: Pick<LoggerService, 'info' | 'warn'>;
  /**
   * Runs after each commit, before its push (`attempt` counts from 1). For
   * tests, which use it to make replicas race deterministically.
   */
  beforePush?: (attempt: number) => Promise<void>;
}

/**
 * GitOps into a Git repository: the kustomization layout of
 * {@link DirectoryKubernetesGateway}, written under `path` of a branch and
 * pushed, for Argo CD or Flux to read.
 *
 * Each call runs whole under a mutex on the plugin's own clone (`workdir`):
 * in the process, {@link withProcessLock} keyed by the clone; across
 * processes on one machine, the lock file `<workdir>.lock`. Under it:
 *
 * 1. bring the clone to the remote branch: `ls-remote`, fetch when the tip
 *    moved, hard reset and clean (a missing branch starts as a new, empty
 *    history, created by the first push);
 * 2. write with the directory gateway (same files, same ownership checks: a
 *    tenant directory that is not this plugin's throws `NotManagedError`
 *    and nothing is committed);
 * 3. when files changed, make one commit, `emr-on-eks: apply tenant team-a
 *    (generation 3)` or `emr-on-eks: remove tenant team-a`, listing the
 *    files in its body, and push it without force;
 * 4. when the push fails and the branch has moved meanwhile (another replica
 *    pushed first), start again from 1 on the new tip, at most
 *    `maxPushAttempts` times in all; when it fails and the branch has not
 *    moved (authentication, a protected branch, a hook), fail at once.
 *
 * A call that changes nothing makes no commit. Replicas with separate
 * clones serialise through the push alone, so the shared files (the root
 * kustomization, `cluster/`) are always rebuilt on the tip they land on.
 *
 * Credentials: `auth.token` goes to git as an HTTP header through the
 * environment (`GIT_CONFIG_*`), never in the URL, a command line, the
 * clone's configuration or an error message.
 */
export class GitRepositoryKubernetesGateway implements KubernetesGateway {
  static create(
    options: GitRepositoryKubernetesGatewayOptions,
  ): GitRepositoryKubernetesGateway {
    return new GitRepositoryKubernetesGateway(options);
  }

  /** The plugin's clone of the repository. */
  readonly workdir: string;
  private readonly repository: GitRepositorySettings;
  private readonly git: Git;
  private readonly directory: DirectoryKubernetesGateway;

  private constructor(
    private readonly options: GitRepositoryKubernetesGatewayOptions,
  ) {
    const repository = options.repository;
    this.repository = repository;
    this.workdir = path.resolve(
      repository.workdir ?? defaultWorkdir(repository.url, repository.branch),
    );
    const auth = repository.auth
      ? basicAuth(repository.url, repository.auth)
      : { config: {}, secrets: [] };
    this.git = new Git({
      cwd: this.workdir,
      timeoutMs: repository.timeoutSeconds * 1000,
      config: {
        'commit.gpgSign': 'false',
        'core.autocrlf': 'false',
        ...auth.config,
      },
      env: {
        GIT_AUTHOR_NAME: repository.author.name,
        GIT_AUTHOR_EMAIL: repository.author.email,
        GIT_COMMITTER_NAME: repository.author.name,
        GIT_COMMITTER_EMAIL: repository.author.email,
      },
      secrets: auth.secrets,
    });
    this.directory = DirectoryKubernetesGateway.create({
      directory: path.join(this.workdir, repository.path),
    });
  }

  applyClusterObjects(
    objects: KubernetesObject[],
    context: KubernetesChangeContext = {},
  ): Promise<string[]> {
    const about = context.tenant
      ? ` for tenant ${context.tenant}${generationOf(context)}`
      : '';
    return this.change(`emr-on-eks: apply shared cluster objects${about}`, () =>
      this.directory.applyClusterObjects(objects),
    );
  }

  applyTenantObjects(
    tenant: string,
    objects: KubernetesObject[],
    context: KubernetesChangeContext = {},
  ): Promise<string[]> {
    return this.change(
      `emr-on-eks: apply tenant ${tenant}${generationOf(context)}`,
      () => this.directory.applyTenantObjects(tenant, objects),
    );
  }

  deleteTenantObjects(tenant: string): Promise<string[]> {
    return this.change(`emr-on-eks: remove tenant ${tenant}`, () =>
      this.directory.deleteTenantObjects(tenant),
    );
  }

  /**
   * The preflight's view: what the branch's tip declares under `path` (the
   * clone brought to the tip first, under the clone's lock).
   */
  readClusterState(): Promise<ClusterKubernetesState> {
    return this.locked(async () => {
      await this.checkout();
      return this.inRepository(() => this.directory.readClusterState());
    });
  }

  /**
   * Commits the bootstrap bundle under `<path>/bootstrap/` and pushes it
   * (`emr-on-eks: write the cluster bootstrap bundle`, naming who asked);
   * nothing is committed when the files are already as rendered.
   */
  async writeClusterBundle(
    files: ClusterBootstrapFile[],
    context: KubernetesChangeContext = {},
  ): Promise<{ writtenTo: string; changes: string[] }> {
    let writtenTo = '';
    const changes = await this.change(
      `emr-on-eks: write the cluster bootstrap bundle${
        context.actor ? ` (asked by ${context.actor})` : ''
      }`,
      async () => {
        const written = await this.directory.writeClusterBundle(files);
        writtenTo = written.writtenTo;
        return written.changes;
      },
    );
    const { path: dir } = this.repository;
    return {
      // path.posix.join keeps the trailing slash of `bootstrap/`.
      writtenTo: dir === '.' ? writtenTo : path.posix.join(dir, writtenTo),
      changes,
    };
  }

  /** `https://… (branch main, path clusters/a)`, for messages. */
  private get where(): string {
    const { url, branch, path: dir } = this.repository;
    return `${url} (branch ${branch}${dir === '.' ? '' : `, path ${dir}`})`;
  }

  private change(
    subject: string,
    write: () => Promise<string[]>,
  ): Promise<string[]> {
    return this.locked(() => this.commitAndPush(subject, write));
  }

  /** Runs `work` holding the clone (in the process and across processes). */
  private async locked<T>(work: () => Promise<T>): Promise<T> {
    await fs.mkdir(path.dirname(this.workdir), { recursive: true });
    // Not keyed by the bare path: the directory gateway, run inside, locks
    // that (when `path` is `.`).
    return withProcessLock(`git:${this.workdir}`, () =>
      withLockFile(`${this.workdir}.lock`, work),
    );
  }

  private async commitAndPush(
    subject: string,
    write: () => Promise<string[]>,
  ): Promise<string[]> {
    const { branch, maxPushAttempts } = this.repository;
    for (let attempt = 1; ; attempt++) {
      const base = await this.checkout();
      const changes = await this.inRepository(write);
      if (changes.length === 0) {
        return [];
      }
      await this.run(['add', '--all', '--', this.repository.path]);
      const status = await this.run(['status', '--porcelain']);
      if (status.stdout.trim() === '') {
        return [];
      }
      await this.run([
        'commit',
        '--quiet',
        '--no-verify',
        '-m',
        subject,
        '-m',
        changes.join('\n'),
      ]);
      const head = (await this.run(['rev-parse', 'HEAD'])).stdout.trim();
      await this.options.beforePush?.(attempt);
      let failure: GitError;
      try {
        await this.run([
          'push',
          '--no-verify',
          'origin',
          `HEAD:refs/heads/${branch}`,
        ]);
        return [...changes, this.pushed(head, attempt)];
      } catch (error) {
        if (!(error instanceof GitError)) {
          throw error;
        }
        failure = error;
      }
      // Was it a race? Only if the branch moved since it was read.
      const tip = await this.remoteTip().catch(() => {
        throw failure;
      });
      if (tip === head) {
        // The push landed; only its report was lost.
        return [...changes, this.pushed(head, attempt)];
      }
      // A push that lost the ref lock to another push in flight is a race
      // too, even if that push had not finished when the tip was read.
      if (
        tip === base &&
        !/cannot lock ref|failed to update ref|incorrect old value/.test(
          failure.stderr,
        )
      ) {
        throw failure;
      }
      if (attempt >= maxPushAttempts) {
        throw new Error(
          `${this.where}: gave up after ${attempt} push attempts, another writer pushed to ${branch} first each time; "${subject}" was not pushed, the next reconcile tries again`,
        );
      }
      this.options.logger?.warn(
        `${
          this.where
        }: push of "${subject}" rejected, another writer pushed first; applying again on the new tip (attempt ${
          attempt + 1
        } of ${maxPushAttempts})`,
      );
    }
  }

  private pushed(head: string, attempt: number): string {
    const line = `pushed ${head.slice(0, 12)} to ${this.where}${
      attempt > 1 ? ` (attempt ${attempt}: another writer pushed first)` : ''
    }`;
    this.options.logger?.info(line);
    return line;
  }

  /**
   * Makes the clone an exact copy of the remote branch (or of an empty
   * history when the branch does not exist yet) and returns the tip it is
   * on, undefined for none.
   */
  private async checkout(): Promise<string | undefined> {
    await this.prepare();
    const { branch } = this.repository;
    const tracking = `refs/remotes/origin/${branch}`;
    const tip = await this.remoteTip();
    if (tip === undefined) {
      await this.run(['update-ref', '-d', tracking]);
      await this.run(['symbolic-ref', 'HEAD', `refs/heads/${branch}`]);
      await this.run(['update-ref', '-d', `refs/heads/${branch}`]);
      await this.run(['read-tree', '--empty']);
      await this.run(['clean', '-q', '-ffdx']);
      return undefined;
    }
    const local = await this.run(
      ['rev-parse', '-q', '--verify', `${tracking}^{commit}`],
      [1],
    );
    if (local.stdout.trim() !== tip) {
      await this.run([
        'fetch',
        '--quiet',
        '--no-tags',
        'origin',
        `+refs/heads/${branch}:${tracking}`,
      ]);
    }
    await this.run(['checkout', '--quiet', '--force', '-B', branch, tracking]);
    await this.run(['clean', '-q', '-ffdx']);
    return (await this.run(['rev-parse', 'HEAD'])).stdout.trim();
  }

  /** The remote branch's commit, or undefined when it does not exist. */
  private async remoteTip(): Promise<string | undefined> {
    const ref = `refs/heads/${this.repository.branch}`;
    const { stdout } = await this.run(['ls-remote', 'origin', ref]);
    return stdout
      .split('\n')
      .map(line => line.split('\t'))
      .find(([, name]) => name === ref)?.[0];
  }

  /**
   * Makes `workdir` a repository whose `origin` is the configured URL:
   * created when missing or unusable; a lock left by a git killed mid-way
   * is removed (no git of ours runs meanwhile: the caller holds the locks).
   */
  private async prepare(): Promise<void> {
    const gitDir = path.join(this.workdir, '.git');
    if (await exists(gitDir)) {
      await fs.rm(path.join(gitDir, 'index.lock'), { force: true });
      const usable = await this.git
        .run(['rev-parse', '--is-inside-work-tree'])
        .then(
          () => true,
          () => false,
        );
      if (!usable) {
        this.options.logger?.warn(
          `${this.workdir} is not a usable Git clone; cloning ${this.where} again`,
        );
        await fs.rm(this.workdir, { recursive: true, force: true });
      }
    }
    if (!(await exists(gitDir))) {
      await fs.mkdir(this.workdir, { recursive: true });
      await this.run(['init', '--quiet']);
      await fs.writeFile(
        path.join(gitDir, 'info', 'exclude'),
        `${EXCLUDED.join('\n')}\n`,
      );
    }
    await this.run(['config', 'remote.origin.url', this.repository.url]);
  }

  /**
   * Runs the directory gateway, naming the repository instead of the clone
   * in its messages.
   */
  private async inRepository<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof Error) {
        error.message = error.message
          .split(this.directory.directory)
          .join(this.where);
      }
      throw error;
    }
  }

  /** Runs git in the clone; failures name the repository and the cause. */
  private async run(args: string[], okExitCodes: number[] = []) {
    try {
      return await this.git.run(args, okExitCodes);
    } catch (error) {
      if (!(error instanceof GitError)) {
        throw error;
      }
      throw new GitError(
        `${this.where}: ${error.message}${hintFor(
          error.stderr,
          this.repository,
        )}`,
        error.exitCode,
        error.stderr,
      );
    }
  }
}

function generationOf(context: KubernetesChangeContext): string {
  return context.generation === undefined
    ? ''
    : ` (generation ${context.generation})`;
}

/** What an admin should look at, judged from git's error output. */
function hintFor(stderr: string, repository: GitRepositorySettings): string {
  if (
    /Authentication failed|could not read (Username|Password)|returned error: 40[13]|Permission denied \(publickey|Host key verification failed/.test(
      stderr,
    )
  ) {
    return repository.auth
      ? '. Authentication failed: check that kubernetes.repository.auth.token is valid and may push to the branch'
      : '. Authentication failed: set kubernetes.repository.auth (https) or give the backend SSH access (ssh)';
  }
  if (/\[remote rejected\]|protected branch|hook declined/.test(stderr)) {
    return '. The server refused the push (a protected branch or a server hook?): allow the configured author to push to the branch';
  }
  return '';
}

/**
 * `<tmp>/emr-on-eks-gitops/<hash of url and branch>`: one clone per
 * repository branch, kept across restarts of the process when the directory
 * survives.
 */
function defaultWorkdir(url: string, branch: string): string {
  const key = createHash('sha256')
    .update(`${url}\n${branch}`)
    .digest('hex')
    .slice(0, 16);
  return path.join(os.tmpdir(), 'emr-on-eks-gitops', key);
}

async function exists(target: string): Promise<boolean> {
  return fs.stat(target).then(
    () => true,
    () => false,
  );
}
