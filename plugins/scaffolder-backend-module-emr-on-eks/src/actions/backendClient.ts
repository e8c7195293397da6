import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { EmrOnEksClient } from '@spot-spark/plugin-emr-on-eks-common';

/** The services an action needs to call the EMR on EKS backend. @public */
export interface BackendClientDeps {
  /** Issues the token that acts for the user running the template. */
  auth: AuthService;
  /** Finds the EMR on EKS backend plugin. */
  discovery: DiscoveryService;
}

/**
 * A client of the EMR on EKS backend that acts as the user who started the
 * task: every request carries a token issued on their behalf, so the
 * backend's permission checks apply to templates exactly as to the UI.
 */
export function clientForInitiator(
  deps: BackendClientDeps,
  ctx: { getInitiatorCredentials(): Promise<unknown> },
): EmrOnEksClient {
  return new EmrOnEksClient({
    discoveryApi: deps.discovery,
    fetchApi: {
      fetch: async (input, init) => {
        const onBehalfOf = (await ctx.getInitiatorCredentials()) as Parameters<
          AuthService['getPluginRequestToken']
        >[0]['onBehalfOf'];
        const { token } = await deps.auth.getPluginRequestToken({
          onBehalfOf,
          targetPluginId: 'emr-on-eks',
        });
        const headers = new Headers(init?.headers);
        headers.set('Authorization', `Bearer ${token}`);
        return fetch(input, { ...init, headers });
      },
    },
  });
}
