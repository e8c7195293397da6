import { ConfigReader } from '@backstage/config';
import { DEV_SIGN_IN_USER_HEADER, devAuthenticator } from './devSignIn';

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
