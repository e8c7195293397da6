/*
 * Local-only sign-in for the example: pick one of the example users, no
 * password. It exists so that one person on a laptop can see the plugin
 * through the eyes of a platform admin and of members of different teams;
 * a real Backstage signs people in with a real provider (see
 * examples/app-config.production.yaml).
 *
 * A proxy-style auth provider named `dev`: the frontend (or curl) asks
 * `GET /api/auth/dev/refresh?user=alice` (or sends the header
 * `x-dev-sign-in-user: alice`) and gets a Backstage session for the catalog
 * user `user:default/alice`, with the ownership refs of the groups she is a
 * member of, like any other provider's sign-in through the catalog.
 *
 * It is on only when `auth.providers.dev.enabled` is `true`, and then it
 * starts only on a developer's machine: `auth.environment` must be
 * `development` and NODE_ENV `development` or `test` (see
 * {@link devSignInRefusal}). Only the users listed in
 * `auth.providers.dev.users` may be chosen.
 */
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
  SignInResolver,
} from '@backstage/plugin-auth-node';
import { isLocalNodeEnv, shownSetting } from './localOnly';

/** The header the example app's sign-in page sends the chosen user in. */
export const DEV_SIGN_IN_USER_HEADER = 'x-dev-sign-in-user';

/** What the authenticator hands to the sign-in resolver: the chosen user's name. */
export interface DevSignInResult {
  userName: string;
}

/**
 * Why the dev sign-in must not start, or undefined when it may: only with
 * `auth.environment: development` and NODE_ENV `development` or `test`,
 * exactly. An allow-list, because the mistake it guards against is a
 * deployment that forgot to say it is one: `Production`, `staging`, an
 * unset NODE_ENV or an unset `auth.environment` all refuse.
 */
export function devSignInRefusal(options: {
  authEnvironment: string | undefined;
  nodeEnv: string | undefined;
}): string | undefined {
  const { authEnvironment, nodeEnv } = options;
  if (authEnvironment === 'development' && isLocalNodeEnv(nodeEnv)) {
    return undefined;
  }
  const shown = shownSetting;
  return `auth.providers.dev.enabled is true, but the dev sign-in lets anyone who can reach this backend sign in without a password as any listed user, so it starts only on a developer's machine: auth.environment must be development (it is ${shown(
    authEnvironment,
  )}) and NODE_ENV development or test (it is ${shown(
    nodeEnv,
  )}). For a local run, set both (npm start does); anywhere else, set auth.providers.dev.enabled to false and configure a real sign-in provider.`;
}

/*
 * The backend's error handler answers by error name (400 InputError,
 * 403 NotAllowedError), so these need no dependency on @backstage/errors.
 */
function namedError(name: 'InputError' | 'NotAllowedError', message: string) {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** The part of an Express request the authenticator reads. */
interface SignInRequest {
  header(name: string): string | undefined;
  query: Record<string, unknown>;
}

/** The user asked for, from the header or the `user` query parameter. */
function requestedUser(req: SignInRequest): string | undefined {
  const fromHeader = req.header(DEV_SIGN_IN_USER_HEADER);
  const fromQuery = req.query.user;
  const name = fromHeader ?? (typeof fromQuery === 'string' ? fromQuery : '');
  return name.trim() || undefined;
}

/**
 * Accepts the users of the provider's `users` allow-list, nobody else.
 *
 * @public
 */
export const devAuthenticator = createProxyAuthenticator({
  initialize({ config }) {
    return { users: config.getStringArray('users') };
  },
  async authenticate({ req }, { users }) {
    const userName = requestedUser(req);
    if (!userName) {
      throw namedError(
        'InputError',
        `Name the user to sign in as: ?user=<name> or the ${DEV_SIGN_IN_USER_HEADER} header (one of ${users.join(
          ', ',
        )})`,
      );
    }
    if (!users.includes(userName)) {
      throw namedError(
        'NotAllowedError',
        `${userName} is not one of the users of the dev sign-in (auth.providers.dev.users: ${users.join(
          ', ',
        )})`,
      );
    }
    return { result: { userName } };
  },
  // The profile the app shows (name, email) comes from the user's entity.
  async defaultProfileTransform(result: DevSignInResult, ctx) {
    const { entity } = await ctx.findCatalogUser({
      entityRef: { name: result.userName },
    });
    const profile = (entity.spec?.profile ?? {}) as {
      displayName?: string;
      email?: string;
      picture?: string;
    };
    return {
      profile: {
        displayName: profile.displayName ?? result.userName,
        email: profile.email,
        picture: profile.picture,
      },
    };
  },
});

/**
 * Signs in as the catalog user of that name: the token carries the user's
 * ref and, as ownership refs, the groups the user is a member of (which is
 * what the permission policy looks at).
 *
 * @public
 */
export const signInAsCatalogUser: SignInResolver<DevSignInResult> = async (
  { result },
  ctx,
) => ctx.signInWithCatalogUser({ entityRef: { name: result.userName } });

/**
 * The `dev` auth provider, registered only when
 * `auth.providers.dev.enabled` is true; with it on, the backend refuses to
 * start unless {@link devSignInRefusal} allows it.
 *
 * @public
 */
export default createBackendModule({
  pluginId: 'auth',
  moduleId: 'dev-sign-in',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ providers, config, logger }) {
        const enabled =
          config.getOptionalBoolean('auth.providers.dev.enabled') === true;
        if (!enabled) {
          logger.info(
            'The dev sign-in is off (auth.providers.dev.enabled is not true)',
          );
          return;
        }
        // Anyone who can reach the backend could sign in as anyone listed:
        // anywhere but a developer's machine, that is a configuration
        // mistake, and a backend that does not start says so loudest.
        const refusal = devSignInRefusal({
          authEnvironment: config.getOptionalString('auth.environment'),
          nodeEnv: process.env.NODE_ENV,
        });
        if (refusal) {
          throw new Error(refusal);
        }
        logger.warn(
          `The dev sign-in is on: anyone who can reach this backend can sign in, without a password, as ${config
            .getStringArray('auth.providers.dev.users')
            .join(', ')}. For local runs only.`,
        );
        providers.registerProvider({
          providerId: 'dev',
          factory: createProxyAuthProviderFactory({
            authenticator: devAuthenticator,
            signInResolver: signInAsCatalogUser,
          }),
        });
      },
    });
  },
});
