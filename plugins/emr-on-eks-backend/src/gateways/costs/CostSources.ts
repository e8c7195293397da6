import type {
  DayRange,
  ComputeRow,
  UpliftResult,
} from '../../domain/costs/types';

export type {
  ComputeAllocation,
  ComputeRow,
  DayRange,
  UpliftResult,
  UpliftRow,
} from '../../domain/costs/types';

/** Where the EMR uplift comes from: the CUR, through Athena or DuckDB. */
export interface UpliftSource {
  uplift(
    range: DayRange,
    options?: { signal?: AbortSignal },
  ): Promise<UpliftResult>;
}

/** Where compute comes from: Kubecost, OpenCost, CUR split cost data, or local files. */
export interface ComputeSource {
  /** The `source` of the rows it yields. */
  readonly source: 'cur' | 'kubecost' | 'opencost';
  compute(
    range: DayRange,
    options?: { signal?: AbortSignal },
  ): Promise<ComputeRow[]>;
}

/**
 * Runs one SQL query with positional `?` parameters and answers every row,
 * each value as text (or null). Athena and DuckDB both implement it, so the
 * CUR queries are written once (`domain/costs/curQueries.ts`). Parameters
 * are never written into the SQL text.
 */
export interface SqlRunner {
  query(
    sql: string,
    parameters: string[],
    options?: { signal?: AbortSignal },
  ): Promise<Array<Record<string, string | null>>>;
}
