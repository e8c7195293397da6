import {
  FILTER_PARAMS,
  readFilters,
  serverFilterKey,
  toListQuery,
  writeFilters,
} from './filters';

describe('job-run filters in the URL', () => {
  it('reads states in their canonical order and drops unknown values', () => {
    const filters = readFilters(
      new URLSearchParams(
        'runState=FAILED&runState=RUNNING&runState=BOGUS&runRange=nope&runName=daily',
      ),
    );
    expect(filters).toEqual({
      states: ['RUNNING', 'FAILED'],
      range: '',
      createdAfter: undefined,
      createdBefore: undefined,
      name: 'daily',
    });
  });

  it('keeps dates only for a custom range', () => {
    const params = new URLSearchParams(
      'runRange=custom&runCreatedAfter=2026-11-20T00:00:00Z&runCreatedBefore=not-a-date',
    );
    expect(readFilters(params)).toMatchObject({
      range: 'custom',
      createdAfter: '2026-11-20T00:00:00.000Z',
      createdBefore: undefined,
    });
    params.set(FILTER_PARAMS.range, '24h');
    expect(readFilters(params).createdAfter).toBeUndefined();
  });

  it('writes the filters and keeps the other parameters of the page', () => {
    const next = writeFilters(new URLSearchParams('tab=overview&runName=x'), {
      states: ['FAILED'],
      range: '7d',
      name: '',
    });
    expect(next.toString()).toBe('tab=overview&runState=FAILED&runRange=7d');
  });

  it('turns relative ranges into createdAfter from now, custom ones as given', () => {
    const now = Date.parse('2026-11-21T12:00:00Z');
    expect(
      toListQuery({ states: ['RUNNING'], range: '24h', name: 'x' }, now),
    ).toEqual({
      state: ['RUNNING'],
      createdAfter: '2026-11-20T12:00:00.000Z',
      name: 'x',
    });
    expect(
      toListQuery(
        {
          states: [],
          range: 'custom',
          createdAfter: '2026-11-01T00:00:00.000Z',
          createdBefore: '2026-11-02T00:00:00.000Z',
          name: '',
        },
        now,
      ),
    ).toEqual({
      createdAfter: '2026-11-01T00:00:00.000Z',
      createdBefore: '2026-11-02T00:00:00.000Z',
    });
    expect(toListQuery({ states: [], range: '', name: '' }, now)).toEqual({});
  });

  it('sends the trimmed name to the server, and a new name starts paging again', () => {
    const now = Date.parse('2026-11-21T12:00:00Z');
    expect(toListQuery({ states: [], range: '', name: '  ' }, now)).toEqual({});
    expect(
      toListQuery({ states: [], range: '', name: ' daily ' }, now),
    ).toEqual({ name: 'daily' });
    const a = serverFilterKey({ states: [], range: '', name: 'a' });
    const b = serverFilterKey({ states: [], range: '', name: 'b' });
    const aSpaced = serverFilterKey({ states: [], range: '', name: ' a ' });
    expect(a).not.toBe(b);
    expect(a).toBe(aSpaced);
  });
});
