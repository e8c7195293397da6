import { as } from './apiWorld';
import type { BadInputCase, BadInputRow } from './badInputCorpus';
import { USERS } from './testBackend';

/*
 * The bad-input corpus of the budgets, the forecast and the admin's cost
 * overview (part of `badInputCases()`): hostile bodies for
 * `PUT /tenants/:name/budget`, sent by an admin so that they reach the
 * parser, and hostile query values and paths for the reads. badInput.test.ts
 * gives team-a the budget `CORPUS_BUDGET` and checks it is unchanged after
 * every case.
 */

const ADMIN = as(USERS.admin);
const ALICE = as(USERS.alice);
const LONG = (n: number, c = 'a') => c.repeat(n);
const enc = encodeURIComponent;
const JSON_TYPE = { 'Content-Type': 'application/json' };

/** The budget badInput.test.ts gives team-a, which no case may change. */
export const CORPUS_BUDGET = {
  amount: 1000,
  currency: 'USD',
  thresholds: [50, 80, 100],
};

const BUDGET_PATH = '/tenants/team-a/budget';

function budgetBodyCases(): BadInputRow[] {
  const rows: BadInputRow[] = [];
  const put = (label: string, c: Omit<BadInputCase, 'method' | 'path'>) =>
    rows.push([
      `budget: ${label}`,
      { method: 'put', path: BUDGET_PATH, authorization: ADMIN, ...c },
    ]);
  const body = (label: string, patch: object, names: string | RegExp) =>
    put(label, { body: { ...CORPUS_BUDGET, amount: 5, ...patch }, names });

  // amount
  for (const [what, value] of [
    ['negative', -1],
    ['zero', 0],
    ['minus zero', -0],
    ['above 1e12', 1e12 + 1],
    ['the largest double', Number.MAX_VALUE],
    ['below a cent', 0.009],
    ['a subnormal double', 1e-320],
    ['a string', '100'],
    ['"NaN"', 'NaN'],
    ['"Infinity"', 'Infinity'],
    ['a string with a currency sign', '$100'],
    ['full-width digits', '１００'],
    ['null', null],
    ['a boolean', true],
    ['an array', [100]],
    ['an object', { value: 100 }],
  ] as Array<[string, unknown]>) {
    body(`amount ${what}`, { amount: value }, 'amount:');
  }
  // JSON has no NaN or Infinity: the parser refuses the first, and 1e400
  // arrives as Infinity.
  put('amount NaN in raw JSON', {
    raw: '{"amount": NaN, "currency": "USD"}',
    headers: JSON_TYPE,
    names: /JSON|Unexpected/,
  });
  put('amount 1e400 (Infinity once parsed)', {
    raw: '{"amount": 1e400, "currency": "USD"}',
    headers: JSON_TYPE,
    names: 'amount:',
  });
  put('amount of 400 digits', {
    raw: `{"amount": ${'9'.repeat(400)}, "currency": "USD"}`,
    headers: JSON_TYPE,
    names: 'amount:',
  });
  put('without amount', { body: { currency: 'USD' }, names: 'amount:' });

  // currency
  for (const [what, value] of [
    ['in lower case', 'usd'],
    ['of two letters', 'US'],
    ['of four letters', 'USDD'],
    ['with a trailing space', 'USD '],
    ['with a newline', 'USD\n'],
    ['with a NUL', 'U\u0000SD'],
    ['with a Cyrillic look-alike', 'UЅD'],
    ['in full-width letters', 'ＵＳＤ'],
    ['with a zero-width space', 'US\u200bD'],
    ['a symbol', '$'],
    ['empty', ''],
    ['of 10,000 characters', LONG(10_000, 'U')],
    ['a number', 840],
    ['null', null],
    ['an array', ['USD']],
    ['an object', { code: 'USD' }],
  ] as Array<[string, unknown]>) {
    body(`currency ${what}`, { currency: value }, 'currency:');
  }
  // A real code, but not the bill's: the amount could not be compared.
  body('currency EUR (the bill is in USD)', { currency: 'EUR' }, 'currency:');
  put('without currency', { body: { amount: 5 }, names: 'currency:' });

  // thresholds
  for (const [what, value, names] of [
    ['0 %', [0], 'thresholds.0:'],
    ['a negative one', [-50], 'thresholds.0:'],
    ['1001 %', [1001], 'thresholds.0:'],
    ['1e308 %', [1e308], 'thresholds.0:'],
    ['a fraction', [50.5], 'thresholds.0:'],
    ['a string', ['50'], 'thresholds.0:'],
    ['null', [null], 'thresholds.0:'],
    ['a nested array', [[50]], 'thresholds.0:'],
    ['the second one bad', [50, 'eighty'], 'thresholds.1:'],
    ['empty', [], 'thresholds:'],
    ['11 of them', Array.from({ length: 11 }, (_, i) => i + 1), 'thresholds:'],
    ['10,000 of them', Array(10_000).fill(50), 'thresholds:'],
    ['a number', 50, 'thresholds:'],
    ['a string', '50,80', 'thresholds:'],
    ['an object', { 0: 50 }, 'thresholds:'],
    ['null', null, 'thresholds:'],
  ] as Array<[string, unknown, string]>) {
    body(`thresholds ${what}`, { thresholds: value }, names);
  }

  // fields the schema does not know, the stored ones among them
  for (const [field, value] of [
    ['tenant', 'team-b'],
    ['tenantUid', '00000000-0000-4000-8000-000000000000'],
    ['updatedBy', 'user:default/mallory'],
    ['updatedAt', '2000-01-01T00:00:00.000Z'],
    ['constructor', { name: 'x' }],
    ['prototype', {}],
    [LONG(5000), 1],
    ['ключ', 1],
  ] as Array<[string, unknown]>) {
    body(
      `an unknown field ${JSON.stringify(field.slice(0, 20))}`,
      { [field]: value },
      'unknown field',
    );
  }
  // Raw, so that __proto__ arrives as an own key, as an attacker sends it.
  put('a __proto__ key', {
    raw: '{"amount": 5, "currency": "USD", "__proto__": {"amount": 1}}',
    headers: JSON_TYPE,
    names: /unknown field|__proto__/,
  });
  put('a __proto__ key holding thresholds', {
    raw: '{"amount": 5, "currency": "USD", "__proto__": {"thresholds": [1]}}',
    headers: JSON_TYPE,
    names: /unknown field|__proto__/,
  });
  put('duplicate keys, the last one bad', {
    raw: '{"amount": 5, "amount": -5, "currency": "USD"}',
    headers: JSON_TYPE,
    names: 'amount:',
  });

  // the whole body
  put('an array', { body: [CORPUS_BUDGET], names: /Invalid budget/ });
  put('an empty object', { body: {}, names: 'amount:' });
  put('no body at all', { names: 'amount:' });
  put('JSON null', { raw: 'null', headers: JSON_TYPE, names: /Invalid|JSON/ });
  put('a JSON string', {
    raw: '"1000 USD"',
    headers: JSON_TYPE,
    names: /Invalid|JSON/,
  });
  put('invalid JSON', {
    raw: '{"amount": 5,',
    headers: JSON_TYPE,
    names: /JSON|Unexpected/,
  });
  put('a form', {
    raw: 'amount=5&currency=USD',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    names: 'amount:',
  });
  put('JSON sent as text/plain', {
    raw: JSON.stringify({ ...CORPUS_BUDGET, amount: 5 }),
    headers: { 'Content-Type': 'text/plain' },
    names: 'amount:',
  });
  put('a body over 256 kB', {
    raw: JSON.stringify({ amount: 5, currency: LONG(300_000, 'U') }),
    headers: JSON_TYPE,
    names: /too large/i,
  });

  // who may not set it, and tenants that are not there
  put('a good budget by a member of the tenant', {
    body: { ...CORPUS_BUDGET, amount: 5 },
    authorization: ALICE,
    names: 'to set its budget',
  });
  rows.push([
    'budget: DELETE by a member of the tenant',
    {
      method: 'delete',
      path: BUDGET_PATH,
      authorization: ALICE,
      names: 'to set its budget',
    },
  ]);
  put('a good budget by a user of another team', {
    body: { ...CORPUS_BUDGET, amount: 5 },
    authorization: as(USERS.bob),
    names: 'not found',
  });
  return rows;
}

