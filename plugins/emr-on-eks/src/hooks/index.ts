export { useAutoRefresh, useDocumentVisible, useNow } from './useAutoRefresh';
export { useCursorPager } from './useCursorPager';
export type { CursorPager } from './useCursorPager';
export { useJobRun, useTenantIfVisible } from './useJobRun';
export { useJobRuns } from './useJobRuns';
export type { JobRunScope } from './useJobRuns';
export { useReloadableAsync } from './useReloadableAsync';
export { useTenant, useTenantAudit, useTenants } from './useTenants';
export { useStableItems } from './useStableItems';
