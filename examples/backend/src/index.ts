/*
 * The example backend: a Backstage backend that installs the EMR on EKS
 * backend plugin exactly as an adopter's backend would, next to the plugins
 * it works with (catalog, auth, permissions) and the app backend serving
 * the built example frontend.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

// Serves the built frontend (examples/app, `app.packageName: example-app`).
backend.add(import('@backstage/plugin-app-backend'));

// Sign-in. `./devSignIn` adds the local-only `dev` provider (pick one of the
// example users, no password); it refuses to start in production.
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('./devSignIn'));

// The software catalog: examples/catalog (users, groups, Spark jobs) and the
// templates; every EMR on EKS tenant as a Resource (type emr-virtual-cluster),
// updated on each change through the events service.
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@spot-spark/plugin-catalog-backend-module-emr-on-eks'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-events-backend'));

// The permission framework with this organisation's policy.
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./permissionPolicy'));

// EMR on EKS.
backend.add(import('@spot-spark/plugin-emr-on-eks-backend'));

// Assistants (MCP): the actions of the plugins listed in
// backend.actions.pluginSources (app-config.yaml) as MCP tools at
// /api/mcp-actions/v1; each runs as the calling user, through the plugin's
// own permission checks (docs/mcp.md).
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// Live state and notifications: the EMR on EKS plugin publishes each job-run
// change on signals (the job-runs card updates without polling) and
// notifies people of failed and cancelled runs and of tenants that became
// Ready or Failed (the bell in the sidebar). Both need the events backend
// above; without them the plugin works as before. (The signals backend is
// pinned to 0.3.19: 0.3.21 needs backend-defaults 0.19, this backend is on 0.18.)
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));

// Software templates (templates/): the scaffolder with the EMR on EKS actions.
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@spot-spark/plugin-scaffolder-backend-module-emr-on-eks'));
// LOCAL ONLY: publishes generated projects to Git repositories on disk and
// registers them as file locations (no network); off unless
// localPublish.enabled, and refuses to start in production.
backend.add(import('./localPublish'));

backend.start();
