import type { EmrOnEksClientService } from '@spot-spark/plugin-emr-on-eks-node';

/** What an action needs to call the EMR on EKS backend. @public */
export interface BackendClientDeps {
  /**
   * Clients of the backend (`emrOnEksClientServiceRef`). Each action asks for
   * one acting as the user who started the task, so the backend's permission
   * checks apply to templates exactly as to the UI.
   */
  emrOnEks: EmrOnEksClientService;
}
