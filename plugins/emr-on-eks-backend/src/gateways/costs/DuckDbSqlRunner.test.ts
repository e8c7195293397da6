import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  CUR_PATH_KEY,
  DuckDbSqlRunner,
  KUBECOST_PATH_KEY,
  dataFileFormat,
  sqlStringLiteral,
} from './DuckDbSqlRunner';

const fixtures = path.join(__dirname, '__fixtures__');

describe('DuckDbSqlRunner', () => {
  let runner: DuckDbSqlRunner;
  let dir: string;

  beforeAll(async () => {
    runner = await DuckDbSqlRunner.create();
    // A quote in the path: the glob is written into CREATE VIEW as a literal.
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "duckdb-runner-it's-"));
  });

  afterAll(async () => {
    await runner.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('answers every value as text or null', async () => {
    const rows = await runner.query(
      "SELECT 1.5::DOUBLE AS a, NULL AS b, 'x' AS c, 42::BIGINT AS d, DATE '2026-03-01' AS e, ? AS p",
      ['00123'],
    );
    expect(rows).toEqual([
      { a: '1.5', b: null, c: 'x', d: '42', e: '2026-03-01', p: '00123' },
    ]);
  });

  it('binds parameters, never splices them', async () => {
    const hostile = "x'; DROP TABLE t; --";
    await expect(runner.query('SELECT ? AS v', [hostile])).resolves.toEqual([
      { v: hostile },
    ]);
  });

  it('works in UTC whatever the machine zone', async () => {
    await expect(
      runner.query("SELECT current_setting('TimeZone') AS zone", []),
    ).resolves.toEqual([{ zone: 'UTC' }]);
    const [row] = await runner.query(
      "SELECT strftime(CAST(CAST('2026-03-01T23:30:00-02:00' AS TIMESTAMPTZ) AS TIMESTAMP), '%Y-%m-%d %H:%M') AS utc",
      [],
    );
    expect(row.utc).toBe('2026-03-02 01:30');
  });

  it('reads CSV columns as text, so ids keep their leading zeros', async () => {
    const file = path.join(dir, 'ids.csv');
    await fs.writeFile(file, 'id,cost\n0012345,1.5\n0000001,2\n');
    const columns = await runner.registerFileView(
      'ids',
      file,
      KUBECOST_PATH_KEY,
    );
    expect(columns).toEqual([
      { name: 'id', type: 'VARCHAR' },
      { name: 'cost', type: 'VARCHAR' },
    ]);
    const rows = await runner.query(
      'SELECT id, CAST(cost AS DOUBLE) * 2 AS doubled FROM ids ORDER BY id',
      [],
    );
    expect(rows).toEqual([
      { id: '0000001', doubled: '4' },
      { id: '0012345', doubled: '3' },
    ]);
  });

  it('reads Parquet by extension, with its own types', async () => {
    const file = path.join(dir, 'typed.parquet');
    await runner.query(
      `COPY (SELECT 'a' AS id, 2.5::DOUBLE AS cost, MAP(['k'], ['v']) AS tags) TO ${sqlStringLiteral(
        file,
      )} (FORMAT parquet)`,
      [],
    );
    const columns = await runner.registerFileView(
      'typed',
      path.join(dir, '*.parquet'),
      KUBECOST_PATH_KEY,
    );
    expect(columns).toEqual([
      { name: 'id', type: 'VARCHAR' },
      { name: 'cost', type: 'DOUBLE' },
      { name: 'tags', type: 'MAP(VARCHAR, VARCHAR)' },
    ]);
    await expect(
      runner.query("SELECT cost, tags['k'] AS k FROM typed", []),
    ).resolves.toEqual([{ cost: '2.5', k: 'v' }]);
  });

  it('names the config key when the glob matches no files', async () => {
    const glob = path.join(dir, 'nothing-here', '*.csv');
    await expect(
      runner.registerFileView('none', glob, CUR_PATH_KEY),
    ).rejects.toThrow(
      `${CUR_PATH_KEY}: no files match ${JSON.stringify(glob)}`,
    );
  });

  it('names the config key when the extension is neither CSV nor Parquet', async () => {
    await expect(
      runner.registerFileView(
        'bad',
        path.join(dir, '*.json'),
        KUBECOST_PATH_KEY,
      ),
    ).rejects.toThrow(`${KUBECOST_PATH_KEY}: `);
    expect(dataFileFormat('a/*.CSV')).toBe('csv');
    expect(dataFileFormat('a/*.csv.gz')).toBe('csv');
    expect(dataFileFormat('a/**/*.parquet')).toBe('parquet');
    expect(dataFileFormat('a/*')).toBeUndefined();
  });

  it('refuses view names that are not plain identifiers', async () => {
    await expect(
      runner.registerFileView(
        'v; DROP TABLE x',
        path.join(dir, '*.csv'),
        CUR_PATH_KEY,
      ),
    ).rejects.toThrow(/plain identifier/);
  });

  it('quotes string literals', () => {
    expect(sqlStringLiteral("it's")).toBe("'it''s'");
    expect(() => sqlStringLiteral('a\0b')).toThrow(/NUL/);
  });

  describe('CUR layout', () => {
    it('is legacy for flat resource_tags_user_* columns', async () => {
      const shape = await runner.registerCurView(
        'legacy_cur',
        path.join(fixtures, 'cur', 'legacy.csv'),
      );
      expect(shape).toMatchObject({ layout: 'legacy', usageStartType: 'text' });
      expect(shape.columns).toContain(
        'resource_tags_user_emr_containers_amazonaws_com_job_id',
      );
      expect(shape.columns).not.toContain(
        'split_line_item_public_on_demand_split_cost',
      );
    });

    it('is CUR 2.0 with JSON maps in CSV', async () => {
      const shape = await runner.registerCurView(
        'cur2_csv',
        path.join(fixtures, 'cur', 'cur2.csv'),
      );
      expect(shape).toMatchObject({ layout: 'cur2', mapEncoding: 'json' });
    });

    it('is CUR 2.0 with real maps in Parquet', async () => {
      const file = path.join(dir, 'cur2.parquet');
      await runner.query(
        `COPY (SELECT * REPLACE (CAST(CAST(resource_tags AS JSON) AS MAP(VARCHAR, VARCHAR)) AS resource_tags) FROM cur2_csv) TO ${sqlStringLiteral(
          file,
        )} (FORMAT parquet)`,
        [],
      );
      const shape = await runner.registerCurView('cur2_parquet', file);
      expect(shape).toMatchObject({
        layout: 'cur2',
        mapEncoding: 'map',
        usageStartType: 'text',
      });
      const typed = path.join(dir, 'cur2-typed.parquet');
      await runner.query(
        `COPY (SELECT * REPLACE (CAST(line_item_usage_start_date AS TIMESTAMPTZ) AS line_item_usage_start_date) FROM cur2_parquet) TO ${sqlStringLiteral(
          typed,
        )} (FORMAT parquet)`,
        [],
      );
      await expect(
        runner.registerCurView('cur2_typed', typed),
      ).resolves.toMatchObject({ usageStartType: 'timestamptz' });
    });

    it('names the config key when the files are not CUR-shaped', async () => {
      await expect(
        runner.registerCurView(
          'not_cur',
          path.join(fixtures, 'kubecost-export', 'allocations.csv'),
        ),
      ).rejects.toThrow(
        new RegExp(
          `^${CUR_PATH_KEY.replace(
            /\./g,
            '\\.',
          )}: the files are not CUR-shaped; missing columns line_item_usage_start_date`,
        ),
      );
    });
  });

  it('gives up a query when its signal aborts', async () => {
    const aborted = new AbortController();
    aborted.abort(new Error('gave up before'));
    await expect(
      runner.query('SELECT 1 AS one', [], { signal: aborted.signal }),
    ).rejects.toThrow('gave up before');

    const controller = new AbortController();
    const running = runner.query(
      'SELECT count(*) AS n FROM range(1000000000000) a WHERE a.range % 7 = 3',
      [],
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(new Error('gave up during')), 100);
    await expect(running).rejects.toThrow('gave up during');
    // The runner still answers after an interrupt.
    await expect(runner.query('SELECT 1 AS one', [])).resolves.toEqual([
      { one: '1' },
    ]);
  });

  it('refuses queries once closed', async () => {
    const closing = await DuckDbSqlRunner.create();
    await closing.close();
    await closing.close();
    await expect(closing.query('SELECT 1', [])).rejects.toThrow(/closed/);
  });
});
