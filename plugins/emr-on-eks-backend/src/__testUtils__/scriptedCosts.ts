import type { JsonObject } from '@backstage/types';
import request from 'supertest';
import type { ComputeRow, UpliftResult } from '../domain/costs/types';
import type { CostSources } from '../gateways/costs/createCostSources';
import { createEmrOnEksPlugin } from '../plugin';
import { testConfig } from './fixtures';
import { MemoryCluster } from './memoryGateways';
import { startEmrOnEksBackend } from './testBackend';

/** us-east-1's EMR on EKS uplift rates, as the tests configure them. */
export const UPLIFT_RATE = { vcpuHour: 0.01012, gbHour: 0.00111125 };

/** What the scripted cost sources answer; a test changes it before a refresh. */
export interface CostScript {
  uplift: UpliftResult;
  compute: ComputeRow[];
}

/** A compute row of a script: a job's Spot compute of nothing, unless told. */
export function computeRow(
  date: string,
  overrides: Partial<ComputeRow> = {},
): ComputeRow {
  return {
    date,
    allocation: 'job',
    namespace: null,
    virtualClusterId: null,
    emrJobRunId: null,
    category: 'compute',
    capacityType: 'spot',
    amount: 0,
    onDemandAmount: null,
    vcpuHours: null,
    gbHours: null,
    ...overrides,
  };
}

/**
 * Chargeback in the fast tier: the real plugin, router, services, stores and
 * permission framework on SQLite, in-memory cluster gateways, and cost
 * sources that answer `script` in place of the CUR and Kubecost (the real
 * sources have suites of their own against real engines and recorded
 * answers). `costs` is merged into `emrOnEks.costs`; null leaves costs
 * unconfigured.
 */
export async function startWithScriptedCosts(costs: JsonObject | null = {}) {
  const cluster = new MemoryCluster();
  const script: CostScript = {
    uplift: { rows: [], completeThrough: null },
    compute: [],
  };
  const sources: CostSources = {
    uplift: { uplift: async () => script.uplift },
    compute: { source: 'kubecost', compute: async () => script.compute },
    close: async () => {},
  };
  const config = testConfig();
  if (costs) {
    (config.emrOnEks as JsonObject).costs = {
      duckdb: { curPath: 'unused/*.csv', kubecostPath: 'unused/*.csv' },
      rates: { 'us-east-1': UPLIFT_RATE },
      ...costs,
    };
  }
  const backend = await startEmrOnEksBackend(
    config,
    [],
    createEmrOnEksPlugin({
      createGateways: () => cluster,
      createCostSources: async () => sources,
    }),
  );
  return { ...backend, cluster, script, api: () => request(backend.server) };
}
