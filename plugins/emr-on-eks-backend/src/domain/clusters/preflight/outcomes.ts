import type {
  ClusterCheck,
  ClusterCheckId,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { ClusterSettings } from '../../../config';

/*
 * What one check concludes, the titles of the checks, and the small helpers
 * the checks' advice shares.
 */

/** A check's result without its id and title. */
export type Outcome = Omit<ClusterCheck, 'id' | 'title'>;

/** The check passed. */
export const pass = (detail: string): Outcome => ({ status: 'pass', detail });
/** The check failed; `advice` says how to fix it. */
export const fail = (detail: string, advice: string): Outcome => ({
  status: 'fail',
  detail,
  advice,
});
/** The check passed with a doubt; `advice` says what to look at. */
export const warn = (detail: string, advice: string): Outcome => ({
  status: 'warn',
  detail,
  advice,
});
/** The check did not run; `detail` says why. */
export const skipped = (detail: string): Outcome => ({
  status: 'skipped',
  detail,
});

/** Each check's title, in plain words. */
export function checkTitle(
  id: ClusterCheckId,
  identity: ClusterSettings['identity'],
): string {
  switch (id) {
    case 'credentials':
      return "AWS credentials work and are the cluster account's";
    case 'eks-cluster':
      return 'The EKS cluster exists';
    case 'identity':
      return identity === 'podIdentity'
        ? 'The EKS Pod Identity agent runs on the cluster'
        : "The cluster's OIDC issuer is the configured one";
    case 'oidc-provider':
      return "IAM has the cluster's OIDC provider";
    case 'emr-service-linked-role':
      return "EMR on EKS's service-linked role exists";
    case 'emr-cluster-access':
      return 'EMR can reach the cluster';
    case 'node-pools':
      return 'Spot and On-Demand nodes match the pod templates';
    case 'storage-class':
      return "The jobs' storage class exists";
    case 'priority-classes':
      return "The tiers' priority classes exist";
    case 'assets-bucket':
      return 'The assets bucket exists and blocks public access';
    default:
      return id;
  }
}

/** The AWS CLI's region flag for the cluster. */
export function regionFlag(cluster: ClusterSettings) {
  return `--region ${cluster.region}`;
}

/** A manifest as a `kubectl apply` of a heredoc, to paste into a shell. */
export function applyHeredoc(manifest: string): string {
  return `kubectl apply -f - <<'EOF'\n${manifest.trimEnd()}\nEOF`;
}
