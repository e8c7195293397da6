import {
  assertFromTarget,
  missingColumns,
  type SqlQuery,
} from '../../domain/costs/curQueries';
import type {
  ComputeAllocation,
  ComputeRow,
  ComputeSource,
  DayRange,
  SqlRunner,
} from './CostSources';
import { sqlAmount } from './amounts';
import { DuckDbSqlRunner, KUBECOST_PATH_KEY } from './DuckDbSqlRunner';

/** The header of a Kubecost allocation export (examples/cost-data/README.md). */
export const KUBECOST_EXPORT_COLUMNS = [
  'date',
  'namespace',
  'pod',
  'job_id',
  'virtual_cluster_id',
  'spark_role',
  'capacity_type',
  'cpu_cost',
  'ram_cost',
  'pv_cost',
  'network_cost',
  'total_cost',
] as const;

/**
 * Compute (total less PVs) and storage (PVs) per day, allocation, namespace,
 * virtual cluster, job and capacity type, in DuckDB SQL. `__idle__` pods are
 * idle capacity; `__unallocated__` pods and pods of no namespace are
 * unallocated; both keep no namespace, virtual cluster or job, so they are
 * never charged to a tenant.
 */
export function kubecostExportQuery(from: string, range: DayRange): SqlQuery {
  assertFromTarget(from);
  const id = (column: string) => `NULLIF(trim(CAST(${column} AS VARCHAR)), '')`;
  const cost = (column: string) => `COALESCE(CAST(${column} AS DOUBLE), 0)`;
  return {
    sql: [
      'WITH allocations AS (',
      '  SELECT strftime(CAST("date" AS DATE), \'%Y-%m-%d\') AS usage_day,',
      '    CASE',
      "      WHEN pod = '__idle__' THEN 'idle'",
      `      WHEN pod = '__unallocated__' OR ${id(
        'namespace',
      )} IS NULL THEN 'unallocated'`,
      `      WHEN ${id('job_id')} IS NOT NULL THEN 'job'`,
      "      ELSE 'namespace' END AS allocation,",
      `    ${id('namespace')} AS namespace,`,
      `    ${id('virtual_cluster_id')} AS virtual_cluster_id,`,
      `    ${id('job_id')} AS job_run_id,`,
      "    CASE lower(trim(CAST(capacity_type AS VARCHAR))) WHEN 'spot' THEN 'spot' WHEN 'on-demand' THEN 'on-demand' ELSE 'unknown' END AS capacity_type,",
      `    ${cost('total_cost')} - ${cost('pv_cost')} AS compute_amount,`,
      `    ${cost('pv_cost')} AS storage_amount`,
      `  FROM ${from}`,
      '  WHERE CAST("date" AS DATE) BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)',
      ')',
      'SELECT usage_day, allocation,',
      "  CASE WHEN allocation IN ('job', 'namespace') THEN namespace END AS namespace,",
      "  CASE WHEN allocation IN ('job', 'namespace') THEN virtual_cluster_id END AS virtual_cluster_id,",
      "  CASE WHEN allocation = 'job' THEN job_run_id END AS job_run_id,",
      '  capacity_type,',
      '  SUM(compute_amount) AS compute_amount,',
      '  SUM(storage_amount) AS storage_amount',
      'FROM allocations',
      'GROUP BY ALL',
      'ORDER BY usage_day, allocation, namespace, virtual_cluster_id, job_run_id, capacity_type',
    ].join('\n'),
    parameters: [range.from, range.to],
  };
}

/** Compute and storage from Kubecost allocation export files, through DuckDB. */
export class KubecostExportComputeSource implements ComputeSource {
  readonly source = 'kubecost' as const;

  constructor(private readonly options: { runner: SqlRunner; from: string }) {
    assertFromTarget(options.from);
  }

  async compute(
    range: DayRange,
    options: { signal?: AbortSignal } = {},
  ): Promise<ComputeRow[]> {
    const query = kubecostExportQuery(this.options.from, range);
    const rows = await this.options.runner.query(
      query.sql,
      query.parameters,
      options,
    );
    return rows.flatMap(row => exportRows(row));
  }
}

/**
 * The Kubecost export source over the files of `kubecostPath`
 * (`emrOnEks.costs.duckdb.kubecostPath`), CSV or Parquet.
 */
export async function createKubecostExportSource(options: {
  kubecostPath: string;
}): Promise<{ compute: KubecostExportComputeSource; close(): Promise<void> }> {
  const runner = await DuckDbSqlRunner.create();
  try {
    const columns = await runner.registerFileView(
      'kubecost_allocations',
      options.kubecostPath,
      KUBECOST_PATH_KEY,
    );
    const missing = missingColumns(
      new Set(columns.map(column => column.name)),
      KUBECOST_EXPORT_COLUMNS,
    );
    if (missing.length > 0) {
      throw new Error(
        `${KUBECOST_PATH_KEY}: the files lack columns ${missing.join(', ')}; ` +
          `expected the header ${KUBECOST_EXPORT_COLUMNS.join(',')}`,
      );
    }
    return {
      compute: new KubecostExportComputeSource({
        runner,
        from: 'kubecost_allocations',
      }),
      close: () => runner.close(),
    };
  } catch (error) {
    await runner.close();
    throw error;
  }
}

/** One compute row, and a storage row when PVs cost anything. */
function exportRows(row: Record<string, string | null>): ComputeRow[] {
  const date = row.usage_day;
  if (!date) {
    throw new Error('A Kubecost export row has no date');
  }
  const base = {
    date,
    allocation: allocationOf(row.allocation),
    namespace: row.namespace || null,
    virtualClusterId: row.virtual_cluster_id || null,
    emrJobRunId: row.job_run_id || null,
    capacityType:
      row.capacity_type === 'spot' || row.capacity_type === 'on-demand'
        ? row.capacity_type
        : 'unknown',
    onDemandAmount: null,
    vcpuHours: null,
    gbHours: null,
  } as const;
  const rows: ComputeRow[] = [
    {
      ...base,
      category: 'compute',
      amount:
        sqlAmount(row, 'compute_amount', {
          source: KUBECOST_PATH_KEY,
          field: 'total_cost - pv_cost',
          row: date,
        }) ?? 0,
    },
  ];
  const storage =
    sqlAmount(row, 'storage_amount', {
      source: KUBECOST_PATH_KEY,
      field: 'pv_cost',
      row: date,
    }) ?? 0;
  if (storage !== 0) {
    rows.push({ ...base, category: 'storage', amount: storage });
  }
  return rows;
}

function allocationOf(value: string | null): ComputeAllocation {
  if (
    value === 'job' ||
    value === 'namespace' ||
    value === 'idle' ||
    value === 'unallocated'
  ) {
    return value;
  }
  throw new Error(`Unexpected allocation ${value}`);
}
