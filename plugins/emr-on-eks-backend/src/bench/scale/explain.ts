import type { Knex } from 'knex';
import { performance } from 'node:perf_hooks';
import { percentiles, round } from '../stats';

/** One statement knex ran, with its bindings and how long it took. */
export interface CapturedQuery {
  sql: string;
  bindings: unknown[];
  ms: number;
}

/**
 * The statements knex runs on `knex` while `fn` runs (its 'query' and
 * 'query-response' events), in order. Transaction control is left out.
 */
export async function captureQueries<T>(
  knex: Knex,
  fn: () => Promise<T>,
): Promise<{ result: T; queries: CapturedQuery[] }> {
  const started = new Map<string, { q: CapturedQuery; at: number }>();
  const queries: CapturedQuery[] = [];
  const onQuery = (q: {
    sql: string;
    bindings?: unknown[];
    __knexQueryUid: string;
  }) => {
    if (/^(begin|commit|rollback|savepoint|release)\b/i.test(q.sql.trim())) {
      return;
    }
    const captured = { sql: q.sql, bindings: q.bindings ?? [], ms: 0 };
    queries.push(captured);
    started.set(q.__knexQueryUid, { q: captured, at: performance.now() });
  };
  const onResponse = (_r: unknown, q: { __knexQueryUid: string }) => {
    const s = started.get(q.__knexQueryUid);
    if (s) {
      s.q.ms = round(performance.now() - s.at);
    }
  };
  knex.on('query', onQuery);
  knex.on('query-response', onResponse);
  try {
    const result = await fn();
    return { result, queries };
  } finally {
    knex.removeListener('query', onQuery);
    knex.removeListener('query-response', onResponse);
  }
}

const isPostgres = (knex: Knex) =>
  String(knex.client.config.client).startsWith('pg');

/** SQL for the report: a long list of placeholders shortened. */
function showSql(sql: string): string {
  return sql.replace(
    /\((\s*(\?|\$\d+)\s*,){12,}\s*(\?|\$\d+)\s*\)/g,
    list => `(${list.split(',').length} placeholders)`,
  );
}

/** Bindings as text for the report (long lists shortened). */
function showBindings(bindings: unknown[]): string {
  const shown = bindings
    .slice(0, 12)
    .map(b => (b instanceof Date ? b.toISOString() : JSON.stringify(b)));
  return `[${shown.join(', ')}${
    bindings.length > 12 ? `, ... ${bindings.length} in all` : ''
  }]`;
}

/**
 * The plan of one captured statement: `EXPLAIN (ANALYZE, BUFFERS)` on
 * PostgreSQL (plain EXPLAIN for a write, so it is not run twice), `EXPLAIN
 * QUERY PLAN` on SQLite.
 */
export async function explain(knex: Knex, q: CapturedQuery): Promise<string> {
  const read = /^\s*(select|with)\b/i.test(q.sql);
  if (isPostgres(knex)) {
    // The event's SQL has the driver's $n placeholders: run it on a raw connection.
    const connection = await knex.client.acquireConnection();
    try {
      const result = await connection.query(
        `EXPLAIN ${read ? '(ANALYZE, BUFFERS) ' : ''}${q.sql}`,
        q.bindings,
      );
      return result.rows.map((r: any) => r['QUERY PLAN']).join('\n');
    } finally {
      await knex.client.releaseConnection(connection);
    }
  }
  const rows: Array<{ id: number; parent: number; detail: string }> =
    await knex.raw(`EXPLAIN QUERY PLAN ${q.sql}`, q.bindings as any[]);
  const depth = new Map<number, number>([[0, 0]]);
  return rows
    .map(r => {
      const d = (depth.get(r.parent) ?? 0) + 1;
      depth.set(r.id, d);
      return `${'  '.repeat(d - 1)}${r.detail}`;
    })
    .join('\n');
}

/** Runs a captured statement again (its result is not needed). */
async function run(knex: Knex, q: CapturedQuery): Promise<void> {
  if (isPostgres(knex)) {
    const connection = await knex.client.acquireConnection();
    try {
      await connection.query(q.sql, q.bindings);
    } finally {
      await knex.client.releaseConnection(connection);
    }
    return;
  }
  await knex.raw(q.sql, q.bindings as any[]);
}

/**
 * Median and p95 of the page's statements alone, run one after another
 * from this process as the page runs them (no HTTP, no permission check):
 * how much of a page's time is the database's.
 */
export async function replay(
  knex: Knex,
  queries: CapturedQuery[],
  samples: number,
) {
  const reads = queries.filter(q => /^\s*(select|with)\b/i.test(q.sql));
  const times: number[] = [];
  for (let i = 0; i < samples + 10; i++) {
    const started = performance.now();
    for (const q of reads) {
      await run(knex, q);
    }
    if (i >= 10) {
      times.push(performance.now() - started);
    }
  }
  return percentiles(times);
}

/**
 * The report of one request's statements: SQL, bindings, time, plan; and
 * (PostgreSQL) the sum of their execution times as EXPLAIN ANALYZE measured
 * them in the server.
 */
export async function explainAll(
  knex: Knex,
  title: string,
  queries: CapturedQuery[],
): Promise<{ text: string; serverMs?: number }> {
  const plans: string[] = [];
  let serverMs: number | undefined;
  for (const [i, q] of queries.entries()) {
    const plan = await explain(knex, q).catch(
      e => `(no plan: ${(e as Error).message})`,
    );
    const executed = /Execution Time: ([\d.]+) ms/.exec(plan);
    if (executed) {
      serverMs = (serverMs ?? 0) + Number(executed[1]);
    }
    plans.push(
      `-- ${i + 1}. (${q.ms} ms) ${showSql(q.sql)}\n-- bindings: ${showBindings(
        q.bindings,
      )}\n${plan}`,
    );
  }
  const server =
    serverMs === undefined
      ? ''
      : `, ${round(serverMs)} ms executing in the server`;
  const head = `### ${title}: ${queries.length} statements, ${round(
    queries.reduce((sum, q) => sum + q.ms, 0),
  )} ms as timed by knex in one request${server}`;
  return {
    text: `${[head, ...plans].join('\n\n')}\n`,
    serverMs: serverMs === undefined ? undefined : round(serverMs),
  };
}
