import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import type { SqlRunner } from './CostSources';

/** First wait between two looks at a running query; it grows to the cap. */
const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 5_000;

/**
 * An Athena ExecutionParameter: Athena puts each value into the query as
 * SQL text in place of its `?`, so a string must be sent as a quoted SQL
 * literal (`'2026-11-01'`), with its quotes doubled. The value never joins
 * the query string the plugin writes.
 */
export function athenaStringParameter(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * Runs the CUR queries in Athena, the distributed engine for a large bill:
 * StartQueryExecution with the values as ExecutionParameters, then
 * GetQueryExecution with a growing wait until it ends (bounded by
 * `timeoutSeconds`: the query is stopped and the rollup fails), then every
 * page of GetQueryResults. A FAILED or CANCELLED query fails with Athena's
 * reason.
 */
export class AthenaSqlRunner implements SqlRunner {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(
    private readonly options: {
      client: AthenaClient;
      database: string;
      workgroup: string;
      outputLocation?: string;
      timeoutSeconds: number;
      /** For tests: how a wait is waited, and the clock. */
      sleep?: (ms: number) => Promise<void>;
      now?: () => number;
    },
  ) {
    this.sleep =
      options.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  async query(
    sql: string,
    parameters: string[],
    options: { signal?: AbortSignal } = {},
  ): Promise<Array<Record<string, string | null>>> {
    const { client, database, workgroup, outputLocation } = this.options;
    const { signal } = options;
    signal?.throwIfAborted();
    const started = await client.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        ...(parameters.length > 0
          ? { ExecutionParameters: parameters.map(athenaStringParameter) }
          : {}),
        QueryExecutionContext: { Database: database },
        WorkGroup: workgroup,
        ...(outputLocation
          ? { ResultConfiguration: { OutputLocation: outputLocation } }
          : {}),
      }),
      { abortSignal: signal },
    );
    const id = started.QueryExecutionId;
    if (!id) {
      throw new Error('Athena StartQueryExecution answered no query id');
    }
    await this.waitFor(id, signal);
    return this.results(id, signal);
  }

  private async waitFor(id: string, signal?: AbortSignal): Promise<void> {
    const { client, timeoutSeconds } = this.options;
    const deadline = this.now() + timeoutSeconds * 1000;
    for (let wait = FIRST_POLL_MS; ; wait = Math.min(wait * 2, MAX_POLL_MS)) {
      const { QueryExecution } = await client.send(
        new GetQueryExecutionCommand({ QueryExecutionId: id }),
        { abortSignal: signal },
      );
      const state = QueryExecution?.Status?.State;
      if (state === 'SUCCEEDED') {
        return;
      }
      if (state === 'FAILED' || state === 'CANCELLED') {
        const reason =
          QueryExecution?.Status?.StateChangeReason ??
          QueryExecution?.Status?.AthenaError?.ErrorMessage ??
          'no reason given';
        throw new Error(`Athena query ${id} ${state}: ${reason}`);
      }
      if (this.now() + wait > deadline) {
        // Stop paying for a query nobody will read.
        await client
          .send(new StopQueryExecutionCommand({ QueryExecutionId: id }))
          .catch(() => undefined);
        throw new Error(
          `Athena query ${id} did not finish within ${timeoutSeconds} s (emrOnEks.costs.athena.queryTimeoutSeconds); it was stopped`,
        );
      }
      signal?.throwIfAborted();
      await this.sleep(wait);
      signal?.throwIfAborted();
    }
  }

  /** Every page; the first row of the first page is the header. */
  private async results(
    id: string,
    signal?: AbortSignal,
  ): Promise<Array<Record<string, string | null>>> {
    const rows: Array<Record<string, string | null>> = [];
    let columns: string[] | undefined;
    let token: string | undefined;
    let first = true;
    do {
      const page = await this.options.client.send(
        new GetQueryResultsCommand({
          QueryExecutionId: id,
          MaxResults: 1000,
          ...(token ? { NextToken: token } : {}),
        }),
        { abortSignal: signal },
      );
      columns ??= (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map(
        column => column.Name ?? '',
      );
      const data = page.ResultSet?.Rows ?? [];
      for (const [index, row] of data.entries()) {
        if (first && index === 0) {
          continue;
        }
        const record: Record<string, string | null> = {};
        columns.forEach((column, i) => {
          record[column] = row.Data?.[i]?.VarCharValue ?? null;
        });
        rows.push(record);
      }
      first = false;
      token = page.NextToken;
    } while (token);
    return rows;
  }
}
