import type { DayRange } from './types';

/**
 * The CUR queries, written once for the two engines that run them: DuckDB
 * (local files) and Athena (Trino SQL). Pure: they build SQL text and its
 * positional `?` parameters. Only constants and validated identifiers go
 * into the text; every value (the days) goes in the parameters.
 */

/** The SQL engine a query is written for. */
export type SqlDialect = 'duckdb' | 'athena';

/**
 * The shape of the bill: the legacy CUR (flat `resource_tags_user_*`
 * columns) or CUR 2.0 of Data Exports (`resource_tags` is a map).
 */
export type CurLayout = 'legacy' | 'cur2';

/** Which cost is charged: unblended, or net of discounts. */
export type CurCostColumn = 'unblended' | 'net-unblended';

/**
 * How CUR 2.0 map columns are stored: a real MAP (Parquet, Athena), or JSON
 * text (CSV files read by DuckDB).
 */
export type CurMapEncoding = 'map' | 'json';

/** How a bill's files type `line_item_usage_start_date`. */
export type UsageStartType = 'timestamp' | 'timestamptz' | 'text';

/** A query and its positional parameters, in order. */
export interface SqlQuery {
  sql: string;
  parameters: string[];
}

/** What every CUR query needs to know about where it runs. */
export interface CurQueryTarget {
  dialect: SqlDialect;
  /** The FROM target: a view name, or `"database"."table"` (see {@link sqlTableTarget}). */
  from: string;
  layout: CurLayout;
  /** CUR 2.0 only; DuckDB over CSV reads maps as JSON text. Default `map`. */
  mapEncoding?: CurMapEncoding;
  /**
   * DuckDB only: how the files hold `line_item_usage_start_date`. Absent:
   * any of them (read as text through TIMESTAMPTZ, the slowest).
   */
  usageStartType?: UsageStartType;
  /**
   * The columns the bill has, lower case. Optional columns that are absent
   * read as NULL (net costs appear only with discounts, public On-Demand
   * columns and tag columns only when enabled). Absent: assume all present.
   */
  columns?: ReadonlySet<string>;
}

/** Cost allocation tags of the EMR on EKS pod labels, as CUR names them. */
export const JOB_ID_TAG = 'user_emr_containers_amazonaws_com_job_id';
export const VIRTUAL_CLUSTER_ID_TAG =
  'user_emr_containers_amazonaws_com_virtual_cluster_id';

/**
 * An EMR on EKS job-run ARN; group 1 the virtual cluster id, group 2 the job
 * id. Anchored: an id that merely contains one is not uplift.
 */
export const JOB_RUN_ARN_PATTERN =
  '^arn:aws[a-z-]*:emr-containers:[a-z0-9-]+:[0-9]{12}:/virtualclusters/([0-9a-z]+)/jobruns/([0-9a-z]+)$';

/** A pod of split cost allocation data; group 1 the namespace. */
export const POD_RESOURCE_ID_PATTERN =
  '^arn:aws[a-z-]*:eks:[a-z0-9-]+:[0-9]{12}:pod/[^/]+/([^/]+)/[^/]+/[^/]+$';

/** Columns every CUR query reads. */
export const REQUIRED_CUR_COLUMNS = [
  'line_item_usage_start_date',
  'line_item_product_code',
  'line_item_operation',
  'line_item_usage_type',
  'line_item_resource_id',
  'line_item_unblended_cost',
] as const;

/** Columns of split cost allocation data the compute query cannot do without. */
export const REQUIRED_SPLIT_COLUMNS = [
  'split_line_item_parent_resource_id',
  'split_line_item_split_cost',
  'split_line_item_unused_cost',
] as const;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
/** A view name, or one or two double-quoted plain identifiers joined by a dot. */
const FROM_TARGET =
  /^(?:[A-Za-z_][A-Za-z0-9_]{0,127}|"[A-Za-z_][A-Za-z0-9_]{0,127}"(?:\."[A-Za-z_][A-Za-z0-9_]{0,127}")?)$/;

/** Whether `name` is a plain SQL identifier (letters, digits and _). */
export function isPlainIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

