import type { LoggerService } from '@backstage/backend-plugin-api';
import type { EmrOnEksSettings } from '../../config';
import { DEFAULTS, type CostSettings } from '../../config';
import type { ComputeSource, DayRange, UpliftSource } from './CostSources';
import { sqlTableTarget } from '../../domain/costs/curQueries';
import { createAthenaClient } from '../aws/clients';
import {
  KubecostComputeSource,
  OpenCostComputeSource,
} from './AllocationApiSources';
import { AthenaSqlRunner } from './AthenaSqlRunner';
import {
  createDuckDbCurSources,
  CurSplitComputeSource,
  CurUpliftSource,
} from './CurCostSources';
import { createKubecostExportSource } from './KubecostExportSource';

/** The configured cost sources, and how to let go of what they hold. */
export interface CostSources {
  uplift: UpliftSource;
  compute: ComputeSource;
  close(): Promise<void>;
}

/** Something opened on first use, opened again after a failure. */
interface Opened<T> {
  value: T;
  close(): Promise<void>;
}

/**
 * Opens on first use, not at start-up: local files may appear after the
 * backend starts (`npm start` writes its sample data then), and a bad file
 * should fail a rollup with a clear message, not the whole backend. A failed
 * open is retried by the next rollup.
 */
class Lazy<T> {
  private opening?: Promise<Opened<T>>;

  constructor(private readonly open: () => Promise<Opened<T>>) {}

  async get(): Promise<T> {
    if (!this.opening) {
      this.opening = this.open();
      this.opening.catch(() => {
        this.opening = undefined;
      });
    }
    return (await this.opening).value;
  }

  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = undefined;
    if (opening) {
      await (await opening.catch(() => undefined))?.close();
    }
  }
}

/** Builds the sources `emrOnEks.costs` names. */
export async function createCostSources(options: {
  settings: EmrOnEksSettings;
  logger: LoggerService;
}): Promise<CostSources> {
  const costs = options.settings.costs;
  if (!costs) {
    throw new Error('emrOnEks.costs is not configured');
  }
  const cur = curSources(costs, options.settings);
  const uplift: UpliftSource = {
    uplift: async (range: DayRange, opts) =>
      (await cur.get()).uplift.uplift(range, opts),
  };
  let compute: ComputeSource;
  let closeCompute = async () => {};
  switch (costs.compute) {
    case 'cur-split':
      compute = {
        source: 'cur',
        compute: async (range, opts) =>
          (await cur.get()).compute.compute(range, opts),
      };
      break;
    case 'duckdb': {
      const files = new Lazy(async () => {
        const opened = await createKubecostExportSource({
          kubecostPath: costs.duckdb!.kubecostPath!,
        });
        return { value: opened.compute, close: opened.close };
      });
      compute = {
        source: 'kubecost',
        compute: async (range, opts) =>
          (await files.get()).compute(range, opts),
      };
      closeCompute = () => files.close();
      break;
    }
    case 'kubecost':
      compute = new KubecostComputeSource({ baseUrl: costs.kubecost!.baseUrl });
      break;
    case 'opencost':
      compute = new OpenCostComputeSource({ baseUrl: costs.opencost!.baseUrl });
      break;
    default:
      throw new Error(`emrOnEks.costs.compute ${costs.compute} is not known`);
  }
  options.logger.info(
    `Chargeback: uplift from ${costs.uplift}, compute from ${costs.compute}`,
  );
  return {
    uplift,
    compute,
    close: async () => {
      await Promise.all([cur.close(), closeCompute()]);
    },
  };
}

/** The CUR: uplift and split cost, from local files or Athena. */
function curSources(costs: CostSettings, settings: EmrOnEksSettings) {
  if (costs.uplift === 'athena') {
    const athena = costs.athena!;
    return new Lazy(async () => {
      const client = createAthenaClient(
        athena.region ?? settings.clusters[0].region,
        settings.aws,
        {
          connectMs: settings.aws.connectTimeoutSeconds * 1000,
          requestMs: settings.aws.requestTimeoutSeconds * 1000,
        },
        // The CUR's account, when it is not the backend's own.
        athena.roleArn
          ? {
              roleArn: athena.roleArn,
              externalId: athena.externalId,
              sessionName: DEFAULTS.awsSessionName,
            }
          : undefined,
      );
      const options = {
        source: 'emrOnEks.costs.athena',
        runner: new AthenaSqlRunner({
          client,
          database: athena.database,
          workgroup: athena.workgroup,
          outputLocation: athena.outputLocation,
          timeoutSeconds: athena.queryTimeoutSeconds,
        }),
        // Identifiers from config, validated as plain names; never a tenant's.
        from: sqlTableTarget(athena.database, athena.table),
        dialect: 'athena' as const,
        layout: athena.layout,
        costColumn: costs.costColumn,
      };
      return {
        value: {
          uplift: new CurUpliftSource(options),
          compute: new CurSplitComputeSource(options),
        },
        close: async () => client.destroy(),
      };
    });
  }
  if (costs.uplift === 'duckdb') {
    return new Lazy(async () => {
      const opened = await createDuckDbCurSources({
        curPath: costs.duckdb!.curPath!,
        costColumn: costs.costColumn,
      });
      return { value: opened, close: opened.close };
    });
  }
  throw new Error(`emrOnEks.costs.uplift ${costs.uplift} is not known`);
}
