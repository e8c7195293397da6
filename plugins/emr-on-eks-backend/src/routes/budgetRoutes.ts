import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  costMonthSchema,
  emrOnEksCostReadPermission,
  emrOnEksTenantGuardrailsUpdatePermission,
  type Tenant,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { Request, Router } from 'express';
import { z } from 'zod';
import type { BudgetService } from '../services/costs/BudgetService';
import { actorOf, ApiAccess } from './access';
import { parseQuery } from './query';

const forecastQuerySchema = z
  .object({ month: costMonthSchema.optional() })
  .strict();

/**
 * A tenant's monthly budget (read with its costs, set by who may set its
 * guardrails) and its month's forecast. Budgets belong to the incarnation:
 * a name onboarded again starts without one.
 */
export function addBudgetRoutes(
  router: Router,
  options: { access: ApiAccess; budgets: BudgetService },
) {
  const { access, budgets } = options;

  /** Who may not read the tenant's costs learns nothing of it: 404. */
  async function readable(req: Request) {
    const credentials = await access.credentials(req);
    return access.visibleTenant(
      req.params.name,
      credentials,
      emrOnEksCostReadPermission,
    );
  }

  /** A budget change: the tenant visible, the guardrails permission on it, audited. */
  async function changeBudget<T>(
    req: Request,
    eventId: string,
    change: (tenant: Tenant, credentials: BackstageCredentials) => Promise<T>,
  ): Promise<T> {
    const credentials = await access.credentials(req);
    return access.audited(
      req,
      eventId,
      { tenant: req.params.name },
      async () => {
        const tenant = await access.visibleTenant(req.params.name, credentials);
        // Budgets are the platform's, like the guardrails.
        await access.requireOn(
          emrOnEksTenantGuardrailsUpdatePermission,
          tenant.name,
          credentials,
          'to set its budget',
        );
        return change(tenant, credentials);
      },
    );
  }

  router.get('/tenants/:name/budget', async (req, res) => {
    const tenant = await readable(req);
    res.json({ budget: await budgets.getBudget(tenant) });
  });

  router.put('/tenants/:name/budget', async (req, res) => {
    const budget = await changeBudget(
      req,
      'tenant-budget-set',
      (tenant, credentials) =>
        budgets.setBudget(tenant, req.body, actorOf(credentials)),
    );
    res.json(budget);
  });

  router.delete('/tenants/:name/budget', async (req, res) => {
    await changeBudget(req, 'tenant-budget-delete', tenant =>
      budgets.deleteBudget(tenant),
    );
    res.json({ budget: null });
  });

  router.get('/tenants/:name/costs/forecast', async (req, res) => {
    const tenant = await readable(req);
    const { month } = parseQuery(forecastQuerySchema, req.query);
    res.json(await budgets.forecast(tenant, month));
  });
}