/**
 * `"database"."table"` from config values; throws unless both are plain
 * identifiers, since they are written into the query text.
 */
export function sqlTableTarget(database: string, table: string): string {
  for (const [key, name] of [
    ['database', database],
    ['table', table],
  ]) {
    if (!isPlainIdentifier(name)) {
      throw new Error(
        `CUR ${key} must be a plain SQL identifier (letters, digits and _), got ${JSON.stringify(
          name,
        )}`,
      );
    }
  }
  return `"${database}"."${table}"`;
}

/** Throws unless `from` is a view name or a quoted `"database"."table"`. */
export function assertFromTarget(from: string): void {
  if (!FROM_TARGET.test(from)) {
    throw new Error(
      `CUR query target must be a view name or "database"."table", got ${JSON.stringify(
        from,
      )}`,
    );
  }
}

/** The layout of a bill by its columns: CUR 2.0 has a `resource_tags` column. */
export function curLayoutOfColumns(columns: Iterable<string>): CurLayout {
  for (const column of columns) {
    if (column.toLowerCase() === 'resource_tags') {
      return 'cur2';
    }
  }
  return 'legacy';
}

/** The required columns a bill lacks (empty when it has them all). */
export function missingColumns(
  columns: ReadonlySet<string>,
  required: readonly string[],
): string[] {
  return required.filter(column => !columns.has(column));
}

/**
 * The last day the bill fully covers: the day before its latest usage day,
 * since that day may still grow. Null when the bill has no usage.
 */
