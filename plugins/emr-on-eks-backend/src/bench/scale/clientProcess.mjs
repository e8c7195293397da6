// The scale bench's HTTP client, run in a process of its own (see
// remoteClient.ts): its garbage collection and JSON work do not pause the
// backend's event loop, so the backend's tail latencies are its own.
// Like a browser, it keeps its connection alive and accepts gzip; it times
// each request from sending it to the answer's last byte.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function get(base, path, authorization) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.get(
      new URL(path, base),
      {
        agent,
        headers: { authorization, 'accept-encoding': 'gzip' },
      },
      res => {
        let bytes = 0;
        res.on('data', chunk => {
          bytes += chunk.length;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            ms: performance.now() - started,
            bytes,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
}

process.on(
  'message',
  async ({ id, base, path, authorization, samples, warmup }) => {
    try {
      const times = [];
      let bytes = 0;
      for (let i = 0; i < warmup + samples; i++) {
        const res = await get(base, path, authorization);
        if (res.status !== 200) {
          process.send({
            id,
            error: `answered ${res.status} on request ${i + 1}`,
          });
          return;
        }
        bytes = res.bytes;
        if (i >= warmup) {
          times.push(res.ms);
        }
      }
      process.send({ id, times, bytes });
    } catch (error) {
      process.send({ id, error: String(error) });
    }
  },
);
