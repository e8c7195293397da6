import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import {
  REQUIRED_CUR_COLUMNS,
  curLayoutOfColumns,
  isPlainIdentifier,
  missingColumns,
  type CurLayout,
  type CurMapEncoding,
  type UsageStartType,
} from '../../domain/costs/curQueries';
import type { SqlRunner } from './CostSources';

/** The config keys named in errors about files. */
export const CUR_PATH_KEY = 'emrOnEks.costs.duckdb.curPath';
export const KUBECOST_PATH_KEY = 'emrOnEks.costs.duckdb.kubecostPath';

/** How files are read, by their extension. */
export type DataFileFormat = 'csv' | 'parquet';

/** A column of a view, its name lower case. */
export interface ColumnInfo {
  name: string;
  type: string;
}

/** What the CUR files are: their layout and the columns they have. */
export interface CurFilesShape {
  layout: CurLayout;
  /** How `resource_tags` is stored (cur2): a Parquet MAP, or JSON text in CSV. */
  mapEncoding: CurMapEncoding;
  /** How `line_item_usage_start_date` is typed: typed columns filter faster. */
  usageStartType: UsageStartType;
  columns: ReadonlySet<string>;
}

/** The format of the files a glob names, by its extension; undefined when neither. */
export function dataFileFormat(glob: string): DataFileFormat | undefined {
  if (/\.parquet$/i.test(glob)) {
    return 'parquet';
  }
  if (/\.csv(\.gz|\.zst)?$/i.test(glob)) {
    return 'csv';
  }
  return undefined;
}

/**
 * `value` as a SQL string literal. DuckDB takes no prepared parameters in
 * CREATE VIEW, so the file glob (from config, but still) is quoted here.
 */
