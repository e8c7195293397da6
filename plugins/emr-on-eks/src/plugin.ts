import type { JSX } from 'react';
import {
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
} from '@backstage/core-plugin-api';
import { emrOnEksApiFactory } from './api';
import type { EmrOnEksPageProps } from './components/EmrOnEksPage';
import type { EntityEmrChargebackCardProps } from './components/EntityEmrChargebackCard';
import type { EntityEmrGroupCostsCardProps } from './components/EntityEmrGroupCostsCard';
import type { EntityEmrJobRunsCardProps } from './components/EntityEmrJobRunsCard';
import { rootRouteRef } from './routes';

/**
 * The EMR on EKS frontend plugin for apps on the legacy frontend system: the
 * API client, the entity card and tab, and the tenants page.
 *
 * @public
 */
export const emrOnEksPlugin = createPlugin({
  id: 'emr-on-eks',
  apis: [emrOnEksApiFactory],
  routes: { root: rootRouteRef },
});

/**
 * The job runs of the current entity, as a card: a Component's own runs, a
 * Group's or Resource's tenant's (the tenant named in the annotation
 * `emr-on-eks.spot-spark.io/tenant`). Without the annotation it explains how
 * to add it. Show it with `isEmrOnEksAvailable`.
 *
 * @public
 */
export const EntityEmrJobRunsCard: (
  props: EntityEmrJobRunsCardProps,
) => JSX.Element = emrOnEksPlugin.provide(
  createComponentExtension({
    name: 'EntityEmrJobRunsCard',
    component: {
      lazy: () =>
        import('./components/EntityEmrJobRunsCard').then(
          m => m.EntityEmrJobRunsCard,
        ),
    },
  }),
);

/**
 * What the current entity's Spark runs cost (chargeback): a Component's own
 * runs, a tenant's (the tenant named in the annotation
 * `emr-on-eks.spot-spark.io/tenant`, or a tenant's Resource), a Group's
 * tenants summed. A period selector, the total and its change, a daily chart
 * (Spot, On-Demand, EMR uplift; estimated days hatched), the costliest jobs,
 * Spot savings and a CSV download. Show it with `isEmrChargebackAvailable`.
 *
 * @public
 */
export const EntityEmrChargebackCard: (
  props: EntityEmrChargebackCardProps,
) => JSX.Element = emrOnEksPlugin.provide(
  createComponentExtension({
    name: 'EntityEmrChargebackCard',
    component: {
      lazy: () =>
        import('./components/EntityEmrChargebackCard').then(
          m => m.EntityEmrChargebackCard,
        ),
    },
  }),
);

/**
 * What a Group's EMR on EKS tenants cost over a period: the sum and each
 * tenant's share, from one request (`GET /costs?ownerRef=`). Show it on
 * Group pages, with `isEmrGroupCostsAvailable`.
 *
 * @public
 */
export const EntityEmrGroupCostsCard: (
  props: EntityEmrGroupCostsCardProps,
) => JSX.Element = emrOnEksPlugin.provide(
  createComponentExtension({
    name: 'EntityEmrGroupCostsCard',
    component: {
      lazy: () =>
        import('./components/EntityEmrGroupCostsCard').then(
          m => m.EntityEmrGroupCostsCard,
        ),
    },
  }),
);

/**
 * The job runs of the current entity on a tab of their own (larger pages).
 *
 * @public
 */
export const EntityEmrJobRunsContent: (
  props: EntityEmrJobRunsCardProps,
) => JSX.Element = emrOnEksPlugin.provide(
  createComponentExtension({
    name: 'EntityEmrJobRunsContent',
    component: {
      lazy: () =>
        import('./components/EntityEmrJobRunsContent').then(
          m => m.EntityEmrJobRunsContent,
        ),
    },
  }),
);

/**
 * The tenants page: every tenant the user may see, its reconcile steps, audit
 * trail, and retry/offboard where permitted. Mount it at `/emr-on-eks`.
 *
 * @public
 */
export const EmrOnEksPage: (props: EmrOnEksPageProps) => JSX.Element =
  emrOnEksPlugin.provide(
    createRoutableExtension({
      name: 'EmrOnEksPage',
      component: () =>
        import('./components/EmrOnEksPage').then(m => m.EmrOnEksPage),
      mountPoint: rootRouteRef,
    }),
  );
