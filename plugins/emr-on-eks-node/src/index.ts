/**
 * Node.js library of the EMR on EKS plugin set: a service for backend plugins
 * and modules that call the `emr-on-eks` backend plugin on behalf of a user or
 * of themselves.
 *
 * @packageDocumentation
 */

export type { EmrOnEksClientService } from './EmrOnEksClientService';
export { DefaultEmrOnEksClientService } from './DefaultEmrOnEksClientService';
export type { DefaultEmrOnEksClientServiceOptions } from './DefaultEmrOnEksClientService';
export { emrOnEksClientServiceRef } from './emrOnEksClientServiceRef';
