export { JobRunFiltersBar } from './JobRunFilters';
