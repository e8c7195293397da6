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

  /** Sends a request to moto and collects the answer. */
  function request(method, path, headers) {
    return new Promise((resolve, reject) => {
      const outgoing = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method,
          path,
          headers: { ...headers, host: upstream.host },
        },
        response => {
          readBody(response).then(
            data => resolve({ status: response.statusCode ?? 502, data }),
            reject,
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end();
    });
  }

  return {
    /**
     * The virtual cluster as moto describes it, or undefined when moto does
     * not know it (moto answers an unknown id with 400 ValidationException).
     * The caller's signature headers make moto route it to emr-containers.
     */
    async virtualCluster(req, id) {
      const { authorization, 'x-amz-date': amzDate } = req.headers;
      const answer = await request(
        'GET',
        `/virtualclusters/${encodeURIComponent(id)}`,
        {
          ...(authorization ? { authorization } : {}),
          ...(amzDate ? { 'x-amz-date': amzDate } : {}),
        },
      );
      if (answer.status !== 200) {
        return undefined;
      }
      return JSON.parse(answer.data.toString('utf8') || '{}').virtualCluster;
    },

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
