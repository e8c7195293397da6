// @ts-check
// ListJobRuns: its filters and its pages, newest first, with an opaque
// nextToken that survives runs created between pages.
import { invalid } from './errors.mjs';

/** EMR's own cap on a page; callers may lower it. */
export const DEFAULT_PAGE_SIZE = 50;

/**
 * What a run needs for listing.
 * @typedef {object} Listable
 * @property {number} createdAt Epoch milliseconds.
 * @property {number} sequence Creation order, to break createdAt ties so
 *   pages are a total order.
 * @property {string} name
 */

/**
 * The SDK serialises query timestamps as ISO-8601 (`.000` dropped).
 * @param {URLSearchParams} params
 * @param {string} name
 * @returns {number | undefined}
 */
function queryDate(params, name) {
  const text = params.get(name);
  if (text === null) {
    return undefined;
  }
  const value = Date.parse(text);
  if (Number.isNaN(value)) {
    throw invalid(`${name} is not a valid timestamp: ${text}`);
  }
  return value;
}

/**
 * Newest first; later-created first among equal createdAt.
 * @param {Listable} a
 * @param {Listable} b
 */
function newestFirst(a, b) {
  return b.createdAt - a.createdAt || b.sequence - a.sequence;
}

/**
 * The cursor: the sort key of the last run returned.
 * @param {Listable} run
 */
function encodeNextToken(run) {
  return Buffer.from(
    JSON.stringify({ t: run.createdAt, s: run.sequence }),
  ).toString('base64url');
}

/**
 * @param {string} token
 * @returns {{ t: number, s: number }}
 */
function decodeNextToken(token) {
  try {
    const cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof cursor?.t === 'number' && typeof cursor?.s === 'number') {
      return cursor;
    }
  } catch {
    // falls through to the error below
  }
  throw invalid(`Invalid nextToken: ${token}`);
}

/**
 * One page of a virtual cluster's runs for the ListJobRuns query `params`
 * (createdAfter, createdBefore, name, states, maxResults, nextToken).
 *
 * @template {Listable} R
 * @param {R[]} runs The virtual cluster's runs.
 * @param {URLSearchParams} params
 * @param {{ pageSize: number, stateOf: (run: R) => string }} options
 *   `pageSize` caps maxResults; `stateOf` tells a run's state now.
 * @returns {{ page: R[], nextToken?: string }}
 */
export function listPage(runs, params, { pageSize, stateOf }) {
  const createdAfter = queryDate(params, 'createdAfter');
  const createdBefore = queryDate(params, 'createdBefore');
  const name = params.get('name');
  const states = params.getAll('states');
  const maxResultsText = params.get('maxResults');
  const maxResults =
    maxResultsText === null ? DEFAULT_PAGE_SIZE : Number(maxResultsText);
  if (!Number.isInteger(maxResults) || maxResults < 1) {
    throw invalid(`maxResults must be a positive integer: ${maxResultsText}`);
  }
  const nextToken = params.get('nextToken');
  const cursor = nextToken === null ? undefined : decodeNextToken(nextToken);

  // Inclusive bounds, as moto does.
  const matching = runs
    .filter(
      run =>
        (createdAfter === undefined || run.createdAt >= createdAfter) &&
        (createdBefore === undefined || run.createdAt <= createdBefore) &&
        (name === null || run.name === name) &&
        (states.length === 0 || states.includes(stateOf(run))),
    )
    .sort(newestFirst);
  // Resume strictly after the cursor, so runs created between pages don't shift it.
  const remaining = cursor
    ? matching.filter(
        run =>
          run.createdAt < cursor.t ||
          (run.createdAt === cursor.t && run.sequence < cursor.s),
      )
    : matching;
  const page = remaining.slice(0, Math.min(maxResults, pageSize));
  return {
    page,
    nextToken:
      remaining.length > page.length
        ? encodeNextToken(page[page.length - 1])
        : undefined,
  };
}