export function completeThroughOf(
  latestUsageDay: string | null,
): string | null {
  if (!latestUsageDay || !/^\d{4}-\d{2}-\d{2}$/.test(latestUsageDay)) {
    return null;
  }
  const day = new Date(`${latestUsageDay}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - 1);
  return day.toISOString().slice(0, 10);
}

/**
 * EMR on EKS uplift per UTC day, virtual cluster and job run: rows of
 * `ElasticMapReduce` whose resource id is a job-run ARN. Columns
 * `usage_day`, `virtual_cluster_id`, `job_run_id`, `amount`.
 */
export function upliftQuery(
  target: CurQueryTarget,
  costColumn: CurCostColumn,
  range: DayRange,
): SqlQuery {
  assertFromTarget(target.from);
  const resourceId = 'line_item_resource_id';
  return {
    sql: [
      'SELECT CAST(usage_date AS VARCHAR) AS usage_day, virtual_cluster_id, job_run_id,',
      '  SUM(amount) AS amount',
      'FROM (',
      `  SELECT CAST(${usageStart(target)} AS DATE) AS usage_date,`,
      // The anchored pattern has checked the ARN, so '/' splits it safely.
      `    split_part(${resourceId}, '/', 3) AS virtual_cluster_id,`,
      `    split_part(${resourceId}, '/', 5) AS job_run_id,`,
      `    ${lineItemCost(target, costColumn)} AS amount`,
      `  FROM ${target.from}`,
      "  WHERE line_item_product_code = 'ElasticMapReduce'",
      `    AND ${regexpMatches(
        target.dialect,
        resourceId,
        JOB_RUN_ARN_PATTERN,
      )}`,
      `    AND ${usageInRange(target)}`,
      ') uplift',
      'GROUP BY usage_date, virtual_cluster_id, job_run_id',
      'ORDER BY usage_date, virtual_cluster_id, job_run_id',
    ].join('\n'),
    parameters: [range.from, range.to],
  };
}

/**
 * The latest UTC usage day in the whole bill, any product: column
 * `latest_usage_day` (null when the bill is empty). See {@link completeThroughOf}.
 */
export function latestUsageDayQuery(target: CurQueryTarget): SqlQuery {
  assertFromTarget(target.from);
  return {
    sql: [
      `SELECT CAST(CAST(MAX(${usageStart(
        target,
      )}) AS DATE) AS VARCHAR) AS latest_usage_day`,
      `FROM ${target.from}`,
    ].join('\n'),
    parameters: [],
  };
}

/**
 * Pod compute from split cost allocation data (`EKSPod-EC2`) per UTC day,
 * namespace, virtual cluster, job run and capacity type of the parent
 * instance. Columns `usage_day`, `namespace`, `virtual_cluster_id`,
 * `job_run_id`, `capacity_type` (spot, on-demand, unknown), `amount`, and
 * `on_demand_amount` (null when the bill has no public On-Demand columns).
 */
export function splitComputeQuery(
  target: CurQueryTarget,
  costColumn: CurCostColumn,
  range: DayRange,
): SqlQuery {
  assertFromTarget(target.from);
  const { dialect, columns } = target;
  if (columns) {
    const missing = missingColumns(columns, REQUIRED_SPLIT_COLUMNS);
    if (missing.length > 0) {
      throw new Error(
        `The CUR has no split cost allocation data (missing ${missing.join(
          ', ',
        )}); ` +
          'include split cost allocation data in the export to use cur-split compute',
      );
    }
  }
  const resourceId = 'line_item_resource_id';
  const podKeys =
    'usage_date, namespace, virtual_cluster_id, job_run_id, parent_resource_id';
  return {
    sql: [
      // Pod lines summed per parent instance first: the join is then small.
      'WITH pods AS (',
      `  SELECT ${podKeys},`,
      '    SUM(amount) AS amount, SUM(on_demand_amount) AS on_demand_amount',
      '  FROM (',
      `    SELECT CAST(${usageStart(target)} AS DATE) AS usage_date,`,
      `      NULLIF(regexp_extract(${resourceId}, '${POD_RESOURCE_ID_PATTERN}', 1), '') AS namespace,`,
      `      ${tagValue(
        target,
        VIRTUAL_CLUSTER_ID_TAG,
      )} AS virtual_cluster_id,`,
      `      ${tagValue(target, JOB_ID_TAG)} AS job_run_id,`,
      `      ${text(
        dialect,
        'split_line_item_parent_resource_id',
      )} AS parent_resource_id,`,
      `      ${splitCost(target, costColumn)} AS amount,`,
      `      ${publicOnDemandCost(target)} AS on_demand_amount`,
      `    FROM ${target.from}`,
      "    WHERE line_item_operation = 'EKSPod-EC2'",
      `      AND ${usageInRange(target)}`,
      '  ) pod_lines',
      `  GROUP BY ${podKeys}`,
      '),',
      // An instance is Spot or On-Demand for its whole life; its usage lines
      // of the same days say which.
      'instances AS (',
      `  SELECT ${text(dialect, resourceId)} AS instance_id,`,
      '    MAX(CASE',
      "      WHEN line_item_usage_type LIKE '%SpotUsage%' THEN 2",
      "      WHEN line_item_usage_type LIKE '%BoxUsage%' THEN 1",
      '      ELSE 0 END) AS capacity_rank',
      `  FROM ${target.from}`,
      "  WHERE line_item_product_code = 'AmazonEC2'",
      "    AND (line_item_usage_type LIKE '%SpotUsage%' OR line_item_usage_type LIKE '%BoxUsage%')",
      `    AND ${usageInRange(target)}`,
      `  GROUP BY ${text(dialect, resourceId)}`,
      ')',
      'SELECT CAST(pods.usage_date AS VARCHAR) AS usage_day,',
      '  pods.namespace, pods.virtual_cluster_id, pods.job_run_id,',
      "  CASE instances.capacity_rank WHEN 2 THEN 'spot' WHEN 1 THEN 'on-demand' ELSE 'unknown' END AS capacity_type,",
      '  SUM(pods.amount) AS amount,',
      '  SUM(pods.on_demand_amount) AS on_demand_amount',
      'FROM pods',
      'LEFT JOIN instances ON pods.parent_resource_id = instances.instance_id',
      'GROUP BY pods.usage_date, pods.namespace, pods.virtual_cluster_id, pods.job_run_id, instances.capacity_rank',
      'ORDER BY pods.usage_date, pods.namespace, pods.virtual_cluster_id, pods.job_run_id, instances.capacity_rank',
    ].join('\n'),
    parameters: [range.from, range.to, range.from, range.to],
  };
}

/**
 * The usage start as a UTC timestamp. Athena's CUR tables type it as a
 * timestamp. In DuckDB it is what the files hold: a timestamp (Parquet, no
 * conversion), one with a zone (Parquet, converted in the session's UTC), or
 * text (CSV, read through TIMESTAMPTZ so that an offset is honoured).
 */
function usageStart(target: CurQueryTarget): string {
  const column = 'line_item_usage_start_date';
  if (target.dialect === 'athena' || target.usageStartType === 'timestamp') {
    return column;
  }
  if (target.usageStartType === 'timestamptz') {
    return `CAST(${column} AS TIMESTAMP)`;
  }
  return `CAST(CAST(${column} AS TIMESTAMPTZ) AS TIMESTAMP)`;
}

/**
 * Usage from the start of the first day parameter to the end of the second.
 * Bare comparisons, so a typed Parquet column can skip row groups.
 */
function usageInRange(target: CurQueryTarget): string {
  const start = usageStart(target);
  return (
    `${start} >= CAST(CAST(? AS DATE) AS TIMESTAMP)` +
    ` AND ${start} < CAST(CAST(? AS DATE) + INTERVAL '1' DAY AS TIMESTAMP)`
  );
}

function regexpMatches(
  dialect: SqlDialect,
  column: string,
  pattern: string,
): string {
  return dialect === 'athena'
    ? `regexp_like(${column}, '${pattern}')`
    : `regexp_matches(${column}, '${pattern}')`;
}

/** A column as text (ids: Parquet may type them otherwise). */
function text(dialect: SqlDialect, column: string): string {
  return dialect === 'athena' ? column : `CAST(${column} AS VARCHAR)`;
}

function has(target: CurQueryTarget, column: string): boolean {
  return !target.columns || target.columns.has(column);
}

function number(column: string): string {
  return `CAST(${column} AS DOUBLE)`;
}

/**
 * Net unblended cost where the bill has it (its columns exist only when the
 * account has discounts, and then equal unblended where none applies).
 */
function lineItemCost(
  target: CurQueryTarget,
  costColumn: CurCostColumn,
): string {
  const unblended = number('line_item_unblended_cost');
  if (
    costColumn === 'net-unblended' &&
    has(target, 'line_item_net_unblended_cost')
  ) {
    return `COALESCE(${number('line_item_net_unblended_cost')}, ${unblended})`;
  }
  return unblended;
}

/** A pod's cost: its split of the instance plus its share of the unused part. */
function splitCost(target: CurQueryTarget, costColumn: CurCostColumn): string {
  const part = (name: 'split_cost' | 'unused_cost') => {
    const plain = number(`split_line_item_${name}`);
    const net = `split_line_item_net_${name}`;
    return costColumn === 'net-unblended' && has(target, net)
      ? `COALESCE(${number(net)}, ${plain}, 0)`
      : `COALESCE(${plain}, 0)`;
  };
  return `(${part('split_cost')} + ${part('unused_cost')})`;
}

/** The same usage at public On-Demand rates; NULL when the bill lacks the columns. */
function publicOnDemandCost(target: CurQueryTarget): string {
  const split = 'split_line_item_public_on_demand_split_cost';
  const unused = 'split_line_item_public_on_demand_unused_cost';
  if (!has(target, split) || !has(target, unused)) {
    return 'CAST(NULL AS DOUBLE)';
  }
  return `(${number(split)} + COALESCE(${number(unused)}, 0))`;
}

/** A cost allocation tag's value, NULL when absent or empty. */
function tagValue(target: CurQueryTarget, tag: string): string {
  const { dialect } = target;
  if (target.layout === 'legacy') {
    const column = `resource_tags_${tag}`;
    return has(target, column)
      ? `NULLIF(${text(dialect, column)}, '')`
      : 'CAST(NULL AS VARCHAR)';
  }
  if (!has(target, 'resource_tags')) {
    return 'CAST(NULL AS VARCHAR)';
  }
  if (dialect === 'athena') {
    return `NULLIF(element_at(resource_tags, '${tag}'), '')`;
  }
  return target.mapEncoding === 'json'
    ? `NULLIF(json_extract_string(resource_tags, '$.${tag}'), '')`
    : `NULLIF(resource_tags['${tag}'], '')`;
}
