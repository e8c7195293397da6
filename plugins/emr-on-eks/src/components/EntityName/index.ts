export { EntityName } from './EntityName';
