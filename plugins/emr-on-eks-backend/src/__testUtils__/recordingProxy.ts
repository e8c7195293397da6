import http from 'node:http';
import { freePort } from './moto';

/** One AWS API call seen on the wire. */
export interface RecordedAwsCall {
  /** Signing name from the Authorization header: iam, s3, logs, emr-containers, sts. */
  service: string;
  /** Operation name where the protocol carries one, else `METHOD /path`. */
  operation: string;
  /** Whether the call can change anything. */
  write: boolean;
}

export interface RecordingProxy {
  endpoint: string;
  calls: RecordedAwsCall[];
  writes(): RecordedAwsCall[];
  clear(): void;
  /** Makes matching calls fail with an AWS-style error until cleared. */
  failWhen(
    match: (call: RecordedAwsCall) => boolean,
    error: { status: number; code: string; message: string },
  ): void;
  stop(): Promise<void>;
}

const READ_PREFIXES = ['Get', 'List', 'Describe', 'Head'];

/**
 * An HTTP proxy between the AWS SDK and moto that records every call, so a
 * test can prove what went over the wire (for example: no write at all), and
 * can inject failures moto cannot produce.
 */
export async function startRecordingProxy(
  target: string,
): Promise<RecordingProxy> {
  const calls: RecordedAwsCall[] = [];
  let failure:
    | {
        match: (call: RecordedAwsCall) => boolean;
        error: { status: number; code: string; message: string };
      }
    | undefined;
  const port = await freePort();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const call = describeCall(req, body);
      calls.push(call);
      if (failure?.match(call)) {
        sendAwsError(res, call.service, failure.error);
        return;
      }
      const upstream = http.request(
        `${target}${req.url}`,
        { method: req.method, headers: req.headers },
        upstreamRes => {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
        },
      );
      upstream.on('error', error => {
        res.writeHead(502);
        res.end(String(error));
      });
      upstream.end(body);
    });
  });
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    writes: () => calls.filter(c => c.write),
    clear() {
      calls.length = 0;
      failure = undefined;
    },
    failWhen(match, error) {
      failure = { match, error };
    },
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function describeCall(
  req: http.IncomingMessage,
  body: Buffer,
): RecordedAwsCall {
  const auth = String(req.headers.authorization ?? '');
  const service =
    /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(auth)?.[1] ?? 'unknown';
  const target = req.headers['x-amz-target'];
  let operation: string | undefined;
  if (typeof target === 'string') {
    operation = target.split('.').pop();
  } else if (
    String(req.headers['content-type'] ?? '').startsWith(
      'application/x-www-form-urlencoded',
    )
  ) {
    operation =
      new URLSearchParams(body.toString('utf8')).get('Action') ?? undefined;
  }
  if (operation) {
    return {
      service,
      operation,
      write: !READ_PREFIXES.some(prefix => operation!.startsWith(prefix)),
    };
  }
  const method = req.method ?? 'GET';
  return {
    service,
    operation: `${method} ${String(req.url).split('?')[0]}`,
    write: !['GET', 'HEAD'].includes(method),
  };
}

/** An error response in the wire format of the service's protocol. */
function sendAwsError(
  res: http.ServerResponse,
  service: string,
  error: { status: number; code: string; message: string },
) {
  const { status, code, message } = error;
  if (service === 's3') {
    res.writeHead(status, { 'content-type': 'application/xml' });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    );
  } else if (service === 'iam' || service === 'sts') {
    res.writeHead(status, { 'content-type': 'text/xml' });
    res.end(
      `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>test</RequestId></ErrorResponse>`,
    );
  } else {
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-amzn-errortype': code,
    });
    res.end(JSON.stringify({ __type: code, message }));
  }
}
