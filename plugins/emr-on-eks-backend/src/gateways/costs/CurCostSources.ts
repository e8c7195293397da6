import {
  assertFromTarget,
  completeThroughOf,
  latestUsageDayQuery,
  splitComputeQuery,
  upliftQuery,
  type CurCostColumn,
  type CurLayout,
  type CurMapEncoding,
  type CurQueryTarget,
  type SqlDialect,
  type UsageStartType,
} from '../../domain/costs/curQueries';
import type { CapacityType } from '@spot-spark/plugin-emr-on-eks-common';
import type {
  ComputeRow,
  ComputeSource,
  DayRange,
  SqlRunner,
  UpliftResult,
  UpliftRow,
  UpliftSource,
} from './CostSources';
import { sqlAmount } from './amounts';
import { CUR_PATH_KEY, DuckDbSqlRunner } from './DuckDbSqlRunner';

/** Where and how the CUR is queried. */
export interface CurSourceOptions {
  runner: SqlRunner;
  /** The config key of the bill, for messages (`emrOnEks.costs.duckdb.curPath`). */
  source: string;
  /** The FROM target: a DuckDB view, or a validated `"database"."table"`. */
  from: string;
  dialect: SqlDialect;
  layout: CurLayout;
  costColumn: CurCostColumn;
  /** CUR 2.0 in DuckDB over CSV: maps are JSON text. Default `map`. */
  mapEncoding?: CurMapEncoding;
  /** DuckDB: how the files type the usage start (see {@link UsageStartType}). */
  usageStartType?: UsageStartType;
  /** The bill's columns when known; optional ones absent read as NULL. */
  columns?: ReadonlySet<string>;
}

/** The EMR on EKS uplift from the CUR, in Athena or DuckDB. */
export class CurUpliftSource implements UpliftSource {
  constructor(private readonly options: CurSourceOptions) {
    assertFromTarget(options.from);
  }

  async uplift(
    range: DayRange,
    options: { signal?: AbortSignal } = {},
  ): Promise<UpliftResult> {
    const { runner, costColumn } = this.options;
    const target = queryTarget(this.options);
    const uplift = upliftQuery(target, costColumn, range);
    const latest = latestUsageDayQuery(target);
    const [rows, [latestRow]] = await Promise.all([
      runner.query(uplift.sql, uplift.parameters, options),
      runner.query(latest.sql, latest.parameters, options),
    ]);
    return {
      rows: rows.map(row => upliftRow(row, this.options)),
      completeThrough: completeThroughOf(latestRow?.latest_usage_day ?? null),
    };
  }
}

/** Pod compute from the CUR's split cost allocation data (`cur-split`). */
export class CurSplitComputeSource implements ComputeSource {
  readonly source = 'cur' as const;

  constructor(private readonly options: CurSourceOptions) {
    assertFromTarget(options.from);
  }

  async compute(
    range: DayRange,
    options: { signal?: AbortSignal } = {},
  ): Promise<ComputeRow[]> {
    const { runner, costColumn } = this.options;
    const query = splitComputeQuery(
      queryTarget(this.options),
      costColumn,
      range,
    );
    const rows = await runner.query(query.sql, query.parameters, options);
    return rows.map(row => computeRow(row, this.options.source));
  }
}

/** The CUR sources over local files, and how to let go of DuckDB. */
export interface DuckDbCurSources {
  uplift: CurUpliftSource;
  compute: CurSplitComputeSource;
  layout: CurLayout;
  close(): Promise<void>;
}

/**
 * The CUR sources over the files of `curPath` (`emrOnEks.costs.duckdb.curPath`),
 * CSV or Parquet, legacy or CUR 2.0 as the files say.
 */
export async function createDuckDbCurSources(options: {
  curPath: string;
  costColumn: CurCostColumn;
}): Promise<DuckDbCurSources> {
  const runner = await DuckDbSqlRunner.create();
  try {
    const shape = await runner.registerCurView(
      'cur',
      options.curPath,
      CUR_PATH_KEY,
    );
    const sourceOptions: CurSourceOptions = {
      runner,
      source: CUR_PATH_KEY,
      from: 'cur',
      dialect: 'duckdb',
      costColumn: options.costColumn,
      ...shape,
    };
    return {
      uplift: new CurUpliftSource(sourceOptions),
      compute: new CurSplitComputeSource(sourceOptions),
      layout: shape.layout,
      close: () => runner.close(),
    };
  } catch (error) {
    await runner.close();
    throw error;
  }
}

function queryTarget(options: CurSourceOptions): CurQueryTarget {
  return {
    dialect: options.dialect,
    from: options.from,
    layout: options.layout,
    mapEncoding: options.mapEncoding,
    usageStartType: options.usageStartType,
    columns: options.columns,
  };
}

function upliftRow(
  row: Record<string, string | null>,
  options: Pick<CurSourceOptions, 'source' | 'costColumn'>,
): UpliftRow {
  const date = required(row, 'usage_day');
  return {
    date,
    virtualClusterId: required(row, 'virtual_cluster_id'),
    emrJobRunId: required(row, 'job_run_id'),
    amount:
      sqlAmount(row, 'amount', {
        source: options.source,
        field: `the ${options.costColumn} cost of the EMR on EKS uplift`,
        row: date,
      }) ?? 0,
  };
}

function computeRow(
  row: Record<string, string | null>,
  source: string,
): ComputeRow {
  const date = required(row, 'usage_day');
  const namespace = row.namespace || null;
  const emrJobRunId = row.job_run_id || null;
  let allocation: ComputeRow['allocation'] = 'unallocated';
  if (emrJobRunId) {
    allocation = 'job';
  } else if (namespace) {
    allocation = 'namespace';
  }
  return {
    date,
    allocation,
    namespace,
    virtualClusterId: row.virtual_cluster_id || null,
    emrJobRunId,
    category: 'compute',
    capacityType: capacityTypeOf(row.capacity_type),
    amount:
      sqlAmount(row, 'amount', {
        source,
        field: 'split_line_item_split_cost + split_line_item_unused_cost',
        row: date,
      }) ?? 0,
    onDemandAmount: sqlAmount(row, 'on_demand_amount', {
      source,
      field:
        'split_line_item_public_on_demand_split_cost + split_line_item_public_on_demand_unused_cost',
      row: date,
    }),
    vcpuHours: null,
    gbHours: null,
  };
}

function capacityTypeOf(value: string | null): CapacityType {
  return value === 'spot' || value === 'on-demand' ? value : 'unknown';
}

function required(row: Record<string, string | null>, column: string): string {
  const value = row[column];
  if (!value) {
    throw new Error(`The CUR query answered a row without ${column}`);
  }
  return value;
}
