export { SectionErrorBoundary } from './SectionErrorBoundary';
export type { SectionErrorBoundaryProps } from './SectionErrorBoundary';
