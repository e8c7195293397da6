import fc from 'fast-check';
import { failedDriverStderr, logPage, aLogStream } from '../../__testUtils__';
import {
  appendPage,
  findErrorLine,
  fetchEarlier,
  loadedFrom,
  prependPage,
} from './logText';

const stream = aLogStream();

describe('findErrorLine', () => {
  it('finds the line naming the exception of EMR’s details', () => {
    const found = findErrorLine(
      failedDriverStderr(),
      'Driver exited with code 1: FileNotFoundException s3://data-lake/x',
    );
    expect(found?.lineNumber).toBe(7);
    expect(found?.text).toContain(
      'User class threw exception: java.io.FileNotFoundException',
    );
  });

  it('prefers an exception to the ERROR lines of executors lost on Spot', () => {
    const found = findErrorLine(failedDriverStderr());
    expect(found?.lineNumber).toBe(7);
  });

  it('falls back to the first ERROR line, and to nothing', () => {
    expect(
      findErrorLine('INFO start\nERROR Executor: lost\nINFO end')?.lineNumber,
    ).toBe(2);
    expect(findErrorLine('INFO start\nINFO end')).toBeUndefined();
  });

  it('finds a Python traceback', () => {
    expect(
      findErrorLine('INFO a\nTraceback (most recent call last):\n  File')
        ?.lineNumber,
    ).toBe(2);
  });
});

describe('paging a log', () => {
  const lines = fc
    .array(fc.stringMatching(/^[a-z ]{0,30}$/), { maxLength: 40 })
    .map(ls => ls.map(l => `${l}\n`).join(''));

  it('loading earlier pages down to the start gives the whole text, in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        lines,
        // The backend's cap holds a line at least (its default: a million).
        fc.integer({ min: 32, max: 100 }),
        fc.integer({ min: 1, max: 50 }),
        async (text, limit, chunk) => {
          const fetchPage = async (query: { from: number; limit: number }) =>
            logPage(stream, text, {
              from: query.from,
              limit: Math.min(query.limit, limit),
            });
          let loaded = loadedFrom(logPage(stream, text, { limit }));
          for (let i = 0; loaded.hasEarlier && i < 1000; i++) {
            const page = await fetchEarlier(loaded, fetchPage, chunk);
            loaded = page ? prependPage(loaded, page) : loaded;
          }
          expect(loaded.text).toBe(text.slice(loaded.from, loaded.to));
          expect(loaded.from).toBe(0);
          expect(loaded.to).toBe(text.length);
        },
      ),
    );
  });

  it('reaches back over a line longer than a chunk', async () => {
    const text = `${'a'.repeat(100)}\nb\n`;
    const loaded = loadedFrom(logPage(stream, text, { limit: 2 }));
    expect(loaded.text).toBe('b\n');
    const page = await fetchEarlier(
      loaded,
      async query => logPage(stream, text, query),
      10,
    );
    expect(page && prependPage(loaded, page).text).toBe(text);
  });

  it('keeps the loaded text when an earlier page would leave a hole', () => {
    const loaded = loadedFrom(logPage(stream, 'a\nb\nc\n', { limit: 2 }));
    const short = logPage(stream, 'a\nb\nc\n', { from: 0, limit: 2 });
    expect(prependPage(loaded, short)).toBe(loaded);
  });

  it('a tail fetched again after more was written joins the loaded text, or replaces it', () => {
    fc.assert(
      fc.property(
        lines,
        lines,
        fc.integer({ min: 1, max: 80 }),
        (first, more, limit) => {
          const loaded = loadedFrom(logPage(stream, first, { limit }));
          const text = first + more;
          const next = appendPage(loaded, logPage(stream, text, { limit }));
          // Always a true slice of the stream, ending at its end.
          expect(next.text).toBe(text.slice(next.from, next.to));
          expect(next.to).toBe(text.length);
        },
      ),
    );
  });
});
