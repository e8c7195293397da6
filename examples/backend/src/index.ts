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

// The software catalog: examples/catalog (users, groups, Spark jobs, tenants).
backend.add(import('@backstage/plugin-catalog-backend'));

// The permission framework with this organisation's policy.
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./permissionPolicy'));

// EMR on EKS.
backend.add(import('@spot-spark/plugin-emr-on-eks-backend'));

backend.start();
