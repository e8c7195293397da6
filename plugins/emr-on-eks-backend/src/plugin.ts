import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { emrOnEksPermissions } from '@spot-spark/plugin-emr-on-eks-common';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { createSqsJobRunEventQueue } from './gateways/aws/JobRunEventQueue';
import {
  BackstageJobRunChanges,
  QuietNotifier,
} from './services/events/JobRunChanges';
import { JobRunEventConsumer } from './services/events/JobRunEventConsumer';
import { NotificationTenantNotices } from './services/events/TenantNotices';
import { readEmrOnEksSettings, type ClusterSettings } from './config';
import { BackstageEntityCatalogGateway } from './gateways/EntityCatalogGateway';
import {
  ClusterGatewayRegistry,
  createClusterGateways,
} from './gateways/ClusterGateways';
import { tenantPermissionRules, tenantResourceRef } from './permissions';
import { createRouter } from './router';
import { registerEmrOnEksActions } from './actions/registerActions';
import { createCostSources } from './gateways/costs/createCostSources';
import { ClusterService } from './services/clusters/ClusterService';
import { CostOverviewService } from './services/costs/CostOverviewService';
import { BudgetAlerts } from './services/costs/BudgetAlerts';
import { BudgetService } from './services/costs/BudgetService';
import { CostService } from './services/costs/CostService';
import { JobLogService } from './services/jobs/JobLogService';
import { JobSubmissionService } from './services/jobs/JobSubmissionService';
import { JobSyncService } from './services/jobs/JobSyncService';
import { SparkUiService } from './services/jobs/SparkUiService';
import { createTenantServices } from './services/createTenantServices';
import { EventsTenantChanges } from './services/tenants/TenantChanges';
import { migrateDatabase } from './stores/database';
import { BudgetStore } from './stores/costs/BudgetStore';
import { CostRunStore } from './stores/costs/CostRunStore';
import { CostMonthStore } from './stores/costs/CostMonthStore';
import { CostStore } from './stores/costs/CostStore';
import { ExecutorLossStore } from './stores/ExecutorLossStore';
import { IncarnationStore } from './stores/IncarnationStore';
import { JobRunStore } from './stores/JobRunStore';
import { JobSyncStore } from './stores/JobSyncStore';
import { SparkUiStore } from './stores/SparkUiStore';
import { TenantAuditStore } from './stores/TenantAuditStore';
import { TenantLeaseStore } from './stores/TenantLeaseStore';
import { TenantStore } from './stores/TenantStore';

/**
 * The plugin, building each cluster's gateways with `createGateways`: the AWS
 * SDK and Kubernetes ones from config in production, in-memory ones in the
 * fast test tier; and the cost sources with `createCostSources` likewise.
 */
