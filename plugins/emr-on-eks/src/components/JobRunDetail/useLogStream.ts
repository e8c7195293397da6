import { useApi } from '@backstage/core-plugin-api';
import { useCallback, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { emrOnEksApiRef } from '../../api';
import { useAutoRefresh } from '../../hooks';
import {
  appendPage,
  fetchEarlier,
  LoadedLog,
  loadedFrom,
  prependPage,
} from './logText';

/** Characters asked for by "Load earlier" (the backend may cap it lower). */
export const EARLIER_CHUNK = 65_536;

/**
 * One log stream of a run: its tail first, earlier text on demand, and the
 * tail fetched again every `followIntervalMs` while `follow` (paused while
 * the page is hidden). Key the component by stream: another stream starts
 * from scratch, so no answer for the old one lands in the new one.
 */
export function useLogStream(options: {
  runId: string;
  streamId: string;
  follow: boolean;
  followIntervalMs: number;
}) {
  const { runId, streamId, follow, followIntervalMs } = options;
  const api = useApi(emrOnEksApiRef);
  const [loaded, setLoaded] = useState<LoadedLog>();

  const first = useAsync(async () => {
    setLoaded(loadedFrom(await api.getJobRunLog(runId, streamId)));
  }, [api, runId, streamId]);

  const [tail, refreshTail] = useAsyncFn(async () => {
    const page = await api.getJobRunLog(runId, streamId);
    setLoaded(before => (before ? appendPage(before, page) : loadedFrom(page)));
  }, [api, runId, streamId]);
  const following = useAutoRefresh(
    follow && !!loaded,
    followIntervalMs,
    refreshTail,
  );

  const from = loaded?.from;
  const [earlier, loadEarlierFn] = useAsyncFn(async () => {
    if (from === undefined) {
      return;
    }
    const page = await fetchEarlier(
      { from },
      query => api.getJobRunLog(runId, streamId, query),
      EARLIER_CHUNK,
    );
    // Only onto the text it was asked for (a tail that replaced it wins).
    setLoaded(before =>
      page && before?.from === from ? prependPage(before, page) : before,
    );
  }, [api, runId, streamId, from]);
  const loadEarlier = useCallback(() => {
    loadEarlierFn();
  }, [loadEarlierFn]);

  return {
    loaded,
    /** The first page's error; a failed refresh keeps the text shown. */
    error: first.error,
    refreshError: tail.error,
    following,
    loadEarlier,
    loadingEarlier: earlier.loading,
    earlierError: earlier.error,
  };
}
