import fc from 'fast-check';
import { LogPager, type LogPageRequest } from './paging';

/** Pushes `text` in the given chunk sizes and stops when the pager is full, as the service does. */
function page(text: string, request: LogPageRequest, cuts: number[] = []) {
  const pager = new LogPager(request);
  let at = 0;
  let i = 0;
  while (at < text.length && !pager.done) {
    const size = Math.max(
      1,
      cuts[i++ % Math.max(cuts.length, 1)] ?? text.length,
    );
    pager.push(text.slice(at, at + size));
    at += size;
  }
  return pager.finish(at >= text.length && !pager.done);
}

const logText = fc
  .array(
    fc.oneof(
      fc.string({ maxLength: 30 }).map(s => s.replace(/\n/g, ' ')),
      fc.constant(''),
    ),
    { maxLength: 40 },
  )
  .chain(lines =>
    fc.boolean().map(trailing => lines.join('\n') + (trailing ? '\n' : '')),
  );
const cuts = fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 8 });

describe('LogPager', () => {
  it('reads a short stream whole, as the tail and from the start', () => {
    const text = 'one\ntwo\nthree\n';
    expect(page(text, { limit: 100 })).toEqual({
      text,
      from: 0,
      to: text.length,
      total: text.length,
      hasEarlier: false,
      hasLater: false,
    });
    expect(page(text, { from: 0, limit: 100 })).toEqual({
      text,
      from: 0,
      to: text.length,
      total: text.length,
      hasEarlier: false,
      hasLater: false,
    });
  });

  it('gives the last whole lines that fit as the tail', () => {
    const text = 'alpha\nbravo\ncharlie\ndelta\n';
    expect(page(text, { limit: 16 }, [3])).toEqual({
      text: 'charlie\ndelta\n',
      from: 12,
      to: text.length,
      total: text.length,
      hasEarlier: true,
      hasLater: false,
    });
  });

  it('starts a page asked from inside a line at the next line, and ends it at a whole line', () => {
    const text = 'alpha\nbravo\ncharlie\ndelta\n';
    expect(page(text, { from: 2, limit: 15 }, [4])).toEqual({
      text: 'bravo\ncharlie\n',
      from: 6,
      to: 20,
      hasEarlier: true,
      hasLater: true,
    });
  });

  it('keeps a line longer than the page, cut where the page ends', () => {
    const text = `${'x'.repeat(50)}\nend\n`;
    expect(page(text, { from: 3, limit: 10 }, [7])).toMatchObject({
      text: 'x'.repeat(10),
      from: 3,
      to: 13,
      hasLater: true,
    });
  });

  it('answers an empty page from inside the last line, which has no next line', () => {
    expect(page('abc\ndef', { from: 5, limit: 10 })).toEqual({
      text: '',
      from: 7,
      to: 7,
      total: 7,
      hasEarlier: true,
      hasLater: false,
    });
  });

  it('answers an empty page past the end', () => {
    expect(page('abc\n', { from: 99, limit: 10 })).toEqual({
      text: '',
      from: 4,
      to: 4,
      total: 4,
      hasEarlier: true,
      hasLater: false,
    });
  });

  it('refuses limits and offsets that are not counts', () => {
    expect(() => new LogPager({ limit: 0 })).toThrow(RangeError);
    expect(() => new LogPager({ limit: 1.5 })).toThrow(RangeError);
    expect(() => new LogPager({ limit: 5, from: -1 })).toThrow(RangeError);
  });

  it('gives a page that is the text between its offsets, within the limit, whatever the chunks', () => {
    fc.assert(
      fc.property(
        logText,
        fc.integer({ min: 1, max: 80 }),
        fc.option(fc.integer({ min: 0, max: 1500 }), { nil: undefined }),
        cuts,
        (text, limit, from, sizes) => {
          const result = page(text, { from, limit }, sizes);
          expect(result.text).toBe(text.slice(result.from, result.to));
          expect(result.text.length).toBeLessThanOrEqual(limit);
          expect(result.hasEarlier).toBe(result.from > 0);
          expect(result.hasLater).toBe(result.to < text.length);
          // When given, the total is the whole text's length.
          expect(result.total ?? text.length).toBe(text.length);
        },
      ),
    );
  });

  it('cuts pages at whole lines unless a line is longer than the page', () => {
    fc.assert(
      fc.property(
        logText,
        fc.integer({ min: 1, max: 80 }),
        fc.option(fc.integer({ min: 0, max: 1500 }), { nil: undefined }),
        cuts,
        (text, limit, from, sizes) => {
          const result = page(text, { from, limit }, sizes);
          const startsLine =
            result.from === 0 ||
            result.from === text.length ||
            text[result.from - 1] === '\n';
          const endsLine =
            result.to === text.length || text[result.to - 1] === '\n';
          const longLine = (offset: number) => {
            const start = text.lastIndexOf('\n', offset - 1) + 1;
            const end = text.indexOf('\n', offset);
            return (end < 0 ? text.length : end) - start + 1 > limit;
          };
          // Mid-line only inside a line longer than the page.
          expect(startsLine || longLine(result.from)).toBe(true);
          expect(endsLine || longLine(Math.max(result.to - 1, 0))).toBe(true);
        },
      ),
    );
  });

  it('tails: the page ends at the end of the stream', () => {
    fc.assert(
      fc.property(
        logText,
        fc.integer({ min: 1, max: 80 }),
        cuts,
        (text, limit, sizes) => {
          const result = page(text, { limit }, sizes);
          expect(result.to).toBe(text.length);
          expect(result.total).toBe(text.length);
        },
      ),
    );
  });

  it('holds at most the page and one chunk while it tails', () => {
    const pager = new LogPager({ limit: 100 });
    for (let i = 0; i < 10_000; i++) {
      pager.push(`line ${i}\n`);
    }
    expect((pager as any).kept).toBeLessThan(120);
    expect(pager.finish(true).text.endsWith('line 9999\n')).toBe(true);
  });
});