export function createEmrOnEksPlugin(
  options: {
    createGateways?: typeof createClusterGateways;
    createCostSources?: typeof createCostSources;
  } = {},
) {
  const createGateways = options.createGateways ?? createClusterGateways;
  const createSources = options.createCostSources ?? createCostSources;
  return createBackendPlugin({
    pluginId: 'emr-on-eks',
    register(env) {
      env.registerInit({
        deps: {
          config: coreServices.rootConfig,
          logger: coreServices.logger,
          database: coreServices.database,
          scheduler: coreServices.scheduler,
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
          permissions: coreServices.permissions,
          permissionsRegistry: coreServices.permissionsRegistry,
          auditor: coreServices.auditor,
          lifecycle: coreServices.lifecycle,
          cache: coreServices.cache,
          auth: coreServices.auth,
          userInfo: coreServices.userInfo,
          catalog: catalogServiceRef,
          events: eventsServiceRef,
          // Both have default implementations: without their backends
          // installed, signals go nowhere and notifications are skipped.
          signals: signalsServiceRef,
          notifications: notificationService,
          // Where the actions for assistants are registered (docs/mcp.md).
          actionsRegistry: actionsRegistryServiceRef,
        },
        async init(deps) {
          const settings = readEmrOnEksSettings(deps.config, {
            logger: deps.logger,
          });
          if (deps.config.getOptionalBoolean('permission.enabled') !== true) {
            deps.logger.warn(
              'permission.enabled is not true: the permission framework allows every request, so any signed-in user can read, change and offboard every tenant and its job runs. Enable it with a policy before teams use this plugin (see the plugin README, Permissions).',
            );
          }
          const db = await migrateDatabase(deps.database);
          const store = new TenantStore(db);
          const gateways = new ClusterGatewayRegistry(cluster =>
            createGateways({ cluster, settings, logger: deps.logger }),
          );
          const catalog = new BackstageEntityCatalogGateway(
            deps.catalog,
            deps.logger,
          );
          // Once every plugin has started, see whether a catalog answers.
          deps.lifecycle.addStartupHook(async () => {
            await catalog.probe(await deps.auth.getOwnServiceCredentials());
          });
          // Run changes as signals and notifications (once per change).
          const notifier = new QuietNotifier(deps.notifications, deps.logger);
          const jobRunChanges = BackstageJobRunChanges.create({
            signals: deps.signals,
            notifier,
            catalog,
            auth: deps.auth,
            settings: settings.notifications,
            logger: deps.logger,
          });
          // Each cluster's preflight (the Clusters tab), consulted by onboarding.
          const clusters = ClusterService.create({
            settings,
            gatewaysFor: cluster => gateways.get(cluster),
            logger: deps.logger,
          });
          const { tenants, reconciler, queue } = createTenantServices({
            settings,
            store,
            audit: new TenantAuditStore(db),
            leases: new TenantLeaseStore(db),
            logger: deps.logger,
            gatewaysFor: cluster => gateways.get(cluster),
            // Every change as an event, for the catalog's tenant provider.
            changes: EventsTenantChanges.create({
              events: deps.events,
              logger: deps.logger,
            }),
            notices: new NotificationTenantNotices(
              notifier,
              settings.notifications,
            ),
            clusterReadiness: name => clusters.failedChecks(name),
            // A team's group name is its own to take.
            groupsNamed: async names =>
              catalog.groupsNamed(
                names,
                await deps.auth.getOwnServiceCredentials(),
              ),
          });
          const jobRuns = new JobRunStore(db);
          const jobRunsFor = (cluster: ClusterSettings) =>
            gateways.get(cluster).jobRuns;
          const jobs = JobSubmissionService.create({
            settings,
            jobs: jobRuns,
            tenants: store,
            jobRunsFor,
            catalog,
            audit: new TenantAuditStore(db),
            changes: jobRunChanges,
          });
          const jobSync = JobSyncService.create({
            settings,
            jobs: jobRuns,
            syncStates: new JobSyncStore(db),
            tenants: store,
            jobRunsFor,
            logger: deps.logger,
            changes: jobRunChanges,
          });
          // EMR's events, pushed through SQS: one consumer per replica.
          const eventQueues = settings.clusters.flatMap(cluster => {
            const eventQueue = createSqsJobRunEventQueue(
              cluster,
              settings,
              gateways.get(cluster).awsCredentials,
            );
            return eventQueue
              ? [{ cluster: cluster.name, queue: eventQueue }]
              : [];
          });
          const eventConsumer = JobRunEventConsumer.create({
            queues: eventQueues,
            jobs: jobRuns,
            sync: jobSync,
            changes: jobRunChanges,
            logger: deps.logger,
          });
          deps.lifecycle.addStartupHook(() => eventConsumer.start());

          const costSources = settings.costs
            ? await createSources({ settings, logger: deps.logger })
            : undefined;
          const costs = CostService.create({
            settings,
            costs: new CostStore(db),
            runs: new CostRunStore(db),
            incarnations: new IncarnationStore(db),
            sources: costSources,
            logger: deps.logger,
          });
          // Budgets and forecasts; threshold alerts after each rollup.
          const budgetStore = new BudgetStore(db);
          const budgets = BudgetService.create({
            settings,
            store: budgetStore,
          });
          const budgetAlerts = BudgetAlerts.create({
            budgets,
            store: budgetStore,
            notifier,
            settings: settings.notifications,
            logger: deps.logger,
            lookbackDays: settings.costs?.lookbackDays,
          });

          const logs = JobLogService.create({
            settings,
            tenants,
            runLogsFor: cluster => gateways.get(cluster).runLogs,
            losses: new ExecutorLossStore(db),
            cache: deps.cache,
          });

          deps.permissionsRegistry.addResourceType({
            resourceRef: tenantResourceRef,
            permissions: emrOnEksPermissions,
            rules: tenantPermissionRules,
            getResources: names => tenants.findTenants(names),
          });

          deps.httpRouter.use(
            await createRouter({
              httpAuth: deps.httpAuth,
              permissions: deps.permissions,
              auditor: deps.auditor,
              userInfo: deps.userInfo,
              logger: deps.logger,
              tenants,
              reconciler,
              jobs,
              costs,
              budgets,
              costOverview: CostOverviewService.create({
                settings,
                months: new CostMonthStore(db),
                costs: new CostStore(db),
                incarnations: new IncarnationStore(db),
                budgets,
              }),
              logs,
              clusters,
              sparkUi: SparkUiService.create({
                settings,
                store: new SparkUiStore(db),
                tenants,
                sparkUiFor: cluster => gateways.get(cluster).sparkUi,
              }),
            }),
          );
          // The same answers for assistants, through the actions registry (MCP).
          registerEmrOnEksActions({
            actionsRegistry: deps.actionsRegistry,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            auditor: deps.auditor,
            userInfo: deps.userInfo,
            tenants,
            jobs,
            costs,
            budgets,
            logs,
            clusters,
          });
          deps.httpRouter.addAuthPolicy({
            path: '/health',
            allow: 'unauthenticated',
          });

          await deps.scheduler.scheduleTask({
            id: 'emr-on-eks-reconcile-tenants',
            ...settings.reconcileSchedule,
            // After the adopter's settings: one run at a time across replicas.
            scope: 'global',
            fn: signal => reconciler.reconcileAll({ signal }),
          });
          await deps.scheduler.scheduleTask({
            id: 'emr-on-eks-sync-job-runs',
            ...settings.jobSyncSchedule,
            // After the adopter's settings: one run at a time across replicas.
            scope: 'global',
            // Aborted when the run outlives its timeout: the scheduler then
            // frees the task, and another replica may start the next run.
            fn: async signal => {
              await jobSync.syncAll({ signal });
            },
          });
          if (costSources) {
            await deps.scheduler.scheduleTask({
              id: 'emr-on-eks-cost-rollup',
              ...settings.costSchedule,
              // After the adopter's settings: one run at a time across replicas.
              scope: 'global',
              fn: async signal => {
                await costs.refreshRecent({ signal });
                await budgetAlerts.checkAll({ signal });
              },
            });
          } else {
            deps.logger.info(
              'emrOnEks.costs is not configured: chargeback is off (the cost endpoints answer with no sources)',
            );
          }
          deps.lifecycle.addShutdownHook(async () => {
            await eventConsumer.stop();
            eventQueues.forEach(({ queue: q }) => q.dispose());
            await jobRunChanges.settled();
            await costSources?.close();
            await queue.shutdown();
            gateways.disposeAll();
          });
        },
      });
    },
  });
}

/**
 * EMR on EKS backend plugin: tenant onboarding and reconcile, job submission
 * and job-run sync.
 *
 * @public
 */
export const emrOnEksPlugin = createEmrOnEksPlugin();
