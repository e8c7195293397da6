import { mockCredentials } from '@backstage/backend-test-utils';
import type { TenantSpecInput } from '@spot-spark/plugin-emr-on-eks-common';
import request from 'supertest';
import { budgetCases } from './badInputBudgets';
import { DAILY_SALES, TEAM_A } from './fixtures';
import { USERS } from './testBackend';

/*
 * Issue 8, section 3 ("Input at every edge"): the bad-input corpus, across
 * the tenant spec, the job-run request, query and path parameters, bodies and
 * headers. Every case is one request that the backend must refuse with a
 * 4xx whose message names the field (`names`), changing nothing.
 *
 * The corpus needs the world of `CORPUS_TENANTS` (onboarded and Ready, each
 * by its user) and one run of `CORPUS_JOB_RUN` submitted to team-a by alice.
 * It runs on the in-memory gateways (badInput.test.ts) and on the real ones
 * against moto and a GitOps directory (badInput.moto.test.ts).
 */

import { as, BASE } from './apiWorld';

export { as, BASE } from './apiWorld';
export { CORPUS_BUDGET } from './badInputBudgets';
export const ALICE = as(USERS.alice);
export const ADMIN = as(USERS.admin);
/** The example run, at 10 executors so that it fits the example tenant's quota. */
export const SALES = {
  ...DAILY_SALES,
  executor: { ...DAILY_SALES.executor, maxExecutors: 10 },
};

/** The tenants the corpus refers to, each with the user who onboards it. */
export const CORPUS_TENANTS: Array<[TenantSpecInput, string]> = [
  [TEAM_A, USERS.alice],
  [
    {
      ...TEAM_A,
      name: 'team-b',
      owner: 'group:default/team-b',
      dataAccess: [],
    },
    USERS.bob,
  ],
];

/** The run the corpus expects in team-a, submitted by alice. */
export const CORPUS_JOB_RUN = SALES;

/** One bad request and the text its error message must contain. */
export interface BadInputCase {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  /** A JSON body (sent as application/json). */
  body?: unknown;
  /** A raw body, sent as is with `headers`. */
  raw?: string | Buffer;
  headers?: Record<string, string>;
  /** The Authorization header; alice's when left out. */
  authorization?: string;
  /** What the error message must contain: the field it names. */
  names: string | RegExp;
}

/** A case and its label. */
export type BadInputRow = [string, BadInputCase];

