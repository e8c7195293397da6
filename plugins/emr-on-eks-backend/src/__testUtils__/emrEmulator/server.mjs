// @ts-check
// Serving the emulator on a loopback port.
import http from 'node:http';

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */

/**
 * A running server.
 * @typedef {object} Listening
 * @property {string} endpoint `http://127.0.0.1:<port>`, for a client's
 *   `endpoint`.
 * @property {() => Promise<void>} stop
 */

/**
 * Serves `handler` on 127.0.0.1.
 * @param {(req: IncomingMessage, res: ServerResponse) => void} handler
 * @param {number} [port] Default 0: any free port.
 * @returns {Promise<Listening>}
 */
export async function listen(handler, port = 0) {
  const server = http.createServer(handler);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    endpoint: `http://127.0.0.1:${bound}`,
    async stop() {
      // Keep-alive sockets of SDK clients would otherwise hold close() open.
      server.closeAllConnections();
      await new Promise((resolve, reject) =>
        server.close(error => (error ? reject(error) : resolve(undefined))),
      );
    },
  };
}
