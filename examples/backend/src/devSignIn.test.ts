import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import authPlugin from '@backstage/plugin-auth-backend';
import devSignInModule, {
  DEV_SIGN_IN_USER_HEADER,
  devAuthenticator,
  devSignInRefusal,
} from './devSignIn';

/** The parts of an Express request the authenticator reads. */
function request(options: {
  header?: string;
  query?: Record<string, unknown>;
}): any {
  return {
    header: (name: string) =>
      name.toLowerCase() === DEV_SIGN_IN_USER_HEADER
        ? options.header
        : undefined,
    query: options.query ?? {},
  };
}

describe('devAuthenticator', () => {
  const context = devAuthenticator.initialize({
    config: new ConfigReader({ enabled: true, users: ['admin', 'alice'] }),
  });

  it('signs in a listed user named in the header', async () => {
    await expect(
      devAuthenticator.authenticate(
        { req: request({ header: 'alice' }) },
        context,
      ),
    ).resolves.toEqual({ result: { userName: 'alice' } });
  });

  it('signs in a listed user named in ?user=', async () => {
    await expect(
      devAuthenticator.authenticate(
        { req: request({ query: { user: 'admin' } }) },
        context,
      ),
    ).resolves.toEqual({ result: { userName: 'admin' } });
  });

  it('refuses a user who is not on the list, with 403', async () => {
    await expect(
      devAuthenticator.authenticate(
        { req: request({ header: 'mallory' }) },
        context,
      ),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('mallory is not one of the users'),
    });
  });

  it('asks for a user when none is named, with 400', async () => {
    await expect(
      devAuthenticator.authenticate({ req: request({}) }, context),
    ).rejects.toMatchObject({ name: 'InputError' });
  });
});

/*
 * The module in a backend with Backstage's auth plugin: whether the backend
 * starts, and whether the `dev` provider answers, for each environment.
 */
describe('the dev sign-in module', () => {
  const nodeEnv = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = nodeEnv;
  });

  function setNodeEnv(value: string | undefined) {
    if (value === undefined) {
      delete process.env.NODE_ENV;
    } else {
      process.env.NODE_ENV = value;
    }
  }

  function start(options: { enabled: boolean; authEnvironment?: string }) {
    return startTestBackend({
      features: [
        authPlugin,
        devSignInModule,
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            auth: {
              ...(options.authEnvironment !== undefined
                ? { environment: options.authEnvironment }
                : {}),
              providers: {
                dev: { enabled: options.enabled, users: ['admin', 'alice'] },
              },
            },
          },
        }),
      ],
    });
  }

  it.each([
    ['development', 'development'],
    ['development', 'test'],
  ])(
    'starts with auth.environment %s and NODE_ENV %s, and the dev provider answers',
    async (authEnvironment, env) => {
      setNodeEnv(env);
      const backend = await start({ enabled: true, authEnvironment });
      try {
        // The authenticator's own 400: the provider is registered.
        const res = await fetch(
          `http://localhost:${backend.server.port()}/api/auth/dev/refresh`,
        );
        expect(res.status).toBe(400);
        expect((await res.json()).error.message).toContain(
          'Name the user to sign in as',
        );
      } finally {
        await backend.stop();
      }
    },
  );

  it.each([
    // NODE_ENV says it is not a developer's or a test's process.
    ['development', 'production'],
    ['development', 'Production'],
    ['development', 'PRODUCTION'],
    ['development', 'staging'],
    ['development', 'Development'],
    ['development', ''],
    ['development', undefined],
    // auth.environment is not development, or not said at all.
    ['production', 'development'],
    ['Development', 'development'],
    ['staging', 'test'],
    [undefined, 'development'],
    [undefined, undefined],
  ])(
    'refuses to start with auth.environment %p and NODE_ENV %p, saying what to set',
    async (authEnvironment, env) => {
      setNodeEnv(env);
      await expect(start({ enabled: true, authEnvironment })).rejects.toThrow(
        /the dev sign-in .* starts only on a developer's machine: auth\.environment must be development \(it is .*\) and NODE_ENV development or test \(it is .*\)\. For a local run, set both .*set auth\.providers\.dev\.enabled to false/,
      );
    },
  );

  it('names the values it found, so the fix is plain', () => {
    expect(
      devSignInRefusal({ authEnvironment: undefined, nodeEnv: 'Production' }),
    ).toContain(
      'auth.environment must be development (it is unset) and NODE_ENV development or test (it is "Production")',
    );
  });

  it('starts anywhere with the dev sign-in off, and then there is no dev provider', async () => {
    setNodeEnv('production');
    const backend = await start({
      enabled: false,
      authEnvironment: 'production',
    });
    try {
      const res = await fetch(
        `http://localhost:${backend.server.port()}/api/auth/dev/refresh?user=admin`,
      );
      expect(res.status).toBe(404);
    } finally {
      await backend.stop();
    }
  });
});
