import { Navigate, Route } from 'react-router-dom';
import { createApp } from '@backstage/app-defaults';
import { AppRouter, FlatRoutes } from '@backstage/core-app-api';
import { AlertDisplay, OAuthRequestDialog } from '@backstage/core-components';
import {
  CatalogEntityPage,
  CatalogIndexPage,
  catalogPlugin,
} from '@backstage/plugin-catalog';
import { orgPlugin } from '@backstage/plugin-org';
import { NotificationsPage } from '@backstage/plugin-notifications';
import { ScaffolderPage, scaffolderPlugin } from '@backstage/plugin-scaffolder';
import { signalsPlugin } from '@backstage/plugin-signals';
import { EmrOnEksPage } from '@spot-spark/plugin-emr-on-eks';
import { apis } from './apis';
import { entityPage } from './components/catalog/EntityPage';
import { Root } from './components/Root';
import { DevSignInPage } from './components/signIn';
import { appThemes } from './theme';

const app = createApp({
  apis,
  // Signals: the job-runs card updates when the backend announces a change,
  // instead of polling (the notifications plugin uses them too).
  plugins: [signalsPlugin],
  // Backstage's themes with a visible keyboard focus.
  themes: appThemes,
  components: {
    // LOCAL ONLY: pick one of the example users. A real app configures
    // SignInPage with its provider, e.g.
    //   <SignInPage {...props} auto provider={{ id: 'github-auth-provider',
    //     title: 'GitHub', message: 'Sign in using GitHub',
    //     apiRef: githubAuthApiRef }} />
    SignInPage: props => <DevSignInPage {...props} />,
  },
  bindRoutes({ bind }) {
    bind(orgPlugin.externalRoutes, {
      catalogIndex: catalogPlugin.routes.catalogIndex,
    });
    bind(catalogPlugin.externalRoutes, {
      createComponent: scaffolderPlugin.routes.root,
    });
  },
});

const routes = (
  <FlatRoutes>
    <Route path="/" element={<Navigate to="catalog" />} />
    <Route path="/catalog" element={<CatalogIndexPage />} />
    <Route
      path="/catalog/:namespace/:kind/:name"
      element={<CatalogEntityPage />}
    >
      {entityPage}
    </Route>
    <Route path="/emr-on-eks" element={<EmrOnEksPage />} />
    {/* The templates: onboard a team, start a Spot-ready Spark job. */}
    <Route path="/create" element={<ScaffolderPage />} />
    {/* Failed or cancelled runs, tenants that became Ready or Failed. */}
    <Route path="/notifications" element={<NotificationsPage />} />
  </FlatRoutes>
);

export default app.createRoot(
  <>
    <AlertDisplay />
    <OAuthRequestDialog />
    <AppRouter>
      <Root>{routes}</Root>
    </AppRouter>
  </>,
);
