export { CopyableId } from './CopyableId';
