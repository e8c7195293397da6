export { JobRunActions, JobRunActionsProvider } from './JobRunActions';
export type { JobRunActionsProps, JobRunChange } from './JobRunActions';
