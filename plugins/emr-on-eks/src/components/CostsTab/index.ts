export { CostsTab } from './CostsTab';
export { CostsNotAllowed } from './CostsNotAllowed';
