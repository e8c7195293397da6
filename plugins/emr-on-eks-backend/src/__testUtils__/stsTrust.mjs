// @ts-check
// A STAND-IN for one check AWS STS makes and moto does not: the external id
// of a role's trust policy. moto's AssumeRole answers any caller, with any
// `ExternalId` or none, so on moto alone a wrong external id would "work".
// This HTTP handler sits in front of moto: for an STS AssumeRole (query
// protocol, form body `Action=AssumeRole`) it reads the target role's trust
// policy from moto's IAM in the role's own account, and when that policy
// allows sts:AssumeRole only under an `sts:ExternalId` condition the request
// does not meet, it answers as STS does: 403 AccessDenied, "User: <caller>
// is not authorized to perform: sts:AssumeRole on resource: <role arn>".
// Everything else goes to moto unchanged (or to `passThrough`).
//
// What it does not check (moto does not either): the trust policy's
// principals, other conditions, whether the role exists, session policies.
//
// Use (tests and the local stack; plain ESM importing only Node's built-ins
// and the EMR emulator's wire helpers, so `node` loads it as it is):
//
//   import { createStsTrustHandler } from '.../__testUtils__/stsTrust.mjs';
//   import { listen } from '.../__testUtils__/emrEmulator/index.mjs';
//   const trust = await listen(
//     createStsTrustHandler({ motoEndpoint: 'http://127.0.0.1:5000' }),
//   );
//   // emrOnEks.aws.endpoint: trust.endpoint
//
// In front of another handler (the local stack's job-run simulator), give
// it as `passThrough`: requests not signed for STS go there untouched (their
// body unread); STS requests, read here, go to `motoEndpoint`.
import http from 'node:http';
import { readBody, signedFor } from './emrEmulator/wire.mjs';

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */

/**
 * One AssumeRole the stand-in saw.
 * @typedef {object} AssumeRoleCall
 * @property {string} roleArn
 * @property {boolean} externalIdGiven Whether the request had an
 *   `ExternalId` (its value is never recorded).
 * @property {boolean} allowed False when the stand-in refused it.
 */

/**
 * @typedef {object} StsTrustOptions
 * @property {string} motoEndpoint moto's, like `http://127.0.0.1:5000`.
 * @property {(req: IncomingMessage, res: ServerResponse) => void} [passThrough]
 *   Takes every request not signed for STS; without it they go to moto.
 * @property {(call: AssumeRoleCall) => void} [observe] Sees every AssumeRole
 *   (the tests count them).
 */

/**
 * @param {StsTrustOptions} options
 * @returns {(req: IncomingMessage, res: ServerResponse) => void}
 */
