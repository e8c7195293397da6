export { JobRunDetail } from './JobRunDetail';