export function sqlStringLiteral(value: string): string {
  if (value.includes('\0')) {
    throw new Error('a SQL string may not contain a NUL character');
  }
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * {@link SqlRunner} on an in-memory DuckDB: the embedded engine that reads
 * CUR-shaped and Kubecost export files. Each query runs on its own
 * connection, so queries may overlap and one can be interrupted alone.
 */
export class DuckDbSqlRunner implements SqlRunner {
  private closed = false;

  private constructor(private readonly instance: DuckDBInstance) {}

  static async create(): Promise<DuckDbSqlRunner> {
    const instance = await DuckDBInstance.create(':memory:');
    const runner = new DuckDbSqlRunner(instance);
    // CUR days are UTC days; timestamps with a zone convert in the session's.
    await runner.query("SET GLOBAL TimeZone = 'UTC'", []);
    return runner;
  }

  async query(
    sql: string,
    parameters: string[],
    options: { signal?: AbortSignal } = {},
  ): Promise<Array<Record<string, string | null>>> {
    const { signal } = options;
    signal?.throwIfAborted();
    const connection = await this.connect();
    const interrupt = () => connection.interrupt();
    signal?.addEventListener('abort', interrupt, { once: true });
    try {
      const params = parameters.length > 0 ? parameters : undefined;
      if (!/^\s*(SELECT|WITH)\b/i.test(sql)) {
        const reader = await connection.runAndReadAll(sql, params);
        signal?.throwIfAborted();
        return reader.getRowObjects().map(textRow);
      }
      // A query's rows as one JSON text: each value converted through the
      // native binding costs about 1.5 µs, and a rollup reads millions.
      const reader = await connection.runAndReadAll(
        `SELECT CAST(to_json(coalesce(list(q), [])) AS VARCHAR) AS rows FROM (${sql}) q`,
        params,
      );
      signal?.throwIfAborted();
      const [[json]] = reader.getRows();
      let rows: Array<Record<string, unknown>>;
      try {
        rows = JSON.parse(String(json));
      } catch {
        // DuckDB writes an infinite or NaN double as a bare Infinity or NaN,
        // which is no JSON: read those rows value by value, so the caller
        // sees the value and can say which field holds it.
        const slow = await connection.runAndReadAll(sql, params);
        signal?.throwIfAborted();
        rows = slow.getRowObjects();
      }
      return rows.map(textRow);
    } catch (error) {
      signal?.throwIfAborted();
      throw error;
    } finally {
      signal?.removeEventListener('abort', interrupt);
      connection.closeSync();
    }
  }

  /**
   * Creates (or replaces) view `view` over the files of `glob`: CSV (every
   * column text, so ids keep their leading zeros; queries cast costs) or
   * Parquet, by extension; files of different columns unite by name.
   * `configKey` names the setting the glob came from, for the errors.
   */
  async registerFileView(
    view: string,
    glob: string,
    configKey: string,
  ): Promise<ColumnInfo[]> {
    if (!isPlainIdentifier(view)) {
      throw new Error(`view name must be a plain identifier, got ${view}`);
    }
    const format = dataFileFormat(glob);
    if (!format) {
      throw new Error(
        `${configKey}: ${JSON.stringify(
          glob,
        )} must name .csv, .csv.gz or .parquet files`,
      );
    }
    const [found] = await this.query('SELECT count(*) AS files FROM glob(?)', [
      glob,
    ]);
    if (Number(found?.files ?? 0) === 0) {
      throw new Error(
        `${configKey}: no files match ${JSON.stringify(glob)} ` +
          `(relative paths are read from ${process.cwd()})`,
      );
    }
    const files = sqlStringLiteral(glob);
    const reader =
      format === 'csv'
        ? `read_csv(${files}, header = true, union_by_name = true, all_varchar = true)`
        : `read_parquet(${files}, union_by_name = true)`;
    await this.query(
      `CREATE OR REPLACE VIEW ${view} AS SELECT * FROM ${reader}`,
      [],
    );
    return this.columnsOf(view);
  }

  /**
   * {@link registerFileView} for CUR files, and what they are: CUR 2.0 when
   * they have a `resource_tags` column, the legacy layout otherwise.
   */
  async registerCurView(
    view: string,
    glob: string,
    configKey: string = CUR_PATH_KEY,
  ): Promise<CurFilesShape> {
    const columnInfo = await this.registerFileView(view, glob, configKey);
    const columns = new Set(columnInfo.map(column => column.name));
    const missing = missingColumns(columns, REQUIRED_CUR_COLUMNS);
    if (missing.length > 0) {
      throw new Error(
        `${configKey}: the files are not CUR-shaped; missing columns ${missing.join(
          ', ',
        )} ` +
          '(expected the Athena-style names of the legacy CUR or of CUR 2.0)',
      );
    }
    const layout = curLayoutOfColumns(columns);
    const tagsType =
      columnInfo.find(column => column.name === 'resource_tags')?.type ?? '';
    let mapEncoding: CurMapEncoding = 'map';
    if (layout === 'cur2') {
      if (/^MAP\(/i.test(tagsType)) {
        mapEncoding = 'map';
      } else if (/^(VARCHAR|JSON)$/i.test(tagsType)) {
        mapEncoding = 'json';
      } else {
        throw new Error(
          `${configKey}: resource_tags must be a MAP or JSON text, got ${tagsType}`,
        );
      }
    }
    const startType =
      columnInfo.find(column => column.name === 'line_item_usage_start_date')
        ?.type ?? '';
    let usageStartType: UsageStartType = 'text';
    if (/^TIMESTAMP WITH TIME ZONE$/i.test(startType)) {
      usageStartType = 'timestamptz';
    } else if (/^TIMESTAMP(_S|_MS|_NS)?$/i.test(startType)) {
      usageStartType = 'timestamp';
    }
    return { layout, mapEncoding, usageStartType, columns };
  }

  /** The columns of a view or table, names lower case. */
  async columnsOf(view: string): Promise<ColumnInfo[]> {
    const rows = await this.query(
      'SELECT column_name, data_type FROM information_schema.columns ' +
        'WHERE table_name = ? ORDER BY ordinal_position',
      [view],
    );
    return rows.map(row => ({
      name: String(row.column_name).toLowerCase(),
      type: String(row.data_type),
    }));
  }

  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.instance.closeSync();
    }
  }

  private async connect(): Promise<DuckDBConnection> {
    if (this.closed) {
      throw new Error('the DuckDB runner is closed');
    }
    return this.instance.connect();
  }
}

function textRow(row: Record<string, unknown>): Record<string, string | null> {
  const result: Record<string, string | null> = {};
  for (const [column, value] of Object.entries(row)) {
    result[column] = value === null ? null : String(value);
  }
  return result;
}
