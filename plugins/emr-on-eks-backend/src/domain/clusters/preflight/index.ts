/*
 * A cluster's preflight: the checks of CLUSTER_CHECKS from the facts
 * gathered about it, with their advice, and the onboarding gate. This index
 * exports what the rest of the plugin uses; the checks themselves stay
 * inside the folder.
 */

export {
  EMR_JOB_ACCESS_POLICY,
  EMR_SERVICE_LINKED_ROLE,
  POD_IDENTITY_AGENT_ADDON,
  emrServiceLinkedRoleArn,
  type ClusterFacts,
  type ClusterKubernetesState,
  type EmrAccessEntry,
  type Fact,
  type OidcProvider,
  type PreflightCluster,
} from './facts';
export { checkTitle } from './outcomes';
export { preflightChecks, preflightReady } from './preflight';
export { awsAuthMapsEmr } from './emrAccessCheck';
export { nodeLabelsAdmit, storageClassManifest } from './kubernetesChecks';
export { onboardingGate, type OnboardingGate } from './onboardingGate';
