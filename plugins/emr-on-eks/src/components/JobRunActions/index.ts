export { JobRunActions } from './JobRunActions';
export type { JobRunChange } from './JobRunActions';
