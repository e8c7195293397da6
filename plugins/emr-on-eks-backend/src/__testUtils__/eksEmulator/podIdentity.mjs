// @ts-check
// EKS Pod Identity associations, which moto does not implement: Create,
// List (filtered by namespace and service account, paged), Describe, Update
// and Delete, on the REST paths and with the JSON members of the EKS API as
// `@aws-sdk/client-eks` serialises them (dist-cjs: CreatePodIdentityAssociation
// is POST /clusters/{clusterName}/pod-identity-associations, Describe GET,
// Update POST and Delete DELETE on .../{associationId}, List GET with the
// query members namespace, serviceAccount, maxResults, nextToken).
// Associations are kept per account (from the request's access key, as moto
// tells accounts apart), region and cluster; a cluster must be declared first.
//
// Errors as EKS answers them: ResourceInUseException (409) for a second
// association of the same service account in the same namespace (the AWS
// CLI's create-role-associations skips on exactly this code),
// ResourceNotFoundException (404) for an unknown cluster or association, and
// InvalidParameterException (400) for what EKS validates (role ARN, tags,
// maxResults, next token). The error codes and statuses are EKS's; the
// message wording is this stand-in's, except for the unknown cluster.
import { randomBytes } from 'node:crypto';
import { EmrError } from '../emrEmulator/errors.mjs';

/**
 * One association as EKS holds it.
 * @typedef {object} StoredAssociation
 * @property {string} account
 * @property {string} region
 * @property {string} clusterName
 * @property {string} namespace
 * @property {string} serviceAccount
 * @property {string} roleArn
 * @property {string} associationArn
 * @property {string} associationId
 * @property {Record<string, string>} tags
 * @property {number} createdAt Epoch seconds (the REST-JSON timestamp format).
 * @property {number} modifiedAt
 * @property {boolean} disableSessionTags
 */

/**
 * @typedef {object} PodIdentityState
 * @property {Set<string>} clusters `account/region/name` of the clusters that exist.
 * @property {StoredAssociation[]} associations In creation order.
 * @property {number} pageSize Most summaries in one List page (EKS: maxResults, up to 100).
 * @property {(accessKeyId: string | undefined) => string | Promise<string>} accountOf
 * @property {boolean} anyCluster Every cluster name exists (the local stack).
 */

/** moto's default account, of every access key it did not hand out itself. */
const MOTO_DEFAULT_ACCOUNT = '123456789012';

/**
 * @param {object} [options]
 * @param {Array<{ account: string, region: string, name: string }>} [options.clusters]
 * @param {number} [options.pageSize] Default 100.
 * @param {(accessKeyId: string | undefined) => string | Promise<string>} [options.accountOf]
 *   The account of a request's access key. Default: moto's answer to
 *   GetCallerIdentity with that key when `motoEndpoint` is given (right for
 *   the keys of assumed roles in other accounts too), else moto's default
 *   account for every key.
 * @param {string} [options.motoEndpoint]
 * @param {boolean} [options.anyCluster] Every cluster name exists, in every
 *   account (the local stack); otherwise only those declared.
 * @returns {PodIdentityState}
 */
export function createPodIdentityState(options = {}) {
  const { motoEndpoint } = options;
  const state = {
    clusters: new Set(),
    associations: [],
    pageSize: options.pageSize ?? 100,
    accountOf:
      options.accountOf ??
      (motoEndpoint ? motoAccountOf(motoEndpoint) : () => MOTO_DEFAULT_ACCOUNT),
    anyCluster: options.anyCluster ?? false,
  };
  for (const cluster of options.clusters ?? []) {
    addCluster(state, cluster);
  }
  return state;
}

/**
 * Declares a cluster (EKS refuses associations on a cluster it does not have).
 * @param {PodIdentityState} state
 * @param {{ account: string, region: string, name: string }} cluster
 */
export function addCluster(state, cluster) {
  state.clusters.add(`${cluster.account}/${cluster.region}/${cluster.name}`);
}

/**
 * @param {PodIdentityState} state
 * @param {import('./index.mjs').EksCall} call
 */
async function clusterOf(state, call) {
  const account = await state.accountOf(call.accessKeyId);
  const name = call.params.clusterName;
  if (
    !state.anyCluster &&
    !state.clusters.has(`${account}/${call.region}/${name}`)
  ) {
    throw new EmrError(
      404,
      'ResourceNotFoundException',
      `No cluster found for name: ${name}.`,
    );
  }
  return { account, region: call.region, clusterName: name };
}

