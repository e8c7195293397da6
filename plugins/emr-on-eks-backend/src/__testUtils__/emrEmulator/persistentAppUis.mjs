// @ts-check
// EMR's persistent application UIs of EMR on EKS job runs (the EMR API,
// service `elasticmapreduce`, JSON 1.1 with `x-amz-target:
// ElasticMapReduce.<Operation>`): CreatePersistentAppUI for a job run of a
// virtual cluster, DescribePersistentAppUI, GetPersistentAppUIPresignedURL.
// moto does not implement them. A new UI answers CREATING to its first
// `pendingDescribes` describes, then ATTACHED, as EMR's take a few seconds.
import { randomInt } from 'node:crypto';
import { EmrError, invalid } from './errors.mjs';

/** The operations, as `x-amz-target` names them after `ElasticMapReduce.`. */
export const APP_UI_OPERATIONS = new Set([
  'CreatePersistentAppUI',
  'DescribePersistentAppUI',
  'GetPersistentAppUIPresignedURL',
]);

/** `arn:<partition>:emr-containers:<region>:<account>:/virtualclusters/<id>` */
const VIRTUAL_CLUSTER_ARN =
  /^arn:[a-z-]+:emr-containers:[a-z0-9-]+:\d{12}:\/virtualclusters\/([a-z0-9]+)$/;

/**
 * One persistent app UI.
 * @typedef {object} PersistentAppUi
 * @property {string} id `p-` and 26 characters, like EMR's.
 * @property {string} targetResourceArn
 * @property {string} jobRunId
 * @property {string} virtualClusterId
 * @property {number} createdAt Epoch milliseconds.
 * @property {number} pendingDescribes Describes still to answer CREATING.
 */

/** @param {string} message */
function requestError(message) {
  return new EmrError(400, 'InvalidRequestException', message);
}

/** 26 lowercase base36 characters. */
function randomId() {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
  let id = 'p-';
  for (let i = 0; i < 26; i++) {
    id += alphabet[randomInt(alphabet.length)];
  }
  return id;
}

/** The persistent app UIs, and the three operations on them. */
export class PersistentAppUis {
  /** Describes a new UI answers CREATING before ATTACHED. */
  pendingDescribes = 0;

  /** @type {Map<string, PersistentAppUi>} */
  #uis = new Map();
  /** @type {(virtualClusterId: string, jobRunId: string) => boolean} */
  #jobRunExists;
  /** @type {(ui: PersistentAppUi) => string} */
  #urlFor;
  /** @type {() => number} */
  #now;

  /**
   * @param {{
   *   jobRunExists: (virtualClusterId: string, jobRunId: string) => boolean,
   *   urlFor?: (ui: PersistentAppUi) => string,
   *   now?: () => number,
   * }} options `jobRunExists` tells whether a job run of a virtual cluster
   *   exists (EMR refuses a UI for one that does not); `urlFor` makes a UI's
   *   presigned URL (by default an EMR-like https URL).
   */
  constructor(options) {
    this.#jobRunExists = options.jobRunExists;
    this.#urlFor =
      options.urlFor ??
      (ui =>
        `https://${ui.id}.emrappui-prod.us-east-1.amazonaws.com/shs/?authToken=emulated-${ui.jobRunId}`);
    this.#now = options.now ?? Date.now;
  }

  all() {
    return [...this.#uis.values()];
  }

  /** @param {string} id */
  get(id) {
    return this.#uis.get(id);
  }

  /**
   * Answers one operation.
   * @param {string} operation One of {@link APP_UI_OPERATIONS}.
   * @param {any} body The request, parsed.
   */
  answer(operation, body) {
    switch (operation) {
      case 'CreatePersistentAppUI':
        return this.create(body);
      case 'DescribePersistentAppUI':
        return this.describe(body);
      case 'GetPersistentAppUIPresignedURL':
        return this.presignedUrl(body);
      default:
        throw new EmrError(
          400,
          'UnknownOperationException',
          `Unknown operation ${operation}`,
        );
    }
  }

  /** @param {any} body */
  create(body) {
    const arn = body?.TargetResourceArn;
    if (typeof arn !== 'string' || arn.length < 20 || arn.length > 2048) {
      throw invalid(
        'TargetResourceArn must be an ARN of 20 to 2048 characters.',
      );
    }
    const match = VIRTUAL_CLUSTER_ARN.exec(arn);
    if (!match) {
      throw requestError(
        `${arn} is not the ARN of an EMR on EKS virtual cluster.`,
      );
    }
    const jobRunId = body?.EMRContainersConfig?.JobRunId;
    if (typeof jobRunId !== 'string' || jobRunId === '') {
      throw requestError(
        'EMRContainersConfig.JobRunId is required for a virtual cluster.',
      );
    }
    if (!this.#jobRunExists(match[1], jobRunId)) {
      throw requestError(
        `Job run ${jobRunId} does not exist in virtual cluster ${match[1]}.`,
      );
    }
    /** @type {PersistentAppUi} */
    const ui = {
      id: randomId(),
      targetResourceArn: arn,
      jobRunId,
      virtualClusterId: match[1],
      createdAt: this.#now(),
      pendingDescribes: this.pendingDescribes,
    };
    this.#uis.set(ui.id, ui);
    return { PersistentAppUIId: ui.id, RuntimeRoleEnabledCluster: false };
  }

  /** @param {any} body */
  describe(body) {
    const ui = this.#existing(body);
    let status = 'ATTACHED';
    if (ui.pendingDescribes > 0) {
      ui.pendingDescribes -= 1;
      status = 'CREATING';
    }
    return {
      PersistentAppUI: {
        PersistentAppUIId: ui.id,
        PersistentAppUITypeList: ['SHS'],
        PersistentAppUIStatus: status,
        // The EMR API's timestamps are epoch seconds.
        CreationTime: ui.createdAt / 1000,
        LastModifiedTime: ui.createdAt / 1000,
        Tags: [],
      },
    };
  }

  /** @param {any} body */
  presignedUrl(body) {
    const ui = this.#existing(body);
    if (
      body.PersistentAppUIType !== undefined &&
      body.PersistentAppUIType !== 'SHS'
    ) {
      throw requestError(
        `A job run of EMR on EKS has no ${body.PersistentAppUIType} UI.`,
      );
    }
    const ready = ui.pendingDescribes === 0;
    return {
      PresignedURLReady: ready,
      PresignedURL: ready ? this.#urlFor(ui) : undefined,
    };
  }

  /** @param {any} body */
  #existing(body) {
    const id = body?.PersistentAppUIId;
    const ui = typeof id === 'string' ? this.#uis.get(id) : undefined;
    if (!ui) {
      // EMR's API documents only InvalidRequestException for bad requests.
      throw requestError(`Persistent app UI ${id} does not exist.`);
    }
    return ui;
  }
}
