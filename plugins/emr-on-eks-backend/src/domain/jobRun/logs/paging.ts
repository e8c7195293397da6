/*
 * A bounded page of a log stream's text, read as it streams by: the tail
 * (the default) keeps only the last `limit` characters seen; `from` skips
 * that many characters, then keeps `limit`. Either way the page is cut at
 * whole lines (a line longer than the page is cut where the page ends), and
 * memory stays within the page and one chunk, however long the stream.
 * Offsets count characters of the decompressed text (UTF-16 code units, as
 * JavaScript strings count them).
 */

/** Which page to read. */
export interface LogPageRequest {
  /** Offset of the first character; the tail when left out. */
  from?: number;
  /** Most characters the page holds. */
  limit: number;
}

/** A page read (the stream's description is added by the caller). */
export interface LogPageText {
  text: string;
  from: number;
  to: number;
  total?: number;
  hasEarlier: boolean;
  hasLater: boolean;
}

/** Reads one page from chunks of text pushed in order. */
export class LogPager {
  private readonly limit: number;
  private readonly tail: boolean;
  /** From: characters still to skip. */
  private toSkip: number;
  /** Characters pushed so far. */
  private seen = 0;
  /** The page so far (tail: at most `limit` characters and one chunk). */
  private chunks: string[] = [];
  private kept = 0;
  /** From: offset of the page's first kept character. */
  private start = 0;
  /**
   * From, when the asked offset falls inside a line: the rest of that line,
   * held (at most `limit` characters) until it ends.
   */
  private partial: string[] | undefined;
  private partialLength = 0;
  private full = false;

  constructor(request: LogPageRequest) {
    if (!Number.isInteger(request.limit) || request.limit < 1) {
      throw new RangeError('limit must be a positive integer');
    }
    if (
      request.from !== undefined &&
      (!Number.isInteger(request.from) || request.from < 0)
    ) {
      throw new RangeError('from must be a non-negative integer');
    }
    this.limit = request.limit;
    this.tail = request.from === undefined;
    this.toSkip = request.from ?? 0;
    this.start = this.toSkip;
  }

  /** True once the page is full: the rest of the stream is not needed. */
  get done(): boolean {
    return this.full;
  }

  /** Takes the next chunk of the stream's text. */
  push(chunk: string): void {
    if (this.full || chunk.length === 0) {
      return;
    }
    const offset = this.seen;
    this.seen += chunk.length;
    if (this.tail) {
      this.chunks.push(chunk);
      this.kept += chunk.length;
      // Drop whole chunks that lie entirely before the last `limit` characters.
      while (this.kept - this.chunks[0].length >= this.limit) {
        this.kept -= this.chunks.shift()!.length;
      }
      return;
    }
    let rest = chunk;
    if (this.toSkip > 0) {
      const skipped = Math.min(rest.length, this.toSkip);
      this.toSkip -= skipped;
      if (this.toSkip === 0 && rest[skipped - 1] !== '\n') {
        // Asked from the middle of a line.
        this.partial = [];
      }
      rest = rest.slice(skipped);
    }
    if (this.partial) {
      rest = this.align(rest, offset + chunk.length - rest.length);
      if (this.partial) {
        return;
      }
    }
    this.keep(rest);
  }

  /**
   * The page. `ended` says whether the whole stream was pushed (false when
   * reading stopped at {@link LogPager.done}).
   */
  finish(ended: boolean): LogPageText {
    if (this.partial) {
      // The stream ended inside the line the page was asked from: the next
      // line would start at the end.
      this.partial = undefined;
      this.start = this.seen;
    }
    const all = this.chunks.join('');
    this.chunks = [];
    if (this.tail) {
      let text = all.slice(Math.max(0, all.length - this.limit));
      let from = this.seen - text.length;
      if (from > 0) {
        const newline = text.indexOf('\n');
        if (newline >= 0 && newline < text.length - 1) {
          text = text.slice(newline + 1);
          from += newline + 1;
        }
      }
      return {
        text,
        from,
        to: this.seen,
        ...(ended ? { total: this.seen } : {}),
        hasEarlier: from > 0,
        hasLater: !ended,
      };
    }
    let text = all;
    let hasLater = !ended;
    if (text.length > this.limit) {
      text = text.slice(0, this.limit);
      hasLater = true;
      const newline = text.lastIndexOf('\n');
      if (newline >= 0) {
        text = text.slice(0, newline + 1);
      }
    }
    const from = Math.min(this.start, this.seen);
    return {
      text,
      from,
      to: from + text.length,
      ...(ended && !hasLater ? { total: this.seen } : {}),
      hasEarlier: from > 0,
      hasLater,
    };
  }

  /**
   * Holds the rest of the line the page was asked from the middle of; the
   * page starts at the next line, unless that rest is longer than a page
   * (then the page starts where it was asked). Returns what follows.
   */
  private align(text: string, offset: number): string {
    const held = this.partial!;
    const newline = text.indexOf('\n');
    if (newline >= 0 && this.partialLength + newline + 1 <= this.limit) {
      this.partial = undefined;
      this.start = offset + newline + 1;
      return text.slice(newline + 1);
    }
    if (this.partialLength + text.length < this.limit) {
      held.push(text);
      this.partialLength += text.length;
      return '';
    }
    // A line longer than a page: keep it from where it was asked.
    this.partial = undefined;
    return held.join('') + text;
  }

  private keep(text: string): void {
    if (text.length === 0) {
      return;
    }
    this.chunks.push(text);
    this.kept += text.length;
    // One character past the page tells that more follows.
    if (this.kept > this.limit) {
      this.full = true;
    }
  }
}
