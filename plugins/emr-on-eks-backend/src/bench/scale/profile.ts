import { promises as fs } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

/**
 * A CPU profile of the backend's process while `work` runs, written to
 * `file` (open it in Chrome's DevTools, Performance tab), with the
 * functions that took the most time themselves printed: where a page's
 * milliseconds go beyond its statements. For `SCALE_BENCH_PROFILE`.
 */
export async function profiled(
  file: string,
  work: () => Promise<unknown>,
): Promise<string> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    await work();
    const { profile } = await session.post('Profiler.stop');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, JSON.stringify(profile));
    return topSelfTime(profile, 25);
  } finally {
    session.disconnect();
  }
}

/** The `count` functions with the most self time, as lines of text. */
function topSelfTime(
  profile: {
    nodes: Array<{
      id: number;
      callFrame: { functionName: string; url: string; lineNumber: number };
    }>;
    samples?: number[];
    timeDeltas?: number[];
  },
  count: number,
): string {
  const byNode = new Map(profile.nodes.map(node => [node.id, node]));
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  samples.forEach((id, i) => {
    const frame = byNode.get(id)!.callFrame;
    const name = `${frame.functionName || '(anonymous)'} ${frame.url
      .split('/node_modules/')
      .pop()}:${frame.lineNumber + 1}`;
    const us = deltas[i] ?? 0;
    total += us;
    self.set(name, (self.get(name) ?? 0) + us);
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(
      ([name, us]) =>
        `${((100 * us) / Math.max(total, 1))
          .toFixed(1)
          .padStart(5)} %  ${name}`,
    )
    .join('\n');
}
