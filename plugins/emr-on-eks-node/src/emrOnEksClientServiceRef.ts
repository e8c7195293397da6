import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { DefaultEmrOnEksClientService } from './DefaultEmrOnEksClientService';
import type { EmrOnEksClientService } from './EmrOnEksClientService';

/**
 * The {@link EmrOnEksClientService} of a backend plugin or module: clients of
 * the `emr-on-eks` backend plugin that act with given credentials.
 *
 * @remarks
 *
 * Its default factory builds a {@link DefaultEmrOnEksClientService} from the
 * depending plugin's own auth and discovery services, so the tokens name
 * that plugin as the caller; nothing needs to be installed for it.
 *
 * @example
 * ```ts
 * deps: { emrOnEks: emrOnEksClientServiceRef, auth: coreServices.auth },
 * async init({ emrOnEks, auth }) {
 *   const client = emrOnEks.forCredentials(await auth.getOwnServiceCredentials());
 *   const page = await client.listTenants({ limit: 50 });
 * }
 * ```
 *
 * @public
 */
export const emrOnEksClientServiceRef = createServiceRef<EmrOnEksClientService>(
  {
    id: 'emr-on-eks.client',
    defaultFactory: async service =>
      createServiceFactory({
        service,
        deps: {
          auth: coreServices.auth,
          discovery: coreServices.discovery,
        },
        factory: ({ auth, discovery }) =>
          DefaultEmrOnEksClientService.create({ auth, discovery }),
      }),
  },
);
