/**
 * Shared schemas, types, permissions and catalog annotations of the EMR on EKS
 * plugin set.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './jobRun';
export * from './permissions';
export * from './quantity';
export * from './status';
export * from './tenant';
