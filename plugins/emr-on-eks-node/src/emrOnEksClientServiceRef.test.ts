import {
  AuthService,
  BackstageCredentials,
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Router } from 'express';
import type { EmrOnEksClientService } from './EmrOnEksClientService';
import { emrOnEksClientServiceRef } from './emrOnEksClientServiceRef';

/*
 * The service's default factory in a real test backend: a caller plugin gets
 * it as a dependency and calls a stand-in `emr-on-eks` plugin, whose
 * `httpAuth` says who each request came from. The mock auth service refuses
 * a token meant for another plugin, so an answer also proves the token's
 * target.
 */

type Principal = BackstageCredentials['principal'];

/** The `emr-on-eks` plugin reduced to `GET /tenants`, recording its callers. */
function emrOnEksStandIn(callers: Principal[]) {
  return createBackendPlugin({
    pluginId: 'emr-on-eks',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
        },
        async init({ httpRouter, httpAuth }) {
          const router = Router();
          router.get('/tenants', (req, res, next) => {
            httpAuth
              .credentials(req, { allow: ['user', 'service'] })
              .then(credentials => {
                callers.push(credentials.principal);
                res.json({ items: [] });
              }, next);
          });
          httpRouter.use(router);
        },
      });
    },
  });
}

/** A plugin `pluginId` that hands the test its EMR on EKS clients and auth. */
function caller(
  pluginId: string,
  receive: (deps: {
    emrOnEks: EmrOnEksClientService;
    auth: AuthService;
  }) => void,
) {
  return createBackendPlugin({
    pluginId,
    register(env) {
      env.registerInit({
        deps: { emrOnEks: emrOnEksClientServiceRef, auth: coreServices.auth },
        async init(deps) {
          receive(deps);
        },
      });
    },
  });
}

async function start(callerId: string) {
  const callers: Principal[] = [];
  let deps: { emrOnEks: EmrOnEksClientService; auth: AuthService } | undefined;
  await startTestBackend({
    features: [emrOnEksStandIn(callers), caller(callerId, d => (deps = d))],
  });
  return { callers, ...deps! };
}

describe('emrOnEksClientServiceRef', () => {
  it('calls the emr-on-eks plugin as the user whose credentials it was given', async () => {
    const { callers, emrOnEks } = await start('scaffolder');

    const page = await emrOnEks
      .forCredentials(mockCredentials.user('user:default/alice'))
      .listTenants();

    expect(page).toEqual({ items: [] });
    expect(callers).toEqual([
      { type: 'user', userEntityRef: 'user:default/alice' },
    ]);
  });

  it("calls it as the calling plugin with the plugin's own credentials", async () => {
    const { callers, emrOnEks, auth } = await start('catalog');

    await emrOnEks
      .forCredentials(await auth.getOwnServiceCredentials())
      .listTenants();

    expect(callers).toEqual([{ type: 'service', subject: 'plugin:catalog' }]);
  });

  it('sends nothing for credentials no token can be issued for', async () => {
    const { callers, emrOnEks } = await start('scaffolder');

    await expect(
      emrOnEks.forCredentials(mockCredentials.none()).listTenants(),
    ).rejects.toThrow(
      "Refused to issue service token for credential type 'none'",
    );
    expect(callers).toEqual([]);
  });
});
