import {
  JOB_RUN_ARN_PATTERN,
  POD_RESOURCE_ID_PATTERN,
  assertFromTarget,
  completeThroughOf,
  curLayoutOfColumns,
  latestUsageDayQuery,
  splitComputeQuery,
  sqlTableTarget,
  upliftQuery,
  type CurCostColumn,
  type CurQueryTarget,
  type SqlQuery,
} from './curQueries';

const range = { from: '2026-03-01', to: '2026-03-02' };

/** Every dialect, layout, map encoding and cost column the builders take. */
const targets: Array<[string, CurQueryTarget, CurCostColumn]> = [];
for (const dialect of ['duckdb', 'athena'] as const) {
  const from = dialect === 'athena' ? '"cur"."cur_data"' : 'cur';
  for (const costColumn of ['unblended', 'net-unblended'] as const) {
    targets.push([
      `${dialect} legacy ${costColumn}`,
      { dialect, layout: 'legacy', from },
      costColumn,
    ]);
    for (const mapEncoding of ['map', 'json'] as const) {
      targets.push([
        `${dialect} cur2 (${mapEncoding}) ${costColumn}`,
        { dialect, layout: 'cur2', mapEncoding, from },
        costColumn,
      ]);
    }
  }
}

function queriesOf(target: CurQueryTarget, costColumn: CurCostColumn) {
  return {
    uplift: upliftQuery(target, costColumn, range),
    split: splitComputeQuery(target, costColumn, range),
    latest: latestUsageDayQuery(target),
  };
}

/** The words of a query outside its string literals and quoted names. */
function wordsOf(sql: string): Set<string> {
  const bare = sql.replace(/'(?:[^']|'')*'/g, ' ').replace(/"[^"]*"/g, ' ');
  return new Set(bare.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
}

const SQL_WORDS = [
  'SELECT',
  'FROM',
  'WHERE',
  'AND',
  'OR',
  'AS',
  'WITH',
  'LEFT',
  'JOIN',
  'ON',
  'GROUP',
  'ORDER',
  'BY',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'LIKE',
  'IS',
  'NOT',
  'NULL',
  'BETWEEN',
  'CAST',
  'DOUBLE',
  'DATE',
  'VARCHAR',
  'TIMESTAMP',
  'TIMESTAMPTZ',
  'INTERVAL',
  'DAY',
  'split_part',
  'SUM',
  'MAX',
  'COALESCE',
  'NULLIF',
  'regexp_extract',
  'regexp_like',
  'regexp_matches',
  'element_at',
  'json_extract_string',
];
const CUR_COLUMNS = [
  'line_item_usage_start_date',
  'line_item_product_code',
  'line_item_operation',
  'line_item_usage_type',
  'line_item_resource_id',
  'line_item_unblended_cost',
  'line_item_net_unblended_cost',
  'resource_tags',
  'resource_tags_user_emr_containers_amazonaws_com_job_id',
  'resource_tags_user_emr_containers_amazonaws_com_virtual_cluster_id',
  'split_line_item_parent_resource_id',
  'split_line_item_split_cost',
  'split_line_item_unused_cost',
  'split_line_item_net_split_cost',
  'split_line_item_net_unused_cost',
  'split_line_item_public_on_demand_split_cost',
  'split_line_item_public_on_demand_unused_cost',
];
const ALIASES = [
  'usage_day',
  'usage_date',
  'pod_lines',
  'virtual_cluster_id',
  'job_run_id',
  'amount',
  'uplift',
  'latest_usage_day',
  'pods',
  'instances',
  'namespace',
  'parent_resource_id',
  'on_demand_amount',
  'instance_id',
  'capacity_rank',
  'capacity_type',
  'cur',
];
const ALLOWED_WORDS = new Set([...SQL_WORDS, ...CUR_COLUMNS, ...ALIASES]);

