import { useState } from 'react';
import {
  Content,
  ErrorPanel,
  Header,
  InfoCard,
  Page,
  ProxiedSignInPage,
} from '@backstage/core-components';
import {
  configApiRef,
  IdentityApi,
  SignInPageProps,
  useApi,
} from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';

/**
 * The users of the example catalog (examples/catalog/org.yaml) that the
 * local `dev` sign-in lets you be; the backend's
 * `auth.providers.dev.users` allow-list must name them too.
 */
export const EXAMPLE_USERS = [
  {
    name: 'admin',
    displayName: 'Ada Admin',
    group: 'platform',
    can: 'Platform admin: onboards and offboards tenants, changes their guardrails, sees every tenant and job run.',
  },
  {
    name: 'alice',
    displayName: 'Alice',
    group: 'team-a',
    can: "Member of team-a: sees team-a's tenant and runs, submits and cancels them. Sees nothing of team-b.",
  },
  {
    name: 'carol',
    displayName: 'Carol',
    group: 'team-a',
    can: 'Also in team-a: the same rights as Alice, on the same tenant.',
  },
  {
    name: 'bob',
    displayName: 'Bob',
    group: 'team-b',
    can: "Member of team-b: sees team-b's tenant and runs only.",
  },
  {
    name: 'dana',
    displayName: 'Dana',
    group: 'team-c',
    can: 'Lead of team-c, which has no tenant yet: onboards it with the "Onboard a team" template, then starts a Spark job from the Spot-ready template.',
  },
] as const;

/** The header the backend's dev provider reads the chosen user from. */
const USER_HEADER = 'x-dev-sign-in-user';
/** Remembers the choice, so a reload signs the same user in again. */
const STORAGE_KEY = 'example-app:dev-sign-in-user';

function rememberedUser(): string | undefined {
  try {
    return window.localStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

function remember(user: string | undefined) {
  try {
    if (user) {
      window.localStorage.setItem(STORAGE_KEY, user);
    } else {
      window.localStorage.removeItem(STORAGE_KEY);
    }
  } catch {
    // Private mode without storage: the choice lasts until the next reload.
  }
}

/** The session, except that signing out also forgets the chosen user. */
function forgettingOnSignOut(identity: IdentityApi): IdentityApi {
  return {
    getProfileInfo: () => identity.getProfileInfo(),
    getBackstageIdentity: () => identity.getBackstageIdentity(),
    getCredentials: () => identity.getCredentials(),
    signOut: async () => {
      remember(undefined);
      await identity.signOut();
    },
  };
}

/**
 * LOCAL ONLY: the example app's sign-in page. It lists the example users;
 * choosing one signs in through the backend's `dev` provider (a proxy-style
 * provider: `GET /api/auth/dev/refresh` with the user in a header), which
 * issues a normal Backstage session for that catalog user. A real app uses
 * `SignInPage` with a real provider instead (see the README).
 */
export const DevSignInPage = (props: SignInPageProps) => {
  const configApi = useApi(configApiRef);
  const [user, setUser] = useState<string | undefined>(rememberedUser);
  const title = configApi.getOptionalString('app.title') ?? 'Backstage';

  if (user) {
    return (
      <ProxiedSignInPage
        {...props}
        provider="dev"
        headers={{ [USER_HEADER]: user }}
        onSignInSuccess={identity => {
          remember(user);
          props.onSignInSuccess(forgettingOnSignOut(identity));
        }}
        ErrorComponent={({ error }) => (
          <Page themeId="home">
            <Header title={title} subtitle={`Could not sign in as ${user}`} />
            <Content>
              <ErrorPanel
                title={`Signing in as ${user} failed`}
                error={error ?? new Error('unknown error')}
              />
              <Button
                variant="contained"
                color="primary"
                onClick={() => {
                  remember(undefined);
                  setUser(undefined);
                }}
              >
                Choose another user
              </Button>
            </Content>
          </Page>
        )}
      />
    );
  }

  return (
    <Page themeId="home">
      <Header
        title={title}
        subtitle="Local sign-in: choose who you are (no password; npm start only)"
      />
      <Content>
        <Grid container spacing={3}>
          {EXAMPLE_USERS.map(candidate => (
            <Grid item xs={12} sm={6} md={3} key={candidate.name}>
              <InfoCard
                title={candidate.displayName}
                subheader={`user:default/${candidate.name} · group ${candidate.group}`}
              >
                <Typography variant="body2" paragraph>
                  {candidate.can}
                </Typography>
                <Button
                  variant="contained"
                  color="primary"
                  aria-label={`Sign in as ${candidate.name}`}
                  onClick={() => setUser(candidate.name)}
                >
                  Sign in as {candidate.name}
                </Button>
              </InfoCard>
            </Grid>
          ))}
        </Grid>
      </Content>
    </Page>
  );
};
