import {
  JOB_RUN_STATES,
  JobRunListQuery,
  JobRunState,
} from '@spot-spark/plugin-emr-on-eks-common';

/** Time ranges of the job-run list; `custom` uses the two dates. */
export const TIME_RANGES = [
  { value: '', label: 'Any time', ms: undefined },
  { value: '1h', label: 'Last hour', ms: 3600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 24 * 3600_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 24 * 3600_000 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 24 * 3600_000 },
  { value: 'custom', label: 'Custom', ms: undefined },
] as const;

/** The filters of a job-run list, as kept in the URL. */
export interface JobRunFilters {
  states: JobRunState[];
  /** One of {@link TIME_RANGES}' values. */
  range: string;
  /** ISO 8601; with range `custom`. */
  createdAfter?: string;
  /** ISO 8601; with range `custom`. */
  createdBefore?: string;
  /** Part of the job name, case-insensitive (filtered by the server, over all pages). */
  name: string;
}

/**
 * Query parameter names. Prefixed, as the card shares the entity page's URL
 * with other cards.
 */
export const FILTER_PARAMS = {
  state: 'runState',
  range: 'runRange',
  createdAfter: 'runCreatedAfter',
  createdBefore: 'runCreatedBefore',
  name: 'runName',
} as const;

function isoOrUndefined(value: string | null): string | undefined {
  if (!value) {
    return undefined;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Reads the filters from the URL, ignoring values that are not valid. */
export function readFilters(params: URLSearchParams): JobRunFilters {
  const states = params
    .getAll(FILTER_PARAMS.state)
    .filter((s): s is JobRunState =>
      (JOB_RUN_STATES as readonly string[]).includes(s),
    );
  const rangeParam = params.get(FILTER_PARAMS.range) ?? '';
  const range = TIME_RANGES.some(r => r.value === rangeParam) ? rangeParam : '';
  return {
    states: JOB_RUN_STATES.filter(s => states.includes(s)),
    range,
    createdAfter:
      range === 'custom'
        ? isoOrUndefined(params.get(FILTER_PARAMS.createdAfter))
        : undefined,
    createdBefore:
      range === 'custom'
        ? isoOrUndefined(params.get(FILTER_PARAMS.createdBefore))
        : undefined,
    name: params.get(FILTER_PARAMS.name) ?? '',
  };
}

/** The URL with these filters, other parameters kept. */
export function writeFilters(
  params: URLSearchParams,
  filters: JobRunFilters,
): URLSearchParams {
  const next = new URLSearchParams(params);
  Object.values(FILTER_PARAMS).forEach(key => next.delete(key));
  filters.states.forEach(state => next.append(FILTER_PARAMS.state, state));
  if (filters.range) {
    next.set(FILTER_PARAMS.range, filters.range);
  }
  if (filters.range === 'custom' && filters.createdAfter) {
    next.set(FILTER_PARAMS.createdAfter, filters.createdAfter);
  }
  if (filters.range === 'custom' && filters.createdBefore) {
    next.set(FILTER_PARAMS.createdBefore, filters.createdBefore);
  }
  if (filters.name) {
    next.set(FILTER_PARAMS.name, filters.name);
  }
  return next;
}

/**
 * Query parameter of the run whose details are open, so a link to them can be
 * shared and a reload keeps them open.
 */
export const RUN_PARAM = 'run';

/** The id of the run whose details are open, if any. */
export function readOpenRun(params: URLSearchParams): string | undefined {
  return params.get(RUN_PARAM) || undefined;
}

/** The URL with this run's details open (or none), other parameters kept. */
export function writeOpenRun(
  params: URLSearchParams,
  runId: string | undefined,
): URLSearchParams {
  const next = new URLSearchParams(params);
  if (runId) {
    next.set(RUN_PARAM, runId);
  } else {
    next.delete(RUN_PARAM);
  }
  return next;
}

/** A stable text of the server-side filters, to reset paging when they change. */
export function serverFilterKey(filters: JobRunFilters): string {
  return JSON.stringify([
    filters.states,
    filters.range,
    filters.createdAfter,
    filters.createdBefore,
    filters.name.trim(),
  ]);
}

/** The API query of the filters; relative ranges count back from `now`. */
export function toListQuery(
  filters: JobRunFilters,
  now: number,
): JobRunListQuery {
  const query: JobRunListQuery = {};
  if (filters.states.length > 0) {
    query.state = filters.states;
  }
  const range = TIME_RANGES.find(r => r.value === filters.range);
  if (range?.ms !== undefined) {
    query.createdAfter = new Date(now - range.ms).toISOString();
  } else if (filters.range === 'custom') {
    query.createdAfter = filters.createdAfter;
    query.createdBefore = filters.createdBefore;
  }
  const name = filters.name.trim();
  if (name) {
    query.name = name;
  }
  return query;
}
