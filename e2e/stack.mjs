// What the browser suite and the frontend benchmarks share: `npm start`'s
// stack (scripts/start-dev.mjs) from a clean state, and Chromium's flags.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
);
export const BASE = 'http://localhost:7007';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Starts the stack with `--reset` and resolves once it says it is ready,
 * with the child process and the seconds it took.
 */
export function startStack() {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(root, 'scripts/start-dev.mjs'), '--reset'],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], detached: true },
    );
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`the stack did not start in time:\n${output}`)),
      15 * 60_000,
    );
    child.stdout.on('data', chunk => {
      const text = chunk.toString();
      output += text;
      process.stdout.write(text.replace(/^/gm, '  | '));
      if (/ready in \d+s/.test(output)) {
        clearTimeout(timer);
        resolve({ child, seconds: (Date.now() - started) / 1000 });
      }
    });
    child.on('exit', code => {
      clearTimeout(timer);
      reject(new Error(`the stack exited with ${code}:\n${output}`));
    });
  });
}

/** Stops the whole process group: moto, the simulator and the backend too. */
export function stopStack(child) {
  if (!child) {
    return;
  }
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}
