import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { EmrOnEksApi } from '@spot-spark/plugin-emr-on-eks-common';

/**
 * Clients of the `emr-on-eks` backend plugin's REST API for other backend
 * plugins and modules, each acting with the credentials it was made for.
 *
 * @remarks
 *
 * Every request carries a token issued for that request on behalf of the
 * credentials, so the backend plugin's permission checks apply to the
 * caller: pass the user's credentials (a scaffolder task's initiator, an
 * incoming request's `httpAuth.credentials(req)`) to act as that user, or
 * `auth.getOwnServiceCredentials()` to act as the calling plugin itself.
 *
 * @public
 */
export interface EmrOnEksClientService {
  /**
   * A client that acts with `credentials`. Making one sends nothing; each of
   * its requests asks for a fresh token.
   */
  forCredentials(credentials: BackstageCredentials): EmrOnEksApi;
}
