export { DEFAULT_REFRESH_INTERVAL_MS, JobRunsPanel } from './JobRunsPanel';
export type { JobRunsPanelProps } from './JobRunsPanel';
