// LOCAL ONLY: moto (the AWS emulator) behind the job-run simulator: every
// request the simulator does not answer goes to moto as it came, and the
// simulator asks moto about virtual clusters.
import http from 'node:http';

function readBody(stream) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    stream.on('data', chunk => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/**
 * @param {string} endpoint moto's, e.g. `http://127.0.0.1:5000`.
 */
export function motoUpstream(endpoint) {
  const upstream = new URL(endpoint);

  /**
   * Sends a request to moto, its body read already (or none), and collects
   * the answer, its headers too (for stand-ins that amend moto's answer).
   * @param {{ method: string, path: string,
   *   headers: import('node:http').IncomingHttpHeaders, body: Buffer }} request
   * @returns {Promise<{ status: number,
   *   headers: import('node:http').IncomingHttpHeaders, data: Buffer }>}
   */
  function exchange({ method, path, headers, body }) {
    return new Promise((resolve, reject) => {
      const outgoing = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method,
          path,
          headers: {
            ...headers,
            host: upstream.host,
            'content-length': String(body.length),
          },
        },
        response => {
          readBody(response).then(
            data =>
              resolve({
                status: response.statusCode ?? 502,
                headers: response.headers,
                data,
              }),
            reject,
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  return {
    /**
     * The virtual cluster as moto describes it, or undefined when moto does
     * not know it (moto answers an unknown id with 400 ValidationException).
     * The caller's signature headers make moto route it to emr-containers,
     * in the caller's account (moto tells accounts by the access key: an
     * assumed role's keys act in the role's account) and region.
     */
    async virtualCluster(req, id) {
      const {
        authorization,
        'x-amz-date': amzDate,
        'x-amz-security-token': token,
      } = req.headers;
      const answer = await exchange({
        method: 'GET',
        path: `/virtualclusters/${encodeURIComponent(id)}`,
        headers: {
          ...(authorization ? { authorization } : {}),
          ...(amzDate ? { 'x-amz-date': amzDate } : {}),
          ...(token ? { 'x-amz-security-token': token } : {}),
        },
        body: Buffer.alloc(0),
      });
      if (answer.status !== 200) {
        return undefined;
      }
      return JSON.parse(answer.data.toString('utf8') || '{}').virtualCluster;
    },

    /** Sends a request to moto and collects the answer (see above). */
    exchange,

    /** Passes a request to moto as it came, and its answer back. */
    proxy(req, res) {
      const outgoing = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        response => {
          res.writeHead(
            response.statusCode ?? 502,
            response.statusMessage,
            response.rawHeaders,
          );
          response.pipe(res);
        },
      );
      outgoing.on('error', error => {
        if (!res.headersSent) {
          res.writeHead(502, { 'content-type': 'text/plain' });
        }
        res.end(`moto is not answering: ${error.message}`);
      });
      req.pipe(outgoing);
    },
  };
}
