import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  EmrOnEksApi,
  EmrOnEksClient,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { EmrOnEksClientService } from './EmrOnEksClientService';

/** The backend plugin the clients call, and the target of their tokens. */
const EMR_ON_EKS_PLUGIN_ID = 'emr-on-eks';

/**
 * Options of {@link DefaultEmrOnEksClientService.create}.
 *
 * @public
 */
export interface DefaultEmrOnEksClientServiceOptions {
  /** Issues the token of each request, on behalf of the client's credentials. */
  auth: Pick<AuthService, 'getPluginRequestToken'>;
  /** Finds the `emr-on-eks` backend plugin, in this backend or another one. */
  discovery: Pick<DiscoveryService, 'getBaseUrl'>;
}

/**
 * The {@link EmrOnEksClientService} of `emrOnEksClientServiceRef`: the
 * common `EmrOnEksClient`, found through discovery, with a plugin request
 * token on behalf of the given credentials on every request.
 *
 * @remarks
 *
 * Backend plugins and modules get it through `emrOnEksClientServiceRef`;
 * `create` is for code outside the backend system, such as an action built
 * by hand.
 *
 * @public
 */
export class DefaultEmrOnEksClientService implements EmrOnEksClientService {
  /** A service that calls the backend through `discovery`, with tokens from `auth`. */
  static create(
    options: DefaultEmrOnEksClientServiceOptions,
  ): DefaultEmrOnEksClientService {
    return new DefaultEmrOnEksClientService(options);
  }

  private constructor(
    private readonly options: DefaultEmrOnEksClientServiceOptions,
  ) {}

  /** {@inheritDoc EmrOnEksClientService.forCredentials} */
  forCredentials(credentials: BackstageCredentials): EmrOnEksApi {
    const { auth, discovery } = this.options;
    return new EmrOnEksClient({
      discoveryApi: discovery,
      fetchApi: {
        fetch: async (input, init) => {
          // One token per request, as the auth service asks: tokens are
          // short-lived and a client may outlive one (a task waiting for
          // a tenant to become Ready).
          const { token } = await auth.getPluginRequestToken({
            onBehalfOf: credentials,
            targetPluginId: EMR_ON_EKS_PLUGIN_ID,
          });
          const headers = new Headers(init?.headers);
          headers.set('Authorization', `Bearer ${token}`);
          return fetch(input, { ...init, headers });
        },
      },
    });
  }
}
