import { JobRunLogPage } from '@spot-spark/plugin-emr-on-eks-common';

/** The text of a log stream loaded so far: one or more adjoining pages. */
export interface LoadedLog {
  text: string;
  /** Offset of `text`'s first character in the whole stream. */
  from: number;
  /** Offset just after `text`'s last character. */
  to: number;
  /** Length of the whole stream, when the last page reached its end. */
  total?: number;
  hasEarlier: boolean;
}

/** The first page of a stream, as loaded text. */
export function loadedFrom(page: JobRunLogPage): LoadedLog {
  return {
    text: page.text,
    from: page.from,
    to: page.to,
    total: page.total,
    hasEarlier: page.hasEarlier,
  };
}

/**
 * Adds a newer page (the tail, fetched again while following) after what is
 * loaded. When the two do not meet (more was written than a page holds),
 * the newer page replaces the older text rather than leave a hole in it.
 */
export function appendPage(loaded: LoadedLog, page: JobRunLogPage): LoadedLog {
  if (page.from > loaded.to || page.from < loaded.from) {
    return loadedFrom(page);
  }
  return {
    text: loaded.text.slice(0, page.from - loaded.from) + page.text,
    from: loaded.from,
    to: page.to,
    total: page.total,
    hasEarlier: loaded.hasEarlier,
  };
}

/**
 * Adds an earlier page before what is loaded; the part of it that overlaps
 * the loaded text is dropped. A page that ends before the loaded text starts
 * (the backend cut it shorter) is kept out: it would leave a hole.
 */
export function prependPage(loaded: LoadedLog, page: JobRunLogPage): LoadedLog {
  if (page.to < loaded.from || page.from >= loaded.from) {
    return loaded;
  }
  return {
    ...loaded,
    text: page.text.slice(0, loaded.from - page.from) + loaded.text,
    from: page.from,
    hasEarlier: page.hasEarlier,
  };
}

/** Fetches a page of the stream from `from`, of at most `limit` characters. */
export type FetchLogPage = (query: {
  from: number;
  limit: number;
}) => Promise<JobRunLogPage>;

/**
 * Fetches up to `chunk` characters before what is loaded, as one page that
 * ends where the loaded text starts (undefined when nothing came). A page the
 * backend cut short (at a line's end, or at its cap) would leave a hole: the
 * rest is asked for until the pages meet.
 */
async function fetchBefore(
  start: number,
  fetchPage: FetchLogPage,
  chunk: number,
): Promise<JobRunLogPage | undefined> {
  const pages: JobRunLogPage[] = [];
  let next = Math.max(0, start - chunk);
  // Bounded: each page moves on by at least one character, or it stops.
  for (let i = 0; i < 50 && next < start; i++) {
    const page = await fetchPage({ from: next, limit: start - next });
    // The first page may start at the next line; the others must go on
    // where the last one stopped (a line longer than the backend's cap
    // cannot be read in parts).
    if (page.to <= next || (pages.length > 0 && page.from !== next)) {
      break;
    }
    pages.push(page);
    next = page.to;
  }
  if (pages.length === 0 || next < start) {
    return undefined;
  }
  return { ...pages[0], text: pages.map(p => p.text).join(''), to: next };
}

/**
 * Earlier text than what is loaded: up to `chunk` characters, or more when a
 * line is longer than that (the backend starts pages at a line's start, so a
 * page inside one long line comes back empty).
 */
export async function fetchEarlier(
  loaded: Pick<LoadedLog, 'from'>,
  fetchPage: FetchLogPage,
  chunk: number,
): Promise<JobRunLogPage | undefined> {
  for (let size = chunk, i = 0; i < 4; size *= 4, i++) {
    const page = await fetchBefore(loaded.from, fetchPage, size);
    if (!page || page.from < loaded.from || size >= loaded.from) {
      return page;
    }
  }
  return undefined;
}

/** A line of a log, numbered from 1 as the log viewer numbers them. */
export interface LogLineMatch {
  lineNumber: number;
  text: string;
}

// An exception with its message (JVM: `java.io.FooException: ...`), or a
// Python traceback's start.
const EXCEPTION_LINE =
  /\b[\w$.]*(Exception|Error)\b:|^Traceback \(most recent call last\)/;
// A log4j error line (Spark's ERROR and FATAL levels).
const ERROR_LINE = /\b(ERROR|FATAL)\b/;
// Class names of exceptions (`java.io.FileNotFoundException`) in EMR's reason.
const EXCEPTION_NAME = /\b[A-Za-z_$][\w$]*(?:\.[\w$]+)*(?:Exception|Error)\b/g;

/**
 * The first line of `text` that tells why the run failed: the first naming
 * an exception of EMR's details, else the first exception, else the first
 * ERROR line (executors lost on Spot log ERROR lines too, before the cause).
 */
export function findErrorLine(
  text: string,
  stateDetails?: string,
): LogLineMatch | undefined {
  const lines = text.split('\n');
  const names = [...(stateDetails ?? '').matchAll(EXCEPTION_NAME)].map(
    m => m[0],
  );
  const tests: Array<(line: string) => boolean> = [
    ...names.map(name => (line: string) => line.includes(name)),
    line => EXCEPTION_LINE.test(line),
    line => ERROR_LINE.test(line),
  ];
  for (const test of tests) {
    const index = lines.findIndex(test);
    if (index >= 0) {
      return { lineNumber: index + 1, text: lines[index] };
    }
  }
  return undefined;
}
