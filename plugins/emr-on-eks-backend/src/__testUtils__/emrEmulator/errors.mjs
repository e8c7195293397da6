// @ts-check
// The errors the emulator answers with, as EMR on EKS does.

/** Thrown while handling a request; becomes an AWS-style JSON error. */
export class EmrError extends Error {
  /**
   * @param {number} status HTTP status.
   * @param {string} code Sent in `x-amzn-errortype`; the SDK names the
   *   error it throws after it.
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** @param {string} message */
export function notFound(message) {
  return new EmrError(404, 'ResourceNotFoundException', message);
}

/** @param {string} message */
export function invalid(message) {
  return new EmrError(400, 'ValidationException', message);
}

/**
 * Real EMR answers this way for unknown and deleted virtual clusters alike;
 * the backend recognises the wording.
 * @param {string} virtualClusterId
 */
export function noSuchVirtualCluster(virtualClusterId) {
  return notFound(`Virtual cluster ${virtualClusterId} doesn't exist.`);
}
