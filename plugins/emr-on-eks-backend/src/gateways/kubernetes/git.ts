import { execFile } from 'node:child_process';
import { GitError } from '../errors';

export interface GitOptions {
  /** The repository (work tree) the commands run in. */
  cwd: string;
  /** Time limit of each command. */
  timeoutMs: number;
  /**
   * Configuration for every command (`git -c key=value`), passed through
   * `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n` so that no
   * value shows in a process listing or is written to the repository.
   */
  config?: Record<string, string>;
  /** Extra environment (author and committer, for one). */
  env?: Record<string, string>;
  /** Strings masked in every message and output this wrapper hands back. */
  secrets?: string[];
}

export interface GitResult {
  stdout: string;
  stderr: string;
}

/**
 * Variables that would point git at another repository, or make it ask a
 * person for credentials, if the backend happened to inherit them.
 */
const DROPPED_ENV = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_QUARANTINE_PATH',
  'GIT_ASKPASS',
  'SSH_ASKPASS',
];

/**
 * A thin wrapper of the `git` CLI: `execFile` with an argument array (no
 * shell), a time limit per command, no terminal prompts (a missing credential
 * fails at once instead of hanging), C locale (stable messages), and SSH in
 * batch mode unless the environment chose an SSH command.
 */
export class Git {
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly options: GitOptions) {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of DROPPED_ENV) {
      delete env[name];
    }
    const config = Object.entries(options.config ?? {});
    // Keep configuration the environment already passes this way.
    const inherited = Number(env.GIT_CONFIG_COUNT) || 0;
    config.forEach(([key, value], index) => {
      env[`GIT_CONFIG_KEY_${inherited + index}`] = key;
      env[`GIT_CONFIG_VALUE_${inherited + index}`] = value;
    });
    env.GIT_CONFIG_COUNT = String(inherited + config.length);
    env.GIT_TERMINAL_PROMPT = '0';
    env.LC_ALL = 'C';
    if (!env.GIT_SSH_COMMAND && !env.GIT_SSH) {
      env.GIT_SSH_COMMAND = 'ssh -o BatchMode=yes';
    }
    this.env = { ...env, ...options.env };
  }

  /**
   * Runs `git <args>` in the repository. Resolves on exit code 0, or on a
   * code listed in `okExitCodes` (with `exitCode` set); otherwise rejects with
   * a {@link GitError} naming the command and git's last lines of error.
   */
  run(
    args: string[],
    okExitCodes: number[] = [],
  ): Promise<GitResult & { exitCode: number }> {
    return new Promise((resolve, reject) => {
      execFile(
        'git',
        args,
        {
          cwd: this.options.cwd,
          env: this.env,
          timeout: this.options.timeoutMs,
          killSignal: 'SIGKILL',
          maxBuffer: 64 * 1024 * 1024,
          encoding: 'utf8',
        },
        (error, stdout, stderr) => {
          const out = this.mask(stdout);
          const err = this.mask(stderr);
          if (!error) {
            resolve({ stdout: out, stderr: err, exitCode: 0 });
            return;
          }
          const code = typeof error.code === 'number' ? error.code : undefined;
          if (code !== undefined && okExitCodes.includes(code)) {
            resolve({ stdout: out, stderr: err, exitCode: code });
            return;
          }
          const command = `git ${args[0]}`;
          let message: string;
          if (error.killed || error.signal) {
            message = `${command} did not finish within ${Math.round(
              this.options.timeoutMs / 1000,
            )} s and was stopped`;
          } else if (code === undefined) {
            message = `${command} could not be run (is git installed and on the PATH?): ${this.mask(
              error.message,
            )}`;
          } else {
            message = `${command} failed (exit ${code})${
              err.trim() ? `: ${lastLines(err)}` : ''
            }`;
          }
          reject(new GitError(message, code, err));
        },
      );
    });
  }

  /** `text` with every secret replaced by `***`. */
  mask(text: string): string {
    return (this.options.secrets ?? [])
      .filter(Boolean)
      .reduce((masked, secret) => masked.split(secret).join('***'), text);
  }
}

/** The last few non-empty lines of git's output, on one line. */
function lastLines(text: string, count = 4): string {
  return text
    .split('\n')
    .map(line => line.trim())
    .filter(Boolean)
    .slice(-count)
    .join(' / ');
}

/**
 * Git configuration for HTTP basic authentication with a token: an
 * `http.<url>.extraHeader`, scoped to the repository URL so the header goes
 * nowhere else, and the strings to mask in anything git prints.
 */
export function basicAuth(
  url: string,
  auth: { username: string; token: string },
): { config: Record<string, string>; secrets: string[] } {
  const credentials = Buffer.from(`${auth.username}:${auth.token}`).toString(
    'base64',
  );
  return {
    config: {
      [`http.${url}.extraHeader`]: `Authorization: Basic ${credentials}`,
    },
    secrets: [auth.token, credentials],
  };
}
