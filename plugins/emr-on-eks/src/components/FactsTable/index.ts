export { FactsTable } from './FactsTable';
