import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';

// A standalone backend with just this plugin, on the local defaults of the
// repository's app-config.yaml (SQLite, GitOps directory, moto). Start it with
// `npm start` at the repository root, which also starts moto.
//
// Auth is mocked so the API can be called with curl and no token; permissions
// are off (permission.enabled is not set), so every request is allowed.

const backend = createBackend();
backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(import('../src'));
backend.start();
