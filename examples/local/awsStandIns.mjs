// LOCAL ONLY: the stand-ins `npm start` puts in front of moto for what moto
// lacks, built from the ones the backend's tests use
// (plugins/emr-on-eks-backend/src/__testUtils__/):
//
//   backend -> job-run simulator -> these -> moto
//
// - EKS Pod Identity associations (eksEmulator/podIdentity.mjs), which moto
//   does not implement, kept per account, region and cluster;
// - EKS add-ons and access entries (eksEmulator/clusterFacts.mjs), which
//   moto does not implement either: every configured cluster has an access entry
//   for EMR's service-linked role with AmazonEMRJobPolicy, which gains each
//   namespace EMR registers a virtual cluster in (as EMR on EKS does on a
//   cluster that authenticates through access entries); a Pod Identity
//   cluster has the `eks-pod-identity-agent` add-on;
// - DescribeCluster from moto with what moto leaves out or makes up: the
//   authentication mode, and the OIDC issuer app-config.yaml names (moto
//   invents a new one at each start);
// - the external id of a role's trust policy on STS AssumeRole
//   (stsTrust.mjs): moto assumes any role with any external id, so a wrong
//   `aws.externalId` fails here as it would on AWS.
import {
  clusterFactsOperations,
  createClusterFactsState,
} from '../../plugins/emr-on-eks-backend/src/__testUtils__/eksEmulator/clusterFacts.mjs';
import { createEksRequestHandler } from '../../plugins/emr-on-eks-backend/src/__testUtils__/eksEmulator/index.mjs';
import {
  addCluster,
  createPodIdentityState,
  podIdentityOperations,
} from '../../plugins/emr-on-eks-backend/src/__testUtils__/eksEmulator/podIdentity.mjs';
import { listen } from '../../plugins/emr-on-eks-backend/src/__testUtils__/emrEmulator/index.mjs';
import {
  readBody,
  signedFor,
} from '../../plugins/emr-on-eks-backend/src/__testUtils__/emrEmulator/wire.mjs';
import { createStsTrustHandler } from '../../plugins/emr-on-eks-backend/src/__testUtils__/stsTrust.mjs';
import { DEFAULT_ACCOUNT, EMR_SERVICE_LINKED_ROLE } from './awsAccounts.mjs';
import { motoUpstream } from './motoUpstream.mjs';

/** The EKS access policy EMR on EKS is given in its namespaces. */
const EMR_JOB_ACCESS_POLICY =
  'arn:aws:eks::aws:cluster-access-policy/AmazonEMRJobPolicy';
const POD_IDENTITY_AGENT_ADDON = 'eks-pod-identity-agent';

/** @typedef {import('./awsAccounts.mjs').LocalCluster} LocalCluster */

/** Answers with moto's answer, `data` possibly amended. */
function relay(res, answer, data = answer.data) {
  const headers = { ...answer.headers };
  delete headers['transfer-encoding'];
  headers['content-length'] = String(data.length);
  res.writeHead(answer.status, headers);
  res.end(data);
}

/**
 * The EKS facts moto lacks, per EKS cluster name: EMR's access entry, the
 * Pod Identity agent for Pod Identity clusters.
 * @param {LocalCluster[]} clusters
 */
export function localClusterFacts(clusters) {
  const state = createClusterFactsState();
  for (const cluster of clusters) {
    state.clusters.set(cluster.eksClusterName, {
      addons:
        cluster.identity === 'podIdentity'
          ? { [POD_IDENTITY_AGENT_ADDON]: 'ACTIVE' }
          : {},
      accessEntries: {
        // EKS names the role without its path.
        [`arn:aws:iam::${cluster.accountId}:role/${EMR_SERVICE_LINKED_ROLE.name}`]:
          [
            {
              policyArn: EMR_JOB_ACCESS_POLICY,
              accessScope: { type: 'namespace', namespaces: [] },
            },
          ],
      },
    });
  }
  return state;
}

/**
 * Starts the stand-ins on a loopback port, in front of moto at `upstream`.
 *
 * @param {{ upstream: string, clusters: LocalCluster[],
 *   log?: (message: string) => void }} options `clusters`: app-config.yaml's
 *   (awsAccounts.mjs readLocalClusters).
 * @returns {Promise<{ endpoint: string, stop(): Promise<void> }>}
 */