/** A text to find as is, or a pattern. */
export function asPattern(names: string | RegExp): RegExp {
  return typeof names === 'string'
    ? new RegExp(names.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    : names;
}

// --- values ----------------------------------------------------------------

const LONG = (n: number, c = 'a') => c.repeat(n);
/** Look-alikes, control and invisible characters, inside an otherwise good value. */
const TRICKY = (good: string): Array<[string, string]> => [
  ['with a leading space', ` ${good}`],
  ['with a trailing space', `${good} `],
  ['with a newline', `${good}\n`],
  ['with a NUL', `${good.slice(0, 2)}\u0000${good.slice(2)}`],
  ['with a tab', `${good.slice(0, 2)}\t${good.slice(2)}`],
  [
    'with a Cyrillic look-alike',
    good.replace(/e|a|o/, m => ({ e: 'е', a: 'а', o: 'о' }[m]!)),
  ],
  ['with full-width letters', `ｔ${good.slice(1)}`],
  ['with a zero-width space', `${good.slice(0, 2)}\u200b${good.slice(2)}`],
  ['with a right-to-left override', `\u202e${good}`],
  ['with a non-ASCII hyphen', good.replace('-', '\u2010')],
];
const WRONG_TYPES: Array<[string, unknown]> = [
  ['a number', 42],
  ['null', null],
  ['a boolean', true],
  ['an array', ['x']],
  ['an object', { value: 'x' }],
];

// --- tenant specs (POST /tenants and PUT /tenants/team-b) -------------------

function tenantCases(): BadInputRow[] {
  const rows: BadInputRow[] = [];
  const spec = (label: string, patch: object, names: string | RegExp) =>
    rows.push([
      `tenant spec: ${label}`,
      {
        method: 'post',
        path: '/tenants',
        body: { ...TEAM_A, name: 'team-new', dataAccess: [], ...patch },
        names,
      },
    ]);

  // name
  for (const [what, value] of TRICKY('team-new')) {
    spec(`name ${what}`, { name: value }, 'name:');
  }
  for (const [what, value] of WRONG_TYPES) {
    spec(`name as ${what}`, { name: value }, 'name:');
  }
  spec('an empty name', { name: '' }, 'name:');
  spec('a name of 64 characters', { name: LONG(64) }, 'name:');
  spec('a name of 10,000 characters', { name: LONG(10_000) }, 'name:');
  spec('a name too long for the IAM role', { name: LONG(63) }, 'name:');
  spec('an uppercase name', { name: 'Team-New' }, 'name:');
  spec('a name with a dot', { name: 'team.new' }, 'name:');
  spec('a name with an underscore', { name: 'team_new' }, 'name:');
  spec('a name ending in -', { name: 'team-' }, 'name:');
  spec('the reserved name default', { name: 'default' }, 'name:');
  spec('a kube- name', { name: 'kube-team' }, 'name:');
  spec(
    'a SQL injection as name',
    { name: "x'; drop table emr_tenants;--" },
    'name:',
  );

  // owner
  for (const [what, value] of TRICKY('group:default/team-a')) {
    spec(`owner ${what}`, { owner: value }, 'owner:');
  }
  for (const [what, value] of WRONG_TYPES) {
    spec(`owner as ${what}`, { owner: value }, 'owner:');
  }
  for (const [what, owner] of [
    ['with a space in its name', 'group:default/team a'],
    ['with a newline in its name', 'group:default/team\na'],
    ['with a 64-character name', `group:default/${LONG(64)}`],
    ['of 300 characters', `group:default/${LONG(286)}`],
    ['of 100,000 characters', `group:default/${LONG(100_000)}`],
    ['without a kind', 'team-a'],
    ['of a component', 'component:default/daily-sales'],
    ['with an empty name', 'group:default/'],
    ['with an empty kind', ':default/team-a'],
    ['with an empty namespace', 'group:/team-a'],
    ['with a name starting with -', 'group:default/-team'],
    ['with a name ending with .', 'group:default/team.'],
    ['with an underscore in the namespace', 'group:my_ns/team-a'],
    ['with a space in the namespace', 'group:my ns/team-a'],
    ['with a 64-character namespace', `group:${LONG(64)}/team-a`],
    ['with two slashes', 'group:default/team/a'],
    ['with a Cyrillic kind', 'grоup:default/team-a'],
    ['with a kind starting with a digit', '1group:default/team-a'],
    ['with a label-breaking slash', 'group:default/a/b/c'],
    ['with an emoji', 'group:default/team-🚀'],
  ] as const) {
    spec(`an owner ${what}`, { owner }, 'owner:');
  }

  // cluster, namespace, description
  for (const [what, value] of [
    ['empty', ''],
    ['unknown', 'nowhere'],
    ['in capitals', 'SHARED'],
    ['of 64 characters', LONG(64)],
    ['of 100,000 characters', LONG(100_000)],
    ['with a NUL', 'sha\u0000red'],
    ['with a trailing space', 'shared '],
  ] as const) {
    spec(`a cluster ${what}`, { cluster: value }, 'cluster:');
  }
  for (const [what, value] of WRONG_TYPES) {
    spec(`cluster as ${what}`, { cluster: value }, 'cluster:');
  }
  for (const [what, value] of TRICKY('team-new')) {
    spec(`namespace ${what}`, { namespace: value }, 'namespace:');
  }
  spec('a namespace of 64 characters', { namespace: LONG(64) }, 'namespace:');
  spec('the namespace kube-system', { namespace: 'kube-system' }, 'namespace:');
  spec('a namespace as a number', { namespace: 7 }, 'namespace:');
  spec(
    'a description of 1,025 characters',
    { description: LONG(1025) },
    'description:',
  );
  spec(
    'a description of 200,000 characters',
    { description: LONG(200_000) },
    'description:',
  );
  spec(
    'a description with a NUL',
    { description: 'our\u0000team' },
    'description:',
  );
  spec(
    'a description with an escape sequence',
    { description: 'our \u001b[31mteam' },
    'description:',
  );
  spec(
    'a description with a line separator',
    { description: 'our\u2028team' },
    'description:',
  );
  spec(
    'a description as an object',
    { description: { text: 'x' } },
    'description:',
  );

  // quota
  for (const [what, value] of [
    ['a word', 'many'],
    ['a unit in bytes', '1GB'],
    ['a lower-case binary suffix', '1gi'],
    ['a capital K', '1K'],
    ['a space', '1 Gi'],
    ['a negative value', '-1'],
    ['a negative number', -5],
    ['hexadecimal', '0x10'],
    ['an exponent without digits', '1e'],
    ['a fractional exponent', '1e1.5'],
    ['an overflowing exponent', '1e400'],
    ['Infinity', 'Infinity'],
    ['NaN', 'NaN'],
    ['full-width digits', '１２'],
    ['an empty string', ''],
    ['70 digits', '9'.repeat(70)],
    ['null', null],
    ['a boolean', true],
    ['an object', { value: '1' }],
  ] as Array<[string, unknown]>) {
    spec(
      `requests.cpu as ${what}`,
      { quota: { 'requests.cpu': value } },
      'quota.requests.cpu:',
    );
  }
  for (const value of ['1.5', '1k', '2e3', '1Gi']) {
    spec(`pods as ${value}`, { quota: { pods: value } }, 'quota.pods:');
  }
  spec(
    'an unknown quota key',
    { quota: { 'requests.nvidia.com/gpu': '1' } },
    'quota:',
  );
  spec('a quota as a list', { quota: ['1'] }, 'quota:');

  // limitRange
  spec(
    'an unknown LimitRange resource',
    { limitRange: { max: { gpu: '1' } } },
    'limitRange.max:',
  );
  spec(
    'an unknown LimitRange bound',
    { limitRange: { maximum: { cpu: '1' } } },
    'limitRange:',
  );
  spec(
    'a LimitRange max below its min',
    { limitRange: { max: { cpu: '50m' } } },
    'limitRange.',
  );
  spec(
    'a LimitRange quantity with a NUL',
    { limitRange: { max: { memory: '4Gi\u0000' } } },
    'limitRange.max.memory:',
  );
  spec(
    'a LimitRange quantity of 10,000 characters',
    { limitRange: { max: { memory: '9'.repeat(10_000) } } },
    'limitRange.max.memory:',
  );
  spec(
    'a LimitRange quantity 1Ei too large for the guardrails or order',
    { limitRange: { min: { memory: '1Ei' } } },
    'limitRange.',
  );

  // network
  for (const cidr of [
    '1:2:3:4:5:6:7:8:9/64',
    ':::/8',
    '1::2::3/64',
    '12345::/16',
    'fe80::1%eth0/64',
    '::/129',
    '10.0.0.0/33',
    '256.0.0.0/8',
    '010.0.0.0/8',
    '10.0.0/8',
    '10.0.0.0',
    '10.0.0.0/',
    '10.0.0.0/8 ',
    '10.0.0.0/8/8',
    '10.0.0.0/-1',
    '１0.0.0.0/8',
    'ten/8',
    '',
    LONG(10_000, '1'),
  ]) {
    spec(
      `the egress CIDR ${JSON.stringify(cidr.slice(0, 40))}`,
      { network: { egressCidrs: [cidr] } },
      'network.egressCidrs.0:',
    );
  }
  spec(
    '51 egress CIDRs',
    { network: { egressCidrs: Array(51).fill('10.0.0.0/8') } },
    'network.egressCidrs:',
  );
  spec(
    'an egress CIDR outside the guardrails',
    { network: { egressCidrs: ['0.0.0.0/0'] } },
    'network',
  );
  spec(
    'egress CIDRs as a string',
    { network: { egressCidrs: '10.0.0.0/8' } },
    'network.egressCidrs:',
  );
  spec(
    'an unknown network field',
    { network: { ingressCidrs: [] } },
    'network:',
  );

  // dataAccess
  for (const s3 of [
    's3://data-lake/team-new',
    's3://data-lake/team-new/*/',
    's3://data-lake/../',
    's3://data-lake/team-new/../team-a/',
    's3://Data-Lake/team-new/',
    's3://data-lake/team new/',
    's3://data-lake/team-new//',
    'https://data-lake.s3.amazonaws.com/team-new/',
    's3://data-lake/team-new/\n',
    `s3://data-lake/${LONG(2000)}/`,
    '',
  ]) {
    spec(
      `the S3 prefix ${JSON.stringify(s3.slice(0, 40))}`,
      { dataAccess: [{ s3, access: 'read' }] },
      'dataAccess.0.s3:',
    );
  }
  spec(
    'a write access',
    { dataAccess: [{ s3: 's3://data-lake/team-new/', access: 'write' }] },
    'dataAccess.0.access:',
  );
  spec(
    'an unknown grant field',
    {
      dataAccess: [
        { s3: 's3://data-lake/team-new/', access: 'read', kms: 'x' },
      ],
    },
    'dataAccess.0:',
  );
  spec(
    '51 grants',
    {
      dataAccess: Array(51).fill({
        s3: 's3://data-lake/team-new/',
        access: 'read',
      }),
    },
    'dataAccess:',
  );
  spec(
    'grants whose IAM policy exceeds 10,240 characters',
    {
      dataAccess: Array.from({ length: 50 }, (_, i) => ({
        s3: `s3://data-lake/team-new/${LONG(150, 'p')}${i}/`,
        access: 'read-write',
      })),
    },
    /dataAccess: .*IAM policy.* \d+ characters/,
  );
  spec(
    'a grant outside the guardrails',
    { dataAccess: [{ s3: 's3://data-lake/team-a/', access: 'read' }] },
    'dataAccess',
  );

  // tiers, retention, release label, pod security
  for (const value of ['urgent', 'HIGH', '', 3, null]) {
    spec(
      `priorityTier ${JSON.stringify(value)}`,
      { priorityTier: value },
      'priorityTier:',
    );
  }
  for (const value of [2, 0, -30, 30.5, '30', 1e9, null]) {
    spec(
      `logRetentionDays ${JSON.stringify(value)}`,
      { logRetentionDays: value },
      'logRetentionDays:',
    );
  }
  for (const value of [
    `emr-${'9'.repeat(80)}.0.0-latest`,
    `emr-7.${'9'.repeat(80)}.0-latest`,
    'emr-1234.0.0-latest',
    'emr-7.5.0',
    'emr-7.5.0-2024',
    'emr-7.5.0-latest ',
    'emr-7.5.0-latest\n',
    'EMR-7.5.0-latest',
    'emr-７.5.0-latest',
    LONG(100),
    '',
    7.5,
  ]) {
    spec(
      `releaseLabel ${JSON.stringify(String(value).slice(0, 30))}`,
      { releaseLabel: value },
      'releaseLabel:',
    );
  }
  for (const value of ['privileged', 'Baseline', null]) {
    spec(
      `podSecurity ${JSON.stringify(value)}`,
      { podSecurity: value },
      'podSecurity:',
    );
  }

  // the whole spec
  spec('an unknown field', { colour: 'blue' }, 'unknown field');
  spec('a constructor field', { constructor: { name: 'x' } }, 'unknown field');
  for (const missing of ['name', 'owner', 'cluster']) {
    rows.push([
      `tenant spec: without ${missing}`,
      {
        method: 'post',
        path: '/tenants',
        body: Object.fromEntries(
          Object.entries({ ...TEAM_A, name: 'team-new' }).filter(
            ([key]) => key !== missing,
          ),
        ),
        names: `${missing}:`,
      },
    ]);
  }
  for (const [what, body] of [
    ['an array', [TEAM_A]],
    ['an empty object', {}],
  ] as const) {
    rows.push([
      `tenant spec: ${what}`,
      { method: 'post', path: '/tenants', body, names: /Invalid tenant spec/ },
    ]);
  }

  // The same kinds of input on update, by team-b's own member.
  for (const [label, patch, names] of [
    ['an owner with a space', { owner: 'group:default/team b' }, 'owner:'],
    [
      'an owner of 300 characters',
      { owner: `group:default/${LONG(286)}` },
      'owner:',
    ],
    [
      'an owner with a 64-character name',
      { owner: `group:default/${LONG(64)}` },
      'owner:',
    ],
    [
      'a release label with an 80-digit version',
      { releaseLabel: `emr-${'9'.repeat(80)}.0.0-latest` },
      'releaseLabel:',
    ],
    [
      'an invalid IPv6 CIDR',
      { network: { egressCidrs: [':::/8'] } },
      'network.egressCidrs.0:',
    ],
    ['a cluster of 100 characters', { cluster: LONG(100) }, 'cluster:'],
    [
      'a description of 2,000 characters',
      { description: LONG(2000) },
      'description:',
    ],
    [
      'a quantity 1GB',
      { quota: { 'limits.memory': '1GB' } },
      'quota.limits.memory:',
    ],
    ['another name', { name: 'team-c' }, 'name'],
    [
      'grants whose IAM policy exceeds 10,240 characters',
      {
        dataAccess: Array.from({ length: 50 }, (_, i) => ({
          s3: `s3://data-lake/team-b/${LONG(150, 'q')}${i}/`,
          access: 'read',
        })),
      },
      // The owning team may not change its grants at all (403 naming them).
      /dataAccess/,
    ],
  ] as Array<[string, object, string | RegExp]>) {
    rows.push([
      `tenant update: ${label}`,
      {
        method: 'put',
        path: '/tenants/team-b',
        body: {
          ...TEAM_A,
          name: 'team-b',
          owner: 'group:default/team-b',
          dataAccess: [],
          ...patch,
        },
        authorization: as(USERS.bob),
        names,
      },
    ]);
  }
  // An admin may change the grants, and meets the IAM size check instead.
  rows.push([
    'tenant update: grants whose IAM policy is too large, by an admin',
    {
      method: 'put',
      path: '/tenants/team-b',
      body: {
        ...TEAM_A,
        name: 'team-b',
        owner: 'group:default/team-b',
        dataAccess: Array.from({ length: 50 }, (_, i) => ({
          s3: `s3://data-lake/team-b/${LONG(150, 'q')}${i}/`,
          access: 'read',
        })),
      },
      authorization: ADMIN,
      names: /dataAccess: .*IAM policy.* \d+ characters/,
    },
  ]);
  for (const ifMatch of ['abc', '"-1"', `"${'9'.repeat(20)}"`, '"1", "2"']) {
    rows.push([
      `tenant update: If-Match ${ifMatch.slice(0, 12)}`,
      {
        method: 'put',
        path: '/tenants/team-b',
        body: {
          ...TEAM_A,
          name: 'team-b',
          owner: 'group:default/team-b',
          dataAccess: [],
          logRetentionDays: 14,
        },
        headers: { 'If-Match': ifMatch },
        authorization: as(USERS.bob),
        names: /If-Match|generation/,
      },
    ]);
  }
  return rows;
}

// --- job-run requests (POST /tenants/team-a/job-runs) -----------------------

function jobRunCases(): BadInputRow[] {
  const rows: BadInputRow[] = [];
  const run = (label: string, patch: object, names: string | RegExp) =>
    rows.push([
      `job run: ${label}`,
      {
        method: 'post',
        path: '/tenants/team-a/job-runs',
        body: { ...SALES, idempotencyKey: 'bad-input', ...patch },
        names,
      },
    ]);

  for (const [what, value] of TRICKY('daily-sales')) {
    run(`name ${what}`, { name: value }, 'name:');
  }
  for (const [what, value] of WRONG_TYPES) {
    run(`name as ${what}`, { name: value }, 'name:');
  }
  run('an empty name', { name: '' }, 'name:');
  run('a name of 65 characters', { name: LONG(65) }, 'name:');
  run('a name of 100,000 characters', { name: LONG(100_000) }, 'name:');

  for (const entryPoint of [
    'https://example.com/x.py',
    's3://data-lake/team-a/ x.py',
    's3://data-lake/team-a/x.py\n',
    'local://relative.py',
    `s3://data-lake/team-a/${LONG(3000)}.py`,
    's3://other-team/jobs/x.py',
    '',
  ]) {
    run(
      `entryPoint ${JSON.stringify(entryPoint.slice(0, 40))}`,
      { entryPoint },
      'entryPoint',
    );
  }
  run('entryPoint as a number', { entryPoint: 1 }, 'entryPoint:');
  run(
    'arguments as a string',
    { entryPointArguments: '--date' },
    'entryPointArguments:',
  );
  run(
    '201 arguments',
    { entryPointArguments: Array(201).fill('x') },
    'entryPointArguments:',
  );
  run(
    'an argument of 10,241 characters',
    { entryPointArguments: [LONG(10_241)] },
    'entryPointArguments.0:',
  );
  run(
    'a numeric argument',
    { entryPointArguments: [1] },
    'entryPointArguments.0:',
  );
  run(
    'a main class with a space',
    { mainClass: 'com.example Main' },
    'mainClass:',
  );
  run(
    'a main class of 2,000 characters',
    { mainClass: `a.${LONG(2000)}` },
    'mainClass:',
  );

  for (const value of [
    `emr-${'9'.repeat(80)}.0.0-latest`,
    `emr-7.5.${'9'.repeat(80)}-latest`,
    `emr-7.5.0-${'1'.repeat(80)}`,
    'emr-7.5.0',
    '7.5.0',
    'emr-7.5.0-latest\u0000',
    LONG(65),
    '',
  ]) {
    run(
      `releaseLabel ${JSON.stringify(value.slice(0, 30))}`,
      { releaseLabel: value },
      'releaseLabel:',
    );
  }

  for (const [path, value] of [
    ['driver.cores', 0],
    ['driver.cores', 65],
    ['driver.cores', 1.5],
    ['driver.cores', '2'],
    ['driver.cores', -1],
    ['driver.cores', 1e308],
    ['driver.memory', '4096'],
    ['driver.memory', '4gb'],
    ['driver.memory', '0g'],
    ['driver.memory', '99999999g'],
    ['driver.memory', 4],
    ['executor.cores', 0],
    ['executor.memory', '16 g'],
    ['executor.instances', 0],
    ['executor.instances', 1001],
    ['executor.minExecutors', -1],
    ['executor.maxExecutors', 0],
    ['executor.localStorage', '50G'],
    ['executor.localStorage', '0Gi'],
  ] as Array<[string, unknown]>) {
    const [part, key] = path.split('.') as ['driver' | 'executor', string];
    run(
      `${path} ${JSON.stringify(value)}`,
      { [part]: { ...(SALES as any)[part], [key]: value } },
      path,
    );
  }
  run(
    'an unknown executor field',
    { executor: { cores: 2, gpus: 1 } },
    'executor:',
  );
  run('spot as a string', { spot: 'yes' }, 'spot:');
  run('an unknown priority tier', { priorityTier: 'urgent' }, 'priorityTier:');
  run(
    'a priority above the tenant’s',
    { priorityTier: 'high' },
    'priorityTier',
  );
  run(
    'a sparkConf key outside spark.*',
    { sparkConf: { 'hadoop.x': '1' } },
    'sparkConf.hadoop.x:',
  );
  run(
    'a sparkConf key with a space',
    { sparkConf: { 'spark.a b': '1' } },
    'sparkConf.spark.a b:',
  );
  run(
    'a sparkConf key of 300 characters',
    { sparkConf: { [`spark.${LONG(300)}`]: '1' } },
    'sparkConf.spark.',
  );
  run(
    'a sparkConf value of 5,000 characters',
    { sparkConf: { 'spark.x': LONG(5000) } },
    'sparkConf.spark.x:',
  );
  run(
    'a numeric sparkConf value',
    { sparkConf: { 'spark.x': 1 } },
    'sparkConf.spark.x:',
  );
  run(
    '201 sparkConf keys',
    {
      sparkConf: Object.fromEntries(
        Array.from({ length: 201 }, (_, i) => [`spark.k${i}`, '1']),
      ),
    },
    'sparkConf:',
  );
  run(
    'a sparkConf the plugin owns',
    { sparkConf: { 'spark.kubernetes.namespace': 'kube-system' } },
    'sparkConf',
  );

  // Issue 17: images only from guardrails.allowedImages (by default the
  // EMR release images of the cluster's region), parsed before the check.
  const RELEASE = '755674844232.dkr.ecr.us-east-1.amazonaws.com/spark/';
  for (const key of [
    'spark.kubernetes.container.image',
    'spark.kubernetes.driver.container.image',
    'spark.kubernetes.executor.container.image',
  ]) {
    for (const [what, image] of [
      ['from Docker Hub', 'apache/spark:3.5.0'],
      [
        'by digest from another registry',
        `evil.example.com/x@sha256:${LONG(64, 'f')}`,
      ],
      [
        'from a look-alike host',
        `${RELEASE.replace('.com/', '.com.evil.com/')}emr-7.5.0:latest`,
      ],
      [
        'from a sibling repository',
        `${RELEASE.replace('/spark/', '/spark-evil/')}emr-7.5.0:latest`,
      ],
      ['with a climb', `${RELEASE}../evil/x:1`],
      ['in capitals', `${RELEASE.toUpperCase()}EMR-7.5.0:LATEST`],
      ['with user info', `user:pw@${RELEASE}emr-7.5.0:latest`],
      ['with a trailing newline', `${RELEASE}emr-7.5.0:latest\n`],
    ]) {
      run(
        `${key} ${what}`,
        { sparkConf: { [key]: image } },
        `sparkConf.${key}:`,
      );
    }
  }
  // Issue 17: glob characters in S3 URIs (Hadoop expands them).
  for (const [what, patch, names] of [
    [
      'entryPoint with *',
      { entryPoint: 's3://data-lake/team-a/jobs/*.py' },
      'entryPoint:',
    ],
    [
      'entryPoint with an encoded *',
      { entryPoint: 's3://data-lake/team-a/jobs/%2A.py' },
      'entryPoint:',
    ],
    [
      'an argument with ?',
      { entryPointArguments: ['s3://data-lake/team-a/in/?/'] },
      'entryPointArguments.0:',
    ],
    [
      'an argument with {',
      { entryPointArguments: ['--in=s3a://data-lake/team-a/{a}/'] },
      'entryPointArguments.0:',
    ],
    [
      'spark.jars with [',
      { sparkConf: { 'spark.jars': 's3://data-lake/team-a/lib/[a-z].jar' } },
      'sparkConf.spark.jars:',
    ],
    [
      'spark.submit.pyFiles with *',
      { sparkConf: { 'spark.submit.pyFiles': 's3://data-lake/team-a/py/*' } },
      'sparkConf.spark.submit.pyFiles:',
    ],
    [
      'a Spark value with *',
      { sparkConf: { 'spark.sql.warehouse.dir': 's3://data-lake/team-*/' } },
      'sparkConf.spark.sql.warehouse.dir:',
    ],
  ] as Array<[string, object, string]>) {
    run(`a glob: ${what}`, patch, names);
  }

  for (const [what, value] of TRICKY('component:default/daily-sales')) {
    run(`entityRef ${what}`, { entityRef: value }, 'entityRef:');
  }
  for (const [what, entityRef] of [
    ['without a kind', 'daily-sales'],
    ['with a space', 'component:default/daily sales'],
    ['with a 64-character name', `component:default/${LONG(64)}`],
    ['of 300 characters', `component:default/${LONG(282)}`],
    ['of another tenant', 'component:default/hourly-clicks'],
    ['not in the catalog', 'component:default/nowhere'],
    ['with an empty name', 'component:default/'],
    ['as a number', 7],
  ] as Array<[string, unknown]>) {
    run(`an entityRef ${what}`, { entityRef }, 'entityRef');
  }

  for (const key of ['has space', LONG(65), '', 'ключ', 'a\nb']) {
    run(
      `idempotencyKey ${JSON.stringify(key.slice(0, 20))}`,
      { idempotencyKey: key },
      'idempotencyKey:',
    );
  }
  run(
    'a tag key with a space',
    { tags: { 'cost center': 'x' } },
    'tags.cost center:',
  );
  run('a tag key of 129 characters', { tags: { [LONG(129)]: 'x' } }, 'tags.');
  run(
    'a tag value of 257 characters',
    { tags: { team: LONG(257) } },
    'tags.team:',
  );
  run('a tag value with a newline', { tags: { team: 'a\nb' } }, 'tags.team:');
  run('a reserved aws: tag', { tags: { 'aws:x': 'y' } }, 'tags');
  run(
    'a reserved plugin tag',
    { tags: { 'emr-on-eks.spot-spark.io/tenant': 'team-b' } },
    'tags',
  );
  run(
    '41 tags',
    {
      tags: Object.fromEntries(
        Array.from({ length: 41 }, (_, i) => [`t${i}`, 'x']),
      ),
    },
    'tags:',
  );
  run('tags as a list', { tags: ['a'] }, 'tags:');
  run('an unknown field', { retryCount: 3 }, 'unknown field');
  run(
    'retries above guardrails.maxRetries',
    { retries: 3 },
    'retries: 3 is more than this cluster allows',
  );
  run('retries above 10', { retries: 11 }, 'retries:');
  run('negative retries', { retries: -1 }, 'retries:');
  run('fractional retries', { retries: 1.5 }, 'retries:');
  run('retries as text', { retries: '2' }, 'retries:');
  rows.push([
    'job run: an array',
    {
      method: 'post',
      path: '/tenants/team-a/job-runs',
      body: [SALES],
      names: /Invalid job run/,
    },
  ]);
  rows.push([
    'job run: dryRun=yes (neither true nor false)',
    {
      method: 'post',
      path: '/tenants/team-a/job-runs?dryRun=yes',
      body: SALES,
      names: 'dryRun',
    },
  ]);
  rows.push([
    'job run: dryRun given twice',
    {
      method: 'post',
      path: '/tenants/team-a/job-runs?dryRun=true&dryRun=false',
      body: SALES,
      names: 'dryRun',
    },
  ]);
  return rows;
}

// --- query and path parameters ----------------------------------------------

function queryAndPathCases(): BadInputRow[] {
  const rows: BadInputRow[] = [];
  const list = (
    label: string,
    query: string,
    names: string | RegExp,
    path = '/job-runs',
  ) =>
    rows.push([
      `query: ${label}`,
      { method: 'get', path: `${path}?${query}`, names },
    ]);
  const enc = encodeURIComponent;

  for (const [what, ref] of [
    ['with a space', 'component:default/daily sales'],
    ['with a newline', 'component:default/daily-sales\n'],
    ['with a NUL', 'component:default/daily\u0000sales'],
    ['without a kind', 'daily-sales'],
    ['of 300 characters', `component:default/${LONG(282)}`],
    ['with a 64-character name', `component:default/${LONG(64)}`],
    ['with a Cyrillic look-alike', 'component:default/dаily-sales'],
    ['empty', ''],
  ]) {
    list(`entityRef ${what}`, `entityRef=${enc(ref)}`, 'entityRef');
  }
  list(
    'entityRef given twice',
    'entityRef=component:default/a&entityRef=component:default/b',
    'entityRef',
  );
  list('entityRef as an object', 'entityRef[kind]=component', 'entityRef');
  for (const [what, tenant] of [
    ['in capitals', 'TEAM-A'],
    ['of 64 characters', LONG(64)],
    ['of 5,000 characters', LONG(5000)],
    ['with a NUL', 'team\u0000a'],
    ['with a space', 'team a'],
    ['empty', ''],
    ['reserved', 'default'],
  ]) {
    list(`tenant ${what}`, `tenant=${enc(tenant)}`, 'tenant');
  }
  list('tenant given twice', 'tenant=team-a&tenant=team-b', 'tenant');
  for (const [what, query, names] of [
    ['an unknown state', 'state=SLEEPING', 'state'],
    ['a state in lower case', 'state=running', 'state'],
    ['limit 0', 'limit=0', 'limit'],
    ['limit 201', 'limit=201', 'limit'],
    ['limit -1', 'limit=-1', 'limit'],
    ['limit 1.5', 'limit=1.5', 'limit'],
    ['limit abc', 'limit=abc', 'limit'],
    ['limit 1e400', 'limit=1e400', 'limit'],
    ['createdAfter yesterday', 'createdAfter=yesterday', 'createdAfter'],
    [
      'createdBefore of 1,000 characters',
      `createdBefore=${LONG(1000, '1')}`,
      'createdBefore',
    ],
    ['a malformed cursor', 'cursor=nope', 'cursor'],
    ['a cursor of 600 characters', `cursor=${LONG(600)}`, 'cursor'],
    ['an unknown parameter', 'sort=asc', 'sort'],
    ['an empty name', 'name=', 'name'],
    ['a name of 65 characters', `name=${LONG(65)}`, 'name'],
    ['a name given twice', 'name=a&name=b', 'name'],
  ] as Array<[string, string, string | RegExp]>) {
    list(what, query, names);
    list(
      `${what}, on a tenant’s list`,
      query,
      names,
      '/tenants/team-a/job-runs',
    );
  }
  // Issue 17: cursors that parse but hold what no row can, on every paged list.
  const forge = (value: unknown) =>
    Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
  const RUN_ID = '0a1b2c3d-0000-4000-8000-000000000042';
  for (const [what, cursor, path] of [
    ['a time of 1e300', forge([1e300, RUN_ID]), '/job-runs'],
    ['a negative time', forge([-1, RUN_ID]), '/job-runs'],
    ['an id that is no UUID', forge([0, 'run-1']), '/tenants/team-a/job-runs'],
    ['a tenants cursor', forge(['t', 'team-a']), '/tenants/team-a/job-runs'],
    ['a tenant name in capitals', forge(['t', 'TEAM-A']), '/tenants'],
    ['a tenant name with SQL', forge(['t', "' or '1'='1"]), '/tenants'],
    ['an audit id of 1e300', forge(['a', '1e300']), '/tenants/team-a/audit'],
    ['a negative audit id', forge(['a', '-1']), '/tenants/team-a/audit'],
    ['audit id zero', forge(['a', '0']), '/tenants/team-a/audit'],
  ]) {
    list(
      `a forged cursor with ${what} on ${path}`,
      `cursor=${cursor}`,
      'cursor: not a cursor returned by this API',
      path,
    );
  }
  list(
    'entityRef on a tenant’s list',
    'entityRef=component:default/daily-sales',
    'entityRef',
    '/tenants/team-a/job-runs',
  );

  const BAD_NAMES: Array<[string, string]> = [
    ['in capitals', 'TEAM-A'],
    ['of 64 characters', LONG(64)],
    ['of 5,000 characters', LONG(5000)],
    ['with a NUL', enc('team\u0000a')],
    ['with a newline', enc('team-a\n')],
    ['with a Cyrillic look-alike', enc('tеam-a')],
    ['with a dot-dot', '%2E%2E'],
    ['with an encoded slash', enc('team-a/../team-b')],
  ];
  for (const [what, name] of BAD_NAMES) {
    rows.push([
      `path: GET /tenants/ a name ${what}`,
      { method: 'get', path: `/tenants/${name}`, names: 'not found' },
    ]);
    rows.push([
      `path: GET /tenants/ a name ${what} /job-runs`,
      { method: 'get', path: `/tenants/${name}/job-runs`, names: 'not found' },
    ]);
    rows.push([
      `path: POST /tenants/ a name ${what} /job-runs`,
      {
        method: 'post',
        path: `/tenants/${name}/job-runs`,
        body: SALES,
        names: 'not found',
      },
    ]);
    rows.push([
      `path: PUT /tenants/ a name ${what}`,
      {
        method: 'put',
        path: `/tenants/${name}`,
        body: TEAM_A,
        names: /not found|name/,
      },
    ]);
    rows.push([
      `path: DELETE /tenants/ a name ${what}`,
      { method: 'delete', path: `/tenants/${name}`, names: 'not found' },
    ]);
    rows.push([
      `path: POST /tenants/ a name ${what} /reconcile`,
      {
        method: 'post',
        path: `/tenants/${name}/reconcile`,
        names: 'not found',
      },
    ]);
  }
  for (const [what, id] of [
    ['that is no UUID', 'no-such-run'],
    ['of 5,000 characters', LONG(5000)],
    ['with a NUL', enc('a\u0000b')],
    ['of 37 characters', `${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(13)}`],
    ['with a SQL injection', enc("' or '1'='1")],
  ]) {
    rows.push([
      `path: GET /job-runs/ an id ${what}`,
      { method: 'get', path: `/job-runs/${id}`, names: 'not found' },
    ]);
    rows.push([
      `path: POST /job-runs/ an id ${what} /cancel`,
      { method: 'post', path: `/job-runs/${id}/cancel`, names: 'not found' },
    ]);
  }
  return rows;
}

// --- bodies and headers ------------------------------------------------------

function bodyAndHeaderCases(): BadInputRow[] {
  const rows: BadInputRow[] = [];
  const json = { 'Content-Type': 'application/json' };
  const targets = [
    ['POST /tenants', 'post', '/tenants', /Invalid tenant spec|name/],
    [
      'POST a job run',
      'post',
      '/tenants/team-a/job-runs',
      /Invalid job run|name/,
    ],
    [
      'PUT /tenants/team-b',
      'put',
      '/tenants/team-b',
      /Invalid tenant spec|name/,
    ],
  ] as const;
  for (const [where, method, path, names] of targets) {
    const add = (label: string, c: Omit<BadInputCase, 'method' | 'path'>) =>
      rows.push([
        `body: ${where}: ${label}`,
        {
          method,
          path,
          ...c,
          ...(path === '/tenants/team-b' && !c.authorization
            ? { authorization: as(USERS.bob) }
            : {}),
        },
      ]);
    add('invalid JSON (unclosed)', {
      raw: '{"name": "team-new"',
      headers: json,
      names: /JSON|Unexpected|body/i,
    });
    add('invalid JSON (single quotes)', {
      raw: "{'name': 'team-new'}",
      headers: json,
      names: /JSON|Unexpected|body/i,
    });
    add('invalid JSON (trailing comma)', {
      raw: '{"name": "team-new",}',
      headers: json,
      names: /JSON|Unexpected|body/i,
    });
    add('a JSON string', {
      raw: '"team-new"',
      headers: json,
      names: /JSON|Unexpected|body|Invalid/i,
    });
    add('JSON null', {
      raw: 'null',
      headers: json,
      names: /JSON|Unexpected|body|Invalid/i,
    });
    add('a lone NUL byte', {
      raw: '\u0000',
      headers: json,
      names: /JSON|Unexpected|body/i,
    });
    add('plain text', {
      raw: 'name=team-new',
      headers: { 'Content-Type': 'text/plain' },
      names,
    });
    add('a form', {
      raw: 'name=team-new&owner=x',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      names,
    });
    add('JSON sent as text/plain', {
      raw: JSON.stringify({ ...TEAM_A, name: 'team-new' }),
      headers: { 'Content-Type': 'text/plain' },
      names,
    });
    add('no body at all', { names });
    add('an unsupported charset', {
      raw: JSON.stringify(TEAM_A),
      headers: { 'Content-Type': 'application/json; charset=latin1' },
      names: /charset/i,
    });
    add('an unsupported content encoding', {
      raw: JSON.stringify(TEAM_A),
      headers: { ...json, 'Content-Encoding': 'compress' },
      names: /encoding/i,
    });
    add('a gzip encoding that is no gzip', {
      raw: JSON.stringify(TEAM_A),
      headers: { ...json, 'Content-Encoding': 'gzip' },
      // body-parser's own answer; it does not say more than this.
      names: /Bad Request|gzip|encoding/i,
    });
    add('a body over 256 kB', {
      raw: JSON.stringify({
        ...TEAM_A,
        name: 'team-new',
        description: LONG(300_000),
      }),
      headers: json,
      names: /too large/i,
    });
    add('deeply nested JSON', {
      raw: `${'['.repeat(5000)}${']'.repeat(5000)}`,
      headers: json,
      names: /Invalid|JSON/,
    });
    add('duplicate keys, the last one bad', {
      raw: '{"name": "team-new", "name": "Team-New"}',
      headers: json,
      names,
    });
    add('no credentials', {
      body: TEAM_A,
      authorization: mockCredentials.none.header(),
      names: /auth|credentials|Unauthorized/i,
    });
    add('a malformed bearer token', {
      body: TEAM_A,
      authorization: 'Bearer not-a-token',
      names: /token|auth/i,
    });
    add('basic credentials', {
      body: TEAM_A,
      authorization: 'Basic YWxpY2U6c2VjcmV0',
      names: /auth|token|credentials|Unauthorized|not allowed|not found/i,
    });
  }
  return rows;
}

/** The whole corpus, in a stable order. */
export function badInputCases(): BadInputRow[] {
  return [
    ...tenantCases(),
    ...jobRunCases(),
    ...queryAndPathCases(),
    ...bodyAndHeaderCases(),
    ...budgetCases(),
  ];
}

/** Sends a case to the backend's server, as alice unless it says otherwise. */
export function sendCase(
  server: any,
  c: BadInputCase,
): Promise<request.Response> {
  let req = request(server)
    [c.method](`${BASE}${c.path}`)
    .set('Authorization', c.authorization ?? ALICE);
  for (const [name, value] of Object.entries(c.headers ?? {})) {
    req = req.set(name, value);
  }
  if (c.raw !== undefined) {
    req = req.send(c.raw);
  } else if (c.body !== undefined) {
    req = req.send(c.body as object);
  }
  return req;
}

/**
 * Checks that the answer is a refusal as the case expects: a 4xx whose error
 * message names the field.
 */
export function expectRefusal(res: request.Response, c: BadInputCase) {
  const message: string = res.body?.error?.message ?? res.text;
  expect({ status: res.status, message }).toEqual({
    status: expect.toBeWithin4xx(),
    message: expect.stringMatching(asPattern(c.names)),
  });
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Expect {
      toBeWithin4xx(): unknown;
    }
  }
}

expect.extend({
  toBeWithin4xx(received: number) {
    const pass = received >= 400 && received < 500;
    return {
      pass,
      message: () => `expected a 4xx status, got ${received}`,
    };
  },
});
