export { JobRunDetail } from './JobRunDetail';
export type { JobRunDetailProps } from './JobRunDetail';