/** Month values no forecast or overview may accept, with what names them. */
const BAD_MONTHS: Array<[string, string]> = [
  ['2026-13', 'month=2026-13'],
  ['2026-00', 'month=2026-00'],
  ['2026-1', 'month=2026-1'],
  ['26-01', 'month=26-01'],
  ['2026-01-01', 'month=2026-01-01'],
  ['1999-12', 'month=1999-12'],
  ['3000-01', 'month=3000-01'],
  ['../', `month=${enc('../')}`],
  ['..%2F..%2Fetc', `month=${enc('../../etc')}`],
  ['with a newline', `month=${enc('2026-01\n')}`],
  ['with a NUL', `month=${enc('2026-01\u0000')}`],
  ['in full-width digits', `month=${enc('２０２６-０１')}`],
  ['with Arabic-Indic digits', `month=${enc('٢٠٢٦-٠١')}`],
  ['of 10,000 characters', `month=${LONG(10_000, '2')}`],
  ['empty', 'month='],
  ['a word', 'month=current'],
  ['a SQL injection', `month=${enc("2026-01' or '1'='1")}`],
  ['given twice', 'month=2026-01&month=2026-02'],
  ['as an array', `month${enc('[]')}=2026-01`],
  ['as an object', `month${enc('[year]')}=2026`],
  ['an unknown parameter', 'tenant=team-b'],
  ['a constructor parameter', 'constructor=x'],
];

