import { DependencyList, useCallback, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';

/**
 * `useAsyncRetry` plus `reload()`, which fetches again even while a fetch is
 * under way (`retry()` is a no-op then, so a refresh right after a cancel
 * could be lost). The previous value stays until the new one arrives.
 */
export function useReloadableAsync<T>(
  fn: () => Promise<T>,
  deps: DependencyList,
) {
  const [generation, setGeneration] = useState(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const state = useAsyncRetry(fn, [...deps, generation]);
  const reload = useCallback(() => setGeneration(g => g + 1), []);
  return { ...state, reload };
}
