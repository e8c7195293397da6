export { JobRunActions, JobRunActionsProvider } from './JobRunActions';
export type { JobRunChange } from './JobRunActions';