function readCases(): BadInputRow[] {
  const rows: BadInputRow[] = [];
  const get = (
    label: string,
    path: string,
    names: string | RegExp,
    auth?: string,
  ) =>
    rows.push([
      label,
      { method: 'get', path, names, ...(auth ? { authorization: auth } : {}) },
    ]);
  for (const [what, query] of BAD_MONTHS) {
    const names = /month|tenant|constructor/;
    get(
      `forecast: month ${what}`,
      `/tenants/team-a/costs/forecast?${query}`,
      names,
    );
    get(`overview: month ${what}`, `/costs/overview?${query}`, names, ADMIN);
  }
  // A month that has not begun has no forecast, and no overview.
  get(
    'forecast: month 2999-12 (far future)',
    '/tenants/team-a/costs/forecast?month=2999-12',
    'month: 2999-12 has not begun',
  );
  get(
    'overview: month 2999-12 (far future)',
    '/costs/overview?month=2999-12',
    'month: 2999-12 has not begun',
    ADMIN,
  );
  get(
    'forecast: a format (the forecast has none)',
    '/tenants/team-a/costs/forecast?format=csv',
    'format',
  );
  for (const [what, query] of [
    ['xml', 'format=xml'],
    ['in capitals', 'format=CSV'],
    ['empty', 'format='],
    ['given twice', 'format=csv&format=json'],
    ['as an array', `format${enc('[]')}=csv`],
    ['of 10,000 characters', `format=${LONG(10_000)}`],
  ]) {
    get(
      `overview: format ${what}`,
      `/costs/overview?${query}`,
      'format',
      ADMIN,
    );
  }
  // Every tenant's spend is for admins: others learn nothing of the page.
  get('overview: asked by a tenant member', '/costs/overview', 'not found');

  for (const [what, name] of [
    ['in capitals', 'TEAM-A'],
    ['of 5,000 characters', LONG(5000)],
    ['with a NUL', enc('team\u0000a')],
    ['with a dot-dot', '%2E%2E'],
    ['with an encoded slash', enc('team-a/../team-b')],
    ['with a Cyrillic look-alike', enc('tеam-a')],
    ['that does not exist', 'team-z'],
    ['__proto__', '__proto__'],
  ]) {
    get(`budget: GET a name ${what}`, `/tenants/${name}/budget`, 'not found');
    get(
      `forecast: a name ${what}`,
      `/tenants/${name}/costs/forecast`,
      'not found',
    );
    rows.push([
      `budget: PUT a name ${what}`,
      {
        method: 'put',
        path: `/tenants/${name}/budget`,
        body: { ...CORPUS_BUDGET, amount: 5 },
        authorization: ADMIN,
        names: 'not found',
      },
    ]);
    rows.push([
      `budget: DELETE a name ${what}`,
      {
        method: 'delete',
        path: `/tenants/${name}/budget`,
        authorization: ADMIN,
        names: 'not found',
      },
    ]);
  }
  return rows;
}

/** The budget, forecast and overview cases, in a stable order. */
export function budgetCases(): BadInputRow[] {
  return [...budgetBodyCases(), ...readCases()];
}