export async function startAwsStandIns(options) {
  const log = options.log ?? (() => {});
  const moto = motoUpstream(options.upstream);
  const byEksName = new Map(options.clusters.map(c => [c.eksClusterName, c]));
  const facts = localClusterFacts(options.clusters);
  // The account of each access key moto handed out (an assumed role's keys
  // act in the role's account), asked of moto once per key.
  /** @type {Map<string, string>} */
  const accountOfKey = new Map();
  const podIdentity = createPodIdentityState({
    accountOf: key => (key && accountOfKey.get(key)) || DEFAULT_ACCOUNT,
  });
  for (const cluster of options.clusters) {
    addCluster(podIdentity, {
      account: cluster.accountId,
      region: cluster.region,
      name: cluster.eksClusterName,
    });
  }

  const sts = createStsTrustHandler({
    motoEndpoint: options.upstream,
    passThrough: moto.proxy,
    observe: call => {
      if (!call.allowed) {
        log(
          `refused AssumeRole of ${call.roleArn}: ${
            call.externalIdGiven ? 'wrong' : 'no'
          } external id for its trust policy`,
        );
      }
    },
  });
  const eks = createEksRequestHandler({
    operations: [
      ...podIdentityOperations(podIdentity),
      ...clusterFactsOperations(facts),
    ],
    passThrough: sts,
  });

  /** Learns the account of the request's access key from moto's STS. */
  async function learnAccount(req) {
    const key = /Credential=([^/]+)\//.exec(
      req.headers.authorization ?? '',
    )?.[1];
    if (!key || accountOfKey.has(key)) return;
    const answer = await moto.exchange({
      method: 'POST',
      path: '/',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `AWS4-HMAC-SHA256 Credential=${key}/20261207/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: Buffer.from('Action=GetCallerIdentity&Version=2011-06-15'),
    });
    const account = /<Account>(\d{12})<\/Account>/.exec(
      answer.data.toString('utf8'),
    )?.[1];
    if (account) accountOfKey.set(key, account);
  }

  /** DescribeCluster: moto's answer, amended for a configured cluster. */
  async function describeCluster(req, res, name) {
    const answer = await moto.exchange({
      method: 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body: Buffer.alloc(0),
    });
    const cluster = byEksName.get(name);
    if (answer.status !== 200 || !cluster) {
      relay(res, answer);
      return;
    }
    const body = JSON.parse(answer.data.toString('utf8'));
    body.cluster.identity = {
      oidc: { issuer: `https://${cluster.oidcIssuer}` },
    };
    body.cluster.accessConfig = {
      ...body.cluster.accessConfig,
      authenticationMode: 'API_AND_CONFIG_MAP',
    };
    relay(res, answer, Buffer.from(JSON.stringify(body), 'utf8'));
  }

  /**
   * CreateVirtualCluster, to moto; once it succeeds, EMR's access entry on
   * the EKS cluster covers the namespace, as EMR on EKS makes it.
   */
  async function createVirtualCluster(req, res) {
    const body = await readBody(req);
    const answer = await moto.exchange({
      method: req.method ?? 'POST',
      path: req.url ?? '/',
      headers: req.headers,
      body,
    });
    if (answer.status === 200) {
      const provider = JSON.parse(
        body.toString('utf8') || '{}',
      ).containerProvider;
      const namespace = provider?.info?.eksInfo?.namespace;
      const entries = facts.clusters.get(provider?.id)?.accessEntries ?? {};
      for (const policies of Object.values(entries)) {
        const scope = policies.find(
          p => p.policyArn === EMR_JOB_ACCESS_POLICY,
        )?.accessScope;
        if (scope?.namespaces && namespace) {
          scope.namespaces = [...new Set([...scope.namespaces, namespace])];
        }
      }
    }
    relay(res, answer);
  }

  return listen((req, res) => {
    const { service } = signedFor(req);
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const name = /^\/clusters\/([^/]+)$/.exec(path)?.[1];
    const fail = error => {
      if (!res.headersSent) res.writeHead(502);
      res.end(`local AWS stand-ins: ${error}`);
    };
    if (service === 'eks' && req.method === 'GET' && name) {
      describeCluster(req, res, decodeURIComponent(name)).catch(fail);
    } else if (
      service === 'emr-containers' &&
      req.method === 'POST' &&
      path === '/virtualclusters'
    ) {
      createVirtualCluster(req, res).catch(fail);
    } else if (service === 'eks') {
      // The request's body waits, unread, until the handler reads it.
      learnAccount(req).then(() => eks(req, res), fail);
    } else {
      eks(req, res);
    }
  });
}
