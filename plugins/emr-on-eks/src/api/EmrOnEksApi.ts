import {
  createApiFactory,
  createApiRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import {
  EmrOnEksApi,
  EmrOnEksClient,
} from '@spot-spark/plugin-emr-on-eks-common';

export type { EmrOnEksApi } from '@spot-spark/plugin-emr-on-eks-common';

/**
 * The EMR on EKS backend, as the frontend calls it: the typed REST client of
 * `@spot-spark/plugin-emr-on-eks-common`.
 *
 * @public
 */
export const emrOnEksApiRef = createApiRef<EmrOnEksApi>({
  id: 'plugin.emr-on-eks.service',
});

/**
 * The one factory of {@link emrOnEksApiRef}, shared by the legacy plugin and
 * the new frontend system's `ApiBlueprint`.
 */
export const emrOnEksApiFactory = createApiFactory({
  api: emrOnEksApiRef,
  deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
  factory: ({ discoveryApi, fetchApi }) =>
    new EmrOnEksClient({ discoveryApi, fetchApi }),
});
