import { execFile } from 'node:child_process';
import { devNull } from 'node:os';

/**
 * Variables that would point git at another repository or configuration if
 * the backend happened to inherit them.
 */
const DROPPED_GIT_ENV = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_CONFIG',
  'GIT_CONFIG_COUNT',
];

/**
 * Runs `git <args>` with an argument array (no shell), no system or user
 * configuration (hooks, signing, templates of the host's user stay out),
 * no prompts and a time limit; rejects with git's own error text.
 */
export function git(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of DROPPED_GIT_ENV) {
    delete env[name];
  }
  return new Promise((resolvePromise, reject) => {
    execFile(
      'git',
      args,
      {
        cwd: options.cwd,
        env: {
          ...env,
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_CONFIG_GLOBAL: devNull,
          GIT_TERMINAL_PROMPT: '0',
          LC_ALL: 'C',
          ...options.env,
        },
        timeout: 60_000,
        killSignal: 'SIGKILL',
        maxBuffer: 16 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(
              `git ${args[0]} failed: ${stderr.trim() || error.message}`,
            ),
          );
        } else {
          resolvePromise(stdout);
        }
      },
    );
  });
}
