export { ClustersTab } from './ClustersTab';
export { ClustersNotAllowed } from './ClustersNotAllowed';
