import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { createAthenaClient } from '../aws/clients';
import {
  startMoto,
  useMotoCredentials,
  type MotoServer,
} from '../../__testUtils__/moto';
import { upliftQuery, sqlTableTarget } from '../../domain/costs/curQueries';
import { AthenaSqlRunner, athenaStringParameter } from './AthenaSqlRunner';
import { CurUpliftSource } from './CurCostSources';

/*
 * The Athena runner against moto_server (results seeded through moto's API;
 * moto runs no SQL, so it proves the wire protocol and request shapes), and
 * against a scripted client for what moto cannot do: fail a query, page
 * results, or run too long.
 */

jest.setTimeout(60_000);

let moto: MotoServer;

beforeAll(async () => {
  useMotoCredentials();
  moto = await startMoto();
});

afterAll(async () => {
  await moto?.stop();
});

/** Seeds the rows the next StartQueryExecution answers (header first, as Athena does). */
async function seed(columns: string[], rows: string[][]) {
  const res = await fetch(
    `${moto.endpoint}/moto-api/static/athena/query-results`,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        account_id: '123456789012',
        region: 'us-east-1',
        results: [
          {
            rows: [columns, ...rows].map(row => ({
              Data: row.map(value =>
                value === '' ? {} : { VarCharValue: value },
              ),
            })),
            column_info: columns.map(Name => ({ Name, Type: 'varchar' })),
          },
        ],
      }),
    },
  );
  expect(res.status).toBe(201);
}

