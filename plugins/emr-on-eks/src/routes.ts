import { createRouteRef } from '@backstage/core-plugin-api';

/** The tenants page (`/emr-on-eks` by default). */
export const rootRouteRef = createRouteRef({ id: 'emr-on-eks' });
