import { useApi } from '@backstage/core-plugin-api';
import { useCallback, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { emrOnEksApiRef } from '../api';

/**
 * The configured clusters with their preflight. `runChecksAgain()` asks the
 * backend to run the checks now instead of answering its recent results;
 * the table stays while they run (`loading` with a `value`).
 */
export function useClusters() {
  const api = useApi(emrOnEksApiRef);
  // 0: the first load, which may reuse recent results; any later one runs
  // the checks again.
  const [runs, setRuns] = useState(0);
  const state = useAsyncRetry(
    () => api.listClusters(runs > 0 ? { refresh: true } : {}),
    [api, runs],
  );
  const runChecksAgain = useCallback(() => setRuns(n => n + 1), []);
  return { ...state, runChecksAgain };
}