/**
 * The account moto gives an access key: its answer to STS GetCallerIdentity
 * signed with the key (moto checks no signature), kept per key.
 * @param {string} endpoint
 * @returns {(accessKeyId: string | undefined) => Promise<string>}
 */
export function motoAccountOf(endpoint) {
  /** @type {Map<string, Promise<string>>} */
  const known = new Map();
  return accessKeyId => {
    const key = accessKeyId ?? 'testing';
    let account = known.get(key);
    if (!account) {
      const date = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
      account = fetch(`${endpoint}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          'x-amz-date': date,
          authorization: `AWS4-HMAC-SHA256 Credential=${key}/${date.slice(
            0,
            8,
          )}/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=0`,
        },
        body: 'Action=GetCallerIdentity&Version=2011-06-15',
      })
        .then(res => res.text())
        .then(xml => {
          const found = /<Account>(\d{12})<\/Account>/.exec(xml)?.[1];
          if (!found) {
            throw new Error(`moto did not say whose key ${key} is: ${xml}`);
          }
          return found;
        });
      // A failed look-up is not remembered.
      account.catch(() => known.delete(key));
      known.set(key, account);
    }
    return account;
  };
}

/** @param {string} message */
function invalid(message) {
  return new EmrError(400, 'InvalidParameterException', message);
}

/** @param {unknown} value @param {string} member */
function requiredString(value, member) {
  if (typeof value !== 'string' || value.length === 0) {
    throw invalid(`${member} must be a non-empty string`);
  }
  return value;
}

const ROLE_ARN = /^arn:aws(-cn|-us-gov|-iso(-[a-z])?)?:iam::\d{12}:role\/.+$/;

/** @param {unknown} value */
function roleArnOf(value) {
  const arn = requiredString(value, 'roleArn');
  if (!ROLE_ARN.test(arn)) {
    throw invalid(`Invalid role ARN: ${arn}`);
  }
  return arn;
}

/**
 * EKS's tag rules: at most 50, keys 1-128 and values up to 256 characters,
 * no `aws:` prefix.
 * @param {unknown} value
 * @returns {Record<string, string>}
 */
function tagsOf(value) {
  if (value === undefined) {
    return {};
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid('tags must be a map of strings');
  }
  const entries = Object.entries(value);
  if (entries.length > 50) {
    throw invalid('A resource can have at most 50 tags');
  }
  for (const [key, tag] of entries) {
    if (
      key.length < 1 ||
      key.length > 128 ||
      /^aws:/i.test(key) ||
      typeof tag !== 'string' ||
      tag.length > 256
    ) {
      throw invalid(`Invalid tag: ${key}`);
    }
  }
  return /** @type {Record<string, string>} */ ({ ...value });
}

/**
 * @param {PodIdentityState} state
 * @param {import('./index.mjs').EksCall} call
 */
async function associationOf(state, call) {
  const cluster = await clusterOf(state, call);
  const found = state.associations.find(
    a =>
      a.account === cluster.account &&
      a.region === cluster.region &&
      a.clusterName === cluster.clusterName &&
      a.associationId === call.params.associationId,
  );
  if (!found) {
    throw new EmrError(
      404,
      'ResourceNotFoundException',
      `No Pod Identity association found for id: ${call.params.associationId}.`,
    );
  }
  return found;
}

/**
 * The association as EKS answers it (Create, Describe, Update, Delete).
 * @param {StoredAssociation} a
 */
function full(a) {
  return {
    clusterName: a.clusterName,
    namespace: a.namespace,
    serviceAccount: a.serviceAccount,
    roleArn: a.roleArn,
    associationArn: a.associationArn,
    associationId: a.associationId,
    tags: { ...a.tags },
    createdAt: a.createdAt,
    modifiedAt: a.modifiedAt,
    disableSessionTags: a.disableSessionTags,
  };
}

/**
 * The association as List answers it.
 * @param {StoredAssociation} a
 */
function summary(a) {
  return {
    clusterName: a.clusterName,
    namespace: a.namespace,
    serviceAccount: a.serviceAccount,
    associationArn: a.associationArn,
    associationId: a.associationId,
  };
}

/** `a-` and 17 lowercase letters and digits, like EKS's ids. */
function newAssociationId() {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return `a-${[...randomBytes(17)]
    .map(byte => alphabet[byte % alphabet.length])
    .join('')}`;
}

/** @param {string} region */
function partitionOf(region) {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov')) return 'aws-us-gov';
  return 'aws';
}

const now = () => Math.floor(Date.now() / 1000);

/**
 * The Pod Identity association operations, for `createEksRequestHandler`.
 * @param {PodIdentityState} state
 * @returns {import('./index.mjs').EksOperation[]}
 */
export function podIdentityOperations(state) {
  return [
    {
      operation: 'CreatePodIdentityAssociation',
      method: 'POST',
      pattern: '/clusters/{clusterName}/pod-identity-associations',
      answer: async call => {
        const cluster = await clusterOf(state, call);
        const body = call.body ?? {};
        const namespace = requiredString(body.namespace, 'namespace');
        const serviceAccount = requiredString(
          body.serviceAccount,
          'serviceAccount',
        );
        const roleArn = roleArnOf(body.roleArn);
        const tags = tagsOf(body.tags);
        const existing = state.associations.find(
          a =>
            a.account === cluster.account &&
            a.region === cluster.region &&
            a.clusterName === cluster.clusterName &&
            a.namespace === namespace &&
            a.serviceAccount === serviceAccount,
        );
        if (existing) {
          throw new EmrError(
            409,
            'ResourceInUseException',
            `Association already exists: ${existing.associationId}`,
          );
        }
        const associationId = newAssociationId();
        /** @type {StoredAssociation} */
        const association = {
          ...cluster,
          namespace,
          serviceAccount,
          roleArn,
          associationId,
          associationArn: `arn:${partitionOf(cluster.region)}:eks:${
            cluster.region
          }:${cluster.account}:podidentityassociation/${
            cluster.clusterName
          }/${associationId}`,
          tags,
          createdAt: now(),
          modifiedAt: now(),
          disableSessionTags: body.disableSessionTags === true,
        };
        state.associations.push(association);
        return { association: full(association) };
      },
    },
    {
      operation: 'ListPodIdentityAssociations',
      method: 'GET',
      pattern: '/clusters/{clusterName}/pod-identity-associations',
      answer: async call => {
        const cluster = await clusterOf(state, call);
        const namespace = call.query.get('namespace') ?? undefined;
        const serviceAccount = call.query.get('serviceAccount') ?? undefined;
        const maxResults = call.query.has('maxResults')
          ? Number(call.query.get('maxResults'))
          : state.pageSize;
        if (
          !Number.isInteger(maxResults) ||
          maxResults < 1 ||
          maxResults > 100
        ) {
          throw invalid('maxResults must be between 1 and 100');
        }
        const token = call.query.get('nextToken');
        const start = token
          ? Number(Buffer.from(token, 'base64url').toString())
          : 0;
        if (!Number.isInteger(start) || start < 0) {
          throw invalid('The nextToken is not valid');
        }
        const matching = state.associations.filter(
          a =>
            a.account === cluster.account &&
            a.region === cluster.region &&
            a.clusterName === cluster.clusterName &&
            (namespace === undefined || a.namespace === namespace) &&
            (serviceAccount === undefined ||
              a.serviceAccount === serviceAccount),
        );
        const size = Math.min(maxResults, state.pageSize);
        const page = matching.slice(start, start + size);
        const next = start + size;
        return {
          associations: page.map(summary),
          ...(next < matching.length
            ? { nextToken: Buffer.from(String(next)).toString('base64url') }
            : {}),
        };
      },
    },
    {
      operation: 'DescribePodIdentityAssociation',
      method: 'GET',
      pattern:
        '/clusters/{clusterName}/pod-identity-associations/{associationId}',
      answer: async call => ({
        association: full(await associationOf(state, call)),
      }),
    },
    {
      operation: 'UpdatePodIdentityAssociation',
      method: 'POST',
      pattern:
        '/clusters/{clusterName}/pod-identity-associations/{associationId}',
      answer: async call => {
        const association = await associationOf(state, call);
        const body = call.body ?? {};
        if (body.roleArn !== undefined) {
          association.roleArn = roleArnOf(body.roleArn);
        }
        if (typeof body.disableSessionTags === 'boolean') {
          association.disableSessionTags = body.disableSessionTags;
        }
        association.modifiedAt = now();
        return { association: full(association) };
      },
    },
    {
      operation: 'DeletePodIdentityAssociation',
      method: 'DELETE',
      pattern:
        '/clusters/{clusterName}/pod-identity-associations/{associationId}',
      answer: async call => {
        const association = await associationOf(state, call);
        state.associations.splice(state.associations.indexOf(association), 1);
        return { association: full(association) };
      },
    },
  ];
}