export function createStsTrustHandler(options) {
  const moto = new URL(options.motoEndpoint);
  let sequence = 0;

  /**
   * Sends a request to moto and collects its answer.
   * @param {{ method: string, path: string,
   *   headers: import('node:http').OutgoingHttpHeaders, body: Buffer }} request
   * @returns {Promise<{ status: number, headers: import('node:http').IncomingHttpHeaders, body: Buffer }>}
   */
  function toMoto(request) {
    return new Promise((resolve, reject) => {
      const outgoing = http.request(
        {
          host: moto.hostname,
          port: moto.port,
          method: request.method,
          path: request.path,
          headers: {
            ...request.headers,
            host: moto.host,
            'content-length': String(request.body.length),
          },
        },
        response => {
          readBody(response).then(
            body =>
              resolve({
                status: response.statusCode ?? 502,
                headers: response.headers,
                body,
              }),
            reject,
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end(request.body);
    });
  }

  /**
   * A form-encoded query-protocol call to moto, "signed" with an access key
   * id only: moto tells accounts apart by the key and checks no signature.
   * @param {string} service
   * @param {string} accessKeyId
   * @param {Record<string, string>} form
   */
  function queryCall(service, accessKeyId, form) {
    const date = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
    return toMoto({
      method: 'POST',
      path: '/',
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        'x-amz-date': date,
        authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${date.slice(
          0,
          8,
        )}/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=0`,
      },
      body: Buffer.from(new URLSearchParams(form).toString(), 'utf8'),
    });
  }

  /**
   * The role's trust policy as moto's IAM in the role's account holds it:
   * moto's keys for that account come from assuming the role without an
   * external id (moto never refuses), then GetRole with them. Undefined when
   * moto does not know the role.
   * @param {string} roleArn
   * @param {string} callerKey
   * @returns {Promise<unknown>}
   */
  async function trustPolicyOf(roleArn, callerKey) {
    const assumed = await queryCall('sts', callerKey, {
      Action: 'AssumeRole',
      Version: '2011-06-15',
      RoleArn: roleArn,
      RoleSessionName: 'sts-trust-stand-in',
    });
    const key = xmlText(assumed.body, 'AccessKeyId');
    const roleName = /:role\/(?:.*\/)?([^/]+)$/.exec(roleArn)?.[1];
    if (!key || !roleName) {
      return undefined;
    }
    const role = await queryCall('iam', key, {
      Action: 'GetRole',
      Version: '2010-05-08',
      RoleName: roleName,
    });
    const document = xmlText(role.body, 'AssumeRolePolicyDocument');
    if (role.status !== 200 || !document) {
      return undefined;
    }
    return JSON.parse(
      document.trimStart().startsWith('{')
        ? document
        : decodeURIComponent(document),
    );
  }

  /**
   * @param {IncomingMessage} req
   * @param {ServerResponse} res
   * @param {Buffer} body
   */
  async function assumeRole(req, res, body) {
    const form = new URLSearchParams(body.toString('utf8'));
    const roleArn = form.get('RoleArn') ?? '';
    const externalId = form.get('ExternalId') ?? undefined;
    const callerKey =
      /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ??
      'testing';
    const policy = await trustPolicyOf(roleArn, callerKey);
    const allowed = externalIdAllowed(policy, externalId);
    options.observe?.({
      roleArn,
      externalIdGiven: externalId !== undefined,
      allowed,
    });
    if (allowed) {
      await forward(req, res, body);
      return;
    }
    const caller = await queryCall('sts', callerKey, {
      Action: 'GetCallerIdentity',
      Version: '2011-06-15',
    });
    const user = xmlText(caller.body, 'Arn') ?? 'unknown';
    res.writeHead(403, { 'content-type': 'text/xml' });
    res.end(
      `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>${xmlEscape(
        `User: ${user} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      )}</Message></Error><RequestId>sts-trust-${++sequence}</RequestId></ErrorResponse>`,
    );
  }

  /**
   * Sends a request whose body was read here to moto, and its answer back.
   * @param {IncomingMessage} req
   * @param {ServerResponse} res
   * @param {Buffer} body
   */
  async function forward(req, res, body) {
    const answer = await toMoto({
      method: req.method ?? 'POST',
      path: req.url ?? '/',
      headers: req.headers,
      body,
    });
    const headers = { ...answer.headers };
    delete headers['transfer-encoding'];
    headers['content-length'] = String(answer.body.length);
    res.writeHead(answer.status, headers);
    res.end(answer.body);
  }

  return (req, res) => {
    if (signedFor(req).service !== 'sts') {
      if (options.passThrough) {
        options.passThrough(req, res);
      } else {
        readBody(req)
          .then(body => forward(req, res, body))
          .catch(error => failed(res, error));
      }
      return;
    }
    readBody(req)
      .then(body =>
        new URLSearchParams(body.toString('utf8')).get('Action') ===
        'AssumeRole'
          ? assumeRole(req, res, body)
          : forward(req, res, body),
      )
      .catch(error => failed(res, error));
  };
}

/**
 * Whether a trust policy lets a request with `externalId` (or none) assume
 * the role, as far as `sts:ExternalId` goes: yes when a statement allowing
 * sts:AssumeRole has no such condition, or one the id meets (StringEquals
 * or StringLike, one value or a list). A policy that cannot be read says
 * nothing, so moto decides.
 * @param {unknown} policy
 * @param {string | undefined} externalId
 * @returns {boolean}
 */
export function externalIdAllowed(policy, externalId) {
  const statements = /** @type {{ Statement?: unknown }} */ (policy ?? {})
    .Statement;
  const allowing = asList(statements).filter(
    statement =>
      statement?.Effect === 'Allow' &&
      asList(statement.Action).some(action =>
        ['sts:AssumeRole', 'sts:*', '*'].includes(action),
      ),
  );
  if (allowing.length === 0) {
    return true;
  }
  return allowing.some(statement => {
    const conditions = Object.entries(statement.Condition ?? {}).flatMap(
      ([operator, keys]) =>
        Object.entries(/** @type {Record<string, unknown>} */ (keys ?? {}))
          .filter(([key]) => key.toLowerCase() === 'sts:externalid')
          .map(([, values]) => ({ operator, values: asList(values) })),
    );
    return conditions.every(
      ({ operator, values }) =>
        externalId !== undefined &&
        values.some(value =>
          operator === 'StringLike'
            ? globMatches(String(value), externalId)
            : String(value) === externalId,
        ),
    );
  });
}

/** @param {unknown} value @returns {any[]} */
function asList(value) {
  if (Array.isArray(value)) {
    return value;
  }
  return value === undefined || value === null ? [] : [value];
}

/** IAM's StringLike: `*` any run of characters, `?` one. */
function globMatches(
  /** @type {string} */ pattern,
  /** @type {string} */ text,
) {
  /** @type {Record<string, string>} */
  const wildcards = { '*': '.*', '?': '.' };
  const source = pattern
    .split('')
    .map(c => wildcards[c] ?? c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))
    .join('');
  return new RegExp(`^${source}$`).test(text);
}

/**
 * The text of the first `<tag>` of an XML answer, entities decoded.
 * @param {Buffer} xml
 * @param {string} tag
 */
function xmlText(xml, tag) {
  const match = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(
    xml.toString('utf8'),
  );
  return match
    ? match[1]
        .replace(/&quot;/g, '"')
        .replace(/&apos;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&')
    : undefined;
}

/** @param {string} text */
function xmlEscape(text) {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/**
 * @param {ServerResponse} res
 * @param {unknown} error
 */
function failed(res, error) {
  if (!res.headersSent) {
    res.writeHead(502, { 'content-type': 'text/plain' });
  }
  res.end(`sts trust stand-in: ${String(error)}`);
}