/** The Athena client on moto, recording every request body sent. */
function recordedClient() {
  const client = createAthenaClient('us-east-1', { endpoint: moto.endpoint });
  const sent: Array<{ operation: string; body: any }> = [];
  client.middlewareStack.add(
    (next, context) => async args => {
      const request = args.request as { body?: unknown };
      const body = request.body;
      let text: string | undefined;
      if (typeof body === 'string') {
        text = body;
      } else if (body instanceof Uint8Array) {
        text = Buffer.from(body).toString('utf8');
      }
      sent.push({
        operation: String(context.commandName),
        body: text ? JSON.parse(text) : undefined,
      });
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordBodies' },
  );
  return { client, sent };
}

describe('AthenaSqlRunner on moto', () => {
  it('sends the values as ExecutionParameters, never in the SQL, and reads the rows', async () => {
    const { client, sent } = recordedClient();
    const runner = new AthenaSqlRunner({
      client,
      database: 'cur',
      workgroup: 'primary',
      outputLocation: 's3://athena-results/emr-on-eks/',
      timeoutSeconds: 30,
      sleep: async () => {},
    });
    await seed(
      ['usage_date', 'virtual_cluster_id', 'job_run_id', 'amount'],
      [
        ['2026-11-01', 'vca', 'job1', '0.5'],
        ['2026-11-02', 'vca', 'job2', ''],
      ],
    );
    const hostile = "2026-11-01'; DROP TABLE cur_data; --";
    const rows = await runner.query('SELECT 1 WHERE ? < ?', [
      hostile,
      '2026-11-30',
    ]);
    expect(rows).toEqual([
      {
        usage_date: '2026-11-01',
        virtual_cluster_id: 'vca',
        job_run_id: 'job1',
        amount: '0.5',
      },
      {
        usage_date: '2026-11-02',
        virtual_cluster_id: 'vca',
        job_run_id: 'job2',
        amount: null,
      },
    ]);
    const start = sent.find(s => s.operation === 'StartQueryExecutionCommand')!;
    expect(start.body).toEqual({
      QueryString: 'SELECT 1 WHERE ? < ?',
      ExecutionParameters: [
        "'2026-11-01''; DROP TABLE cur_data; --'",
        "'2026-11-30'",
      ],
      QueryExecutionContext: { Database: 'cur' },
      WorkGroup: 'primary',
      ResultConfiguration: {
        OutputLocation: 's3://athena-results/emr-on-eks/',
      },
      ClientRequestToken: expect.any(String),
    });
    expect(sent.map(s => s.operation)).toEqual([
      'StartQueryExecutionCommand',
      ...sent.slice(1, -1).map(() => 'GetQueryExecutionCommand'),
      'GetQueryResultsCommand',
    ]);
  });

  it('runs the uplift query of the CUR with tenant-free SQL and parameters only', async () => {
    const { client, sent } = recordedClient();
    const runner = new AthenaSqlRunner({
      client,
      database: 'cur',
      workgroup: 'primary',
      timeoutSeconds: 30,
      sleep: async () => {},
    });
    const source = new CurUpliftSource({
      runner,
      source: 'emrOnEks.costs.athena',
      from: sqlTableTarget('cur', 'cur_data'),
      dialect: 'athena',
      layout: 'cur2',
      costColumn: 'unblended',
    });
    // The two queries run at once and moto hands out seeded results in the
    // order results are asked for: both get the same rows, with the columns
    // of both, so either order reads right.
    for (let i = 0; i < 2; i++) {
      await seed(
        [
          'usage_day',
          'virtual_cluster_id',
          'job_run_id',
          'amount',
          'latest_usage_day',
        ],
        [['2026-11-01', 'vca', 'job1', '0.25', '2026-11-03']],
      );
    }
    const result = await source.uplift({
      from: '2026-11-01',
      to: '2026-11-02',
    });
    expect(result).toEqual({
      rows: [
        {
          date: '2026-11-01',
          virtualClusterId: 'vca',
          emrJobRunId: 'job1',
          amount: 0.25,
        },
      ],
      completeThrough: '2026-11-02',
    });
    const starts = sent.filter(
      s => s.operation === 'StartQueryExecutionCommand',
    );
    const expected = upliftQuery(
      {
        dialect: 'athena',
        from: sqlTableTarget('cur', 'cur_data'),
        layout: 'cur2',
      },
      'unblended',
      { from: '2026-11-01', to: '2026-11-02' },
    );
    expect(starts).toHaveLength(2);
    const upliftStart = starts.find(s => s.body.QueryString === expected.sql);
    expect(upliftStart?.body.ExecutionParameters).toEqual(
      expected.parameters.map(athenaStringParameter),
    );
    for (const start of starts) {
      expect(start.body.QueryString).not.toContain('2026-11-0');
    }
  });
});

/** A client answering each command from a script, for what moto cannot do. */
function scriptedClient(answers: {
  states?: Array<{ State: string; StateChangeReason?: string }>;
  pages?: any[];
}) {
  const calls: string[] = [];
  let state = 0;
  let page = 0;
  const client = {
    send: async (command: unknown) => {
      calls.push((command as object).constructor.name);
      if (command instanceof StartQueryExecutionCommand) {
        return { QueryExecutionId: 'q-1' };
      }
      if (command instanceof GetQueryExecutionCommand) {
        const states = answers.states ?? [{ State: 'SUCCEEDED' }];
        return {
          QueryExecution: {
            Status: states[Math.min(state++, states.length - 1)],
          },
        };
      }
      if (command instanceof GetQueryResultsCommand) {
        return answers.pages![page++];
      }
      if (command instanceof StopQueryExecutionCommand) {
        return {};
      }
      throw new Error('unexpected command');
    },
  } as unknown as AthenaClient;
  return { client, calls };
}

describe('AthenaSqlRunner against a scripted Athena', () => {
  it('polls with a growing wait until the query succeeds', async () => {
    const waits: number[] = [];
    const { client } = scriptedClient({
      states: [
        { State: 'QUEUED' },
        { State: 'RUNNING' },
        { State: 'RUNNING' },
        { State: 'SUCCEEDED' },
      ],
      pages: [
        {
          ResultSet: {
            ResultSetMetadata: { ColumnInfo: [{ Name: 'n' }] },
            Rows: [{ Data: [{ VarCharValue: 'n' }] }],
          },
        },
      ],
    });
    const runner = new AthenaSqlRunner({
      client,
      database: 'cur',
      workgroup: 'primary',
      timeoutSeconds: 60,
      sleep: async ms => {
        waits.push(ms);
      },
    });
    await expect(runner.query('SELECT 1', [])).resolves.toEqual([]);
    expect(waits).toEqual([250, 500, 1000]);
  });

  it('fails a FAILED query with Athena’s reason', async () => {
    const { client } = scriptedClient({
      states: [
        { State: 'RUNNING' },
        {
          State: 'FAILED',
          StateChangeReason:
            'TABLE_NOT_FOUND: Table cur.cur_data does not exist',
        },
      ],
    });
    const runner = new AthenaSqlRunner({
      client,
      database: 'cur',
      workgroup: 'primary',
      timeoutSeconds: 60,
      sleep: async () => {},
    });
    await expect(runner.query('SELECT 1', [])).rejects.toThrow(
      'Athena query q-1 FAILED: TABLE_NOT_FOUND: Table cur.cur_data does not exist',
    );
  });

  it('fails a CANCELLED query too', async () => {
    const { client } = scriptedClient({
      states: [
        { State: 'CANCELLED', StateChangeReason: 'Query cancelled by user' },
      ],
    });
    const runner = new AthenaSqlRunner({
      client,
      database: 'cur',
      workgroup: 'primary',
      timeoutSeconds: 60,
      sleep: async () => {},
    });
    await expect(runner.query('SELECT 1', [])).rejects.toThrow(
      'Athena query q-1 CANCELLED: Query cancelled by user',
    );
  });

  it('gives up after the timeout and stops the query', async () => {
    let now = 0;
    const { client, calls } = scriptedClient({
      states: [{ State: 'RUNNING' }],
    });
    const runner = new AthenaSqlRunner({
      client,
      database: 'cur',
      workgroup: 'primary',
      timeoutSeconds: 10,
      sleep: async ms => {
        now += ms;
      },
      now: () => now,
    });
    await expect(runner.query('SELECT 1', [])).rejects.toThrow(
      'Athena query q-1 did not finish within 10 s (emrOnEks.costs.athena.queryTimeoutSeconds); it was stopped',
    );
    expect(calls[calls.length - 1]).toBe('StopQueryExecutionCommand');
    expect(now).toBeLessThanOrEqual(10_000);
  });

  it('reads every page, the header only on the first', async () => {
    const meta = { ColumnInfo: [{ Name: 'a' }, { Name: 'b' }] };
    const row = (a: string, b?: string) => ({
      Data: [{ VarCharValue: a }, b === undefined ? {} : { VarCharValue: b }],
    });
    const { client, calls } = scriptedClient({
      pages: [
        {
          ResultSet: {
            ResultSetMetadata: meta,
            Rows: [row('a', 'b'), row('1', 'x')],
          },
          NextToken: 't1',
        },
        {
          ResultSet: {
            ResultSetMetadata: meta,
            Rows: [row('2', 'y'), row('3')],
          },
          NextToken: 't2',
        },
        { ResultSet: { ResultSetMetadata: meta, Rows: [row('4', 'z')] } },
      ],
    });
    const runner = new AthenaSqlRunner({
      client,
      database: 'cur',
      workgroup: 'primary',
      timeoutSeconds: 60,
      sleep: async () => {},
    });
    await expect(runner.query('SELECT a, b', [])).resolves.toEqual([
      { a: '1', b: 'x' },
      { a: '2', b: 'y' },
      { a: '3', b: null },
      { a: '4', b: 'z' },
    ]);
    expect(calls.filter(c => c === 'GetQueryResultsCommand')).toHaveLength(3);
  });
});
