// @ts-check
// What the cluster preflight reads from EKS and moto lacks: add-ons
// (ListAddons, DescribeAddon) and access entries (ListAccessEntries,
// ListAssociatedAccessPolicies), answered from a state the test sets. Also,
// for tests that need it, DescribeCluster with the fields moto leaves out
// (accessConfig.authenticationMode, a fixed OIDC issuer): compose
// `describeClusterOperations` only then, and moto answers DescribeCluster
// otherwise.
import { EmrError } from '../emrEmulator/errors.mjs';

/**
 * One EKS cluster as the preflight sees it.
 * @typedef {object} ScriptedEksCluster
 * @property {string} [status] Default ACTIVE.
 * @property {string} [oidcIssuer] `https://oidc.eks…/id/…`.
 * @property {string} [authenticationMode] API, API_AND_CONFIG_MAP or CONFIG_MAP.
 * @property {Record<string, string>} [addons] Add-on name to status (ACTIVE, DEGRADED…).
 * @property {Record<string, Array<{ policyArn: string, accessScope: { type: string, namespaces?: string[] } }>>} [accessEntries]
 *   Principal ARN to its associated access policies.
 */

/**
 * The facts of every cluster, by EKS cluster name; tests change it freely.
 * @typedef {object} ClusterFactsState
 * @property {Map<string, ScriptedEksCluster>} clusters
 */

/** @returns {ClusterFactsState} */
export function createClusterFactsState() {
  return { clusters: new Map() };
}

/**
 * @param {ClusterFactsState} state
 * @param {string} name
 */
function clusterOf(state, name) {
  const cluster = state.clusters.get(name);
  if (!cluster) {
    throw new EmrError(
      404,
      'ResourceNotFoundException',
      `No cluster found for name: ${name}.`,
    );
  }
  return cluster;
}

/**
 * ListAddons, DescribeAddon, ListAccessEntries, ListAssociatedAccessPolicies.
 * @param {ClusterFactsState} state
 * @returns {import('./index.mjs').EksOperation[]}
 */
export function clusterFactsOperations(state) {
  return [
    {
      operation: 'ListAddons',
      method: 'GET',
      pattern: '/clusters/{name}/addons',
      answer: ({ params }) => ({
        addons: Object.keys(clusterOf(state, params.name).addons ?? {}),
      }),
    },
    {
      operation: 'DescribeAddon',
      method: 'GET',
      pattern: '/clusters/{name}/addons/{addonName}',
      answer: ({ params }) => {
        const status = clusterOf(state, params.name).addons?.[params.addonName];
        if (!status) {
          throw new EmrError(
            404,
            'ResourceNotFoundException',
            `No addon: ${params.addonName} found in cluster: ${params.name}`,
          );
        }
        return {
          addon: {
            addonName: params.addonName,
            clusterName: params.name,
            status,
            addonVersion: 'v1.3.4-eksbuild.1',
            health: { issues: [] },
          },
        };
      },
    },
    {
      operation: 'ListAccessEntries',
      method: 'GET',
      pattern: '/clusters/{name}/access-entries',
      answer: ({ params }) => ({
        accessEntries: Object.keys(
          clusterOf(state, params.name).accessEntries ?? {},
        ),
      }),
    },
    {
      operation: 'ListAssociatedAccessPolicies',
      method: 'GET',
      pattern: '/clusters/{name}/access-entries/{principalArn}/access-policies',
      answer: ({ params }) => {
        const policies = clusterOf(state, params.name).accessEntries?.[
          params.principalArn
        ];
        if (!policies) {
          throw new EmrError(
            404,
            'ResourceNotFoundException',
            `The specified principalArn could not be found.`,
          );
        }
        return {
          clusterName: params.name,
          principalArn: params.principalArn,
          associatedAccessPolicies: policies.map(policy => ({
            ...policy,
            associatedAt: 1700000000,
            modifiedAt: 1700000000,
          })),
        };
      },
    },
  ];
}

/**
 * DescribeCluster from the state (with accessConfig and a fixed issuer),
 * for tests that script the cluster itself.
 * @param {ClusterFactsState} state
 * @returns {import('./index.mjs').EksOperation[]}
 */
export function describeClusterOperations(state) {
  return [
    {
      operation: 'DescribeCluster',
      method: 'GET',
      pattern: '/clusters/{name}',
      answer: ({ params }) => {
        const cluster = clusterOf(state, params.name);
        return {
          cluster: {
            name: params.name,
            status: cluster.status ?? 'ACTIVE',
            ...(cluster.oidcIssuer
              ? { identity: { oidc: { issuer: cluster.oidcIssuer } } }
              : {}),
            ...(cluster.authenticationMode
              ? {
                  accessConfig: {
                    authenticationMode: cluster.authenticationMode,
                  },
                }
              : {}),
          },
        };
      },
    },
  ];
}