describe('CUR queries', () => {
  it.each(targets)(
    'keeps the days out of the SQL text: %s',
    (_label, target, costColumn) => {
      for (const query of Object.values(queriesOf(target, costColumn))) {
        expect(query.sql).not.toContain(range.from);
        expect(query.sql).not.toContain(range.to);
        expect(query.sql.split('?').length - 1).toBe(query.parameters.length);
      }
      const { uplift, split } = queriesOf(target, costColumn);
      expect(uplift.parameters).toEqual([range.from, range.to]);
      expect(split.parameters).toEqual([
        range.from,
        range.to,
        range.from,
        range.to,
      ]);
    },
  );

  it.each(targets)(
    'names only known columns, aliases and the validated target: %s',
    (_label, target, costColumn) => {
      for (const query of Object.values(queriesOf(target, costColumn))) {
        const unknown = [...wordsOf(query.sql)].filter(
          word => !ALLOWED_WORDS.has(word),
        );
        expect(unknown).toEqual([]);
        expect(`${query.sql}\n`).toContain(`FROM ${target.from}\n`);
      }
    },
  );

  it('puts values that look like SQL only in the parameters', () => {
    const hostile = {
      from: "2026-03-01'; DROP TABLE cur_data; --",
      to: '2026-03-02" OR 1=1 /*',
    };
    const target: CurQueryTarget = {
      dialect: 'athena',
      layout: 'cur2',
      from: '"cur"."cur_data"',
    };
    const queries: SqlQuery[] = [
      upliftQuery(target, 'unblended', hostile),
      splitComputeQuery(target, 'unblended', hostile),
    ];
    for (const query of queries) {
      expect(query.sql).not.toContain('DROP');
      expect(query.sql).not.toContain('1=1');
      expect(query.parameters).toContain(hostile.from);
      expect(query.parameters).toContain(hostile.to);
    }
  });

  it('refuses FROM targets that are not plain or quoted identifiers', () => {
    for (const from of [
      'cur; DROP TABLE x',
      '"cur"."cur_data"; --',
      '`cur`',
      '"cur".cur_data',
      '"cu"r"',
      'cur data',
      '',
    ]) {
      expect(() => assertFromTarget(from)).toThrow(/target/);
      expect(() =>
        upliftQuery(
          { dialect: 'athena', layout: 'cur2', from },
          'unblended',
          range,
        ),
      ).toThrow(/target/);
    }
    expect(() => assertFromTarget('cur')).not.toThrow();
    expect(() => assertFromTarget('"cur"."cur_data"')).not.toThrow();
  });

  it('quotes database and table from config, and only plain names', () => {
    expect(sqlTableTarget('cur', 'cur_data')).toBe('"cur"."cur_data"');
    expect(() => sqlTableTarget('cur"; --', 'cur_data')).toThrow(/database/);
    expect(() => sqlTableTarget('cur', 'cur-data')).toThrow(/table/);
  });

  it('reads tags from flat columns (legacy) or the resource_tags map (CUR 2.0)', () => {
    const legacy = splitComputeQuery(
      { dialect: 'duckdb', layout: 'legacy', from: 'cur' },
      'unblended',
      range,
    ).sql;
    expect(legacy).toContain(
      'resource_tags_user_emr_containers_amazonaws_com_job_id',
    );
    const athena = splitComputeQuery(
      { dialect: 'athena', layout: 'cur2', from: '"cur"."cur_data"' },
      'unblended',
      range,
    ).sql;
    expect(athena).toContain(
      "element_at(resource_tags, 'user_emr_containers_amazonaws_com_job_id')",
    );
    const parquet = splitComputeQuery(
      { dialect: 'duckdb', layout: 'cur2', from: 'cur', mapEncoding: 'map' },
      'unblended',
      range,
    ).sql;
    expect(parquet).toContain(
      "resource_tags['user_emr_containers_amazonaws_com_job_id']",
    );
    const csv = splitComputeQuery(
      { dialect: 'duckdb', layout: 'cur2', from: 'cur', mapEncoding: 'json' },
      'unblended',
      range,
    ).sql;
    expect(csv).toContain(
      "json_extract_string(resource_tags, '$.user_emr_containers_amazonaws_com_job_id')",
    );
  });

  it('reads optional columns the bill lacks as NULL', () => {
    const columns = new Set([
      'line_item_usage_start_date',
      'line_item_product_code',
      'line_item_operation',
      'line_item_usage_type',
      'line_item_resource_id',
      'line_item_unblended_cost',
      'split_line_item_parent_resource_id',
      'split_line_item_split_cost',
      'split_line_item_unused_cost',
    ]);
    const target: CurQueryTarget = {
      dialect: 'duckdb',
      layout: 'legacy',
      from: 'cur',
      columns,
    };
    const split = splitComputeQuery(target, 'net-unblended', range).sql;
    expect(split).toContain('CAST(NULL AS DOUBLE) AS on_demand_amount');
    expect(split).toContain('CAST(NULL AS VARCHAR) AS job_run_id');
    expect(split).not.toContain('net_split_cost');
    const uplift = upliftQuery(target, 'net-unblended', range).sql;
    expect(uplift).not.toContain('line_item_net_unblended_cost');

    const withNet = upliftQuery(
      {
        ...target,
        columns: new Set([...columns, 'line_item_net_unblended_cost']),
      },
      'net-unblended',
      range,
    ).sql;
    expect(withNet).toContain(
      'COALESCE(CAST(line_item_net_unblended_cost AS DOUBLE), CAST(line_item_unblended_cost AS DOUBLE))',
    );
  });

  it('compares a typed usage start bare, and converts text and zones to UTC', () => {
    const sqlFor = (usageStartType?: 'timestamp' | 'timestamptz' | 'text') =>
      upliftQuery(
        { dialect: 'duckdb', layout: 'cur2', from: 'cur', usageStartType },
        'unblended',
        range,
      ).sql;
    expect(sqlFor('timestamp')).toContain(
      'AND line_item_usage_start_date >= CAST(CAST(? AS DATE) AS TIMESTAMP)',
    );
    expect(sqlFor('timestamptz')).toContain(
      'AND CAST(line_item_usage_start_date AS TIMESTAMP) >= ',
    );
    expect(sqlFor('text')).toContain(
      'AND CAST(CAST(line_item_usage_start_date AS TIMESTAMPTZ) AS TIMESTAMP) >= ',
    );
    expect(sqlFor()).toBe(sqlFor('text'));
  });

  it('refuses cur-split over a bill without split cost allocation data', () => {
    expect(() =>
      splitComputeQuery(
        {
          dialect: 'duckdb',
          layout: 'legacy',
          from: 'cur',
          columns: new Set(['line_item_resource_id']),
        },
        'unblended',
        range,
      ),
    ).toThrow(/split cost allocation data.*split_line_item_split_cost/);
  });

  it('parses job-run ARNs strictly', () => {
    const pattern = new RegExp(JOB_RUN_ARN_PATTERN);
    const arn =
      'arn:aws:emr-containers:us-east-1:111122223333:/virtualclusters/a1b2c3d4e5f6g7h8i9j0k1l2m/jobruns/000000034abcdefg001';
    expect(arn.match(pattern)?.slice(1)).toEqual([
      'a1b2c3d4e5f6g7h8i9j0k1l2m',
      '000000034abcdefg001',
    ]);
    expect(
      pattern.test(
        arn
          .replace('arn:aws:', 'arn:aws-cn:')
          .replace('us-east-1', 'cn-north-1'),
      ),
    ).toBe(true);
    for (const notUplift of [
      `${arn}/extra`,
      `x${arn}`,
      'arn:aws:elasticmapreduce:us-east-1:111122223333:cluster/j-2AXXXXXXGAPLF',
      arn.replace('111122223333', '1111'),
      arn.replace('/jobruns/', '/endpoints/'),
    ]) {
      expect(pattern.test(notUplift)).toBe(false);
    }
  });

  it('takes the namespace from a pod resource id', () => {
    const pattern = new RegExp(POD_RESOURCE_ID_PATTERN);
    expect(
      'arn:aws:eks:us-east-1:111122223333:pod/spark-cluster/team-alpha/job1-driver/4f1c2d3e-0000'.match(
        pattern,
      )?.[1],
    ).toBe('team-alpha');
    expect(pattern.test('pod/unknown')).toBe(false);
  });

  it('says the bill is complete through the day before its latest usage', () => {
    expect(completeThroughOf('2026-03-03')).toBe('2026-03-02');
    expect(completeThroughOf('2026-03-01')).toBe('2026-02-28');
    expect(completeThroughOf('2024-03-01')).toBe('2024-02-29');
    expect(completeThroughOf('2026-01-01')).toBe('2025-12-31');
    expect(completeThroughOf(null)).toBeNull();
    expect(completeThroughOf('not a day')).toBeNull();
  });

  it('knows CUR 2.0 by its resource_tags column', () => {
    expect(curLayoutOfColumns(['line_item_resource_id', 'resource_tags'])).toBe(
      'cur2',
    );
    expect(
      curLayoutOfColumns([
        'line_item_resource_id',
        'resource_tags_user_emr_containers_amazonaws_com_job_id',
      ]),
    ).toBe('legacy');
  });
});
