import type {
  ExecutorLoss,
  SpotInterruptions,
} from '@spot-spark/plugin-emr-on-eks-common';

/*
 * Executors a run lost, read from its driver log, and which of them were
 * lost to Spot. The lines are Spark's own (checked in Spark's source):
 *
 * - TaskSchedulerImpl: `Lost executor <id> on <host>: <reason>`, the reason
 *   on the same line or the lines after it (ExecutorLossReason's message);
 * - CoarseGrainedSchedulerBackend: `Decommission executors: <id>, <id>`,
 *   and KubernetesDriverEndpoint: `Received executor <id> decommissioned
 *   message` (an executor's node is going away: Spot interruption or
 *   a drain, with spark.decommission.enabled);
 * - ExecutorDecommission's reason `Executor decommission: ...` (older
 *   releases `Executor decommission.`);
 * - TaskSetManager: `... ExecutorLostFailure (executor <id> exited caused by
 *   one of the running tasks) Reason: ...` (`exited unrelated to the running
 *   tasks`, or `lost` in old releases);
 * - ExecutorPodsLifecycleManager's reasons on Kubernetes: `The executor with
 *   id <id> was deleted by a user or the framework.` and `The executor with
 *   id <id> exited with exit code <code>.` followed by the pod's reason and
 *   message (`NodeShutdown`, `Pod was terminated in response to imminent
 *   node shutdown.`, ...).
 *
 * An executor counts once, at its first line; it counts as Spot when any of
 * its lines tells of a decommission, a node shut down, terminated or
 * reclaimed, or a Spot interruption. A pod "deleted by the framework" is a
 * drained node on a run whose executors ran on Spot (the interruption
 * handler drains the node), and an unknown cause otherwise.
 */

/** The log4j time at the start of a line: `yy/MM/dd HH:mm:ss` (Spark's default) or ISO-like. */
const SPARK_TIME = /^(\d{2})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})\b/;
const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?\b/;

/**
 * The time of a log4j line (UTC unless the line names a zone: EMR's
 * containers run in UTC), or undefined when the line does not start with one.
 */
export function log4jTime(line: string): Date | undefined {
  const spark = SPARK_TIME.exec(line);
  if (spark) {
    const [, yy, mo, dd, hh, mi, ss] = spark.map(Number);
    return validDate(
      Date.UTC(2000 + yy, mo - 1, dd, hh, mi, ss),
      2000 + yy,
      mo,
      dd,
      hh,
      mi,
      ss,
    );
  }
  const iso = ISO_TIME.exec(line);
  if (iso) {
    const [, y, mo, dd, hh, mi, ss] = iso.slice(0, 7).map(Number);
    const millis = iso[7] ? Number(iso[7].slice(0, 3).padEnd(3, '0')) : 0;
    let time = Date.UTC(y, mo - 1, dd, hh, mi, ss, millis);
    const zone = iso[8];
    if (zone && zone !== 'Z') {
      const sign = zone[0] === '-' ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      time -=
        sign *
        (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) *
        60_000;
    }
    return validDate(time, y, mo, dd, hh, mi, ss);
  }
  return undefined;
}

function validDate(
  time: number,
  y: number,
  mo: number,
  dd: number,
  hh: number,
  mi: number,
  ss: number,
): Date | undefined {
  const date = new Date(Date.UTC(y, mo - 1, dd, hh, mi, ss));
  // Refuse rolled-over fields (month 13, 31 February, 25 o'clock).
  return date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo - 1 &&
    date.getUTCDate() === dd &&
    date.getUTCHours() === hh &&
    date.getUTCMinutes() === mi &&
    date.getUTCSeconds() === ss
    ? new Date(time)
    : undefined;
}

const LOST_EXECUTOR = /Lost executor (\d+) on [^\s:]*:\s?(.*)$/;
const DECOMMISSION_LIST = /Decommission executors: (\d+(?:, \d+)*)\s*$/;
const DECOMMISSIONED_MESSAGE = /Received executor (\d+) decommissioned message/;
const LOST_FAILURE =
  /ExecutorLostFailure \(executor (\d+) (?:exited|lost)[^)]*\)(?: Reason: ?(.*))?$/;
const POD_DELETED =
  /The executor with id (\d+) was deleted by a user or the framework/;

/** Words that tell a node went away under the executor: Spot, or a drain before it. */
const SPOT_EVIDENCE =
  /decommission|\bspot\b|interruption|imminent node shutdown|NodeShutdown|node (?:was |is )?(?:terminated|terminating|shut ?down|reclaimed)|NodeLost/i;

/** Most characters kept of a line that tells a loss. */
export const LOSS_LINE_CHARACTERS = 300;
/** Most losses listed (the counts go on). */
export const MAX_LISTED_LOSSES = 500;
/** Most continuation lines read after a loss line for its reason. */
const CONTINUATION_LINES = 12;

interface Tracked {
  loss: ExecutorLoss;
  order: number;
  /** A pod deleted by the framework, with no other sign. */
  deleted: boolean;
}

/** Reads a driver log line by line; memory stays bounded whatever its length. */
export class ExecutorLossParser {
  private readonly byExecutor = new Map<string, Tracked>();
  private readonly maxExecutors: number;
  private current: Tracked | undefined;
  private continuation = 0;
  private order = 0;
  private spot = 0;
  private other = 0;
  private untracked = 0;

  constructor(
    private readonly options: {
      /** Whether the run's executors ran on Spot capacity. */
      spotExecutors: boolean;
      /** Most distinct executors remembered (later ones are not told apart). */
      maxExecutors?: number;
    },
  ) {
    this.maxExecutors = options.maxExecutors ?? 20_000;
  }

  /** Takes the next line of the log (without its line break). */
  line(text: string): void {
    const at = log4jTime(text);
    if (!at) {
      // A line without a time continues the one before (a reason over
      // several lines, a stack trace).
      if (this.current && this.continuation < CONTINUATION_LINES) {
        this.continuation += 1;
        this.evidence(this.current, text);
      }
      return;
    }
    this.current = undefined;
    this.continuation = 0;

    const lost = LOST_EXECUTOR.exec(text);
    if (lost) {
      this.current = this.lose(lost[1], at, text);
      this.evidence(this.current, lost[2]);
      return;
    }
    const listed = DECOMMISSION_LIST.exec(text);
    if (listed) {
      for (const id of listed[1].split(', ')) {
        this.markSpot(this.lose(id, at, text));
      }
      return;
    }
    const received = DECOMMISSIONED_MESSAGE.exec(text);
    if (received) {
      this.markSpot(this.lose(received[1], at, text));
      return;
    }
    const failure = LOST_FAILURE.exec(text);
    if (failure) {
      this.current = this.lose(failure[1], at, text);
      this.evidence(this.current, failure[2] ?? '');
    }
  }

  /** What the lines told. */
  result(): SpotInterruptions {
    this.settle();
    const tracked = [...this.byExecutor.values()];
    const losses = tracked
      .sort(
        (a, b) =>
          (a.loss.at ?? '').localeCompare(b.loss.at ?? '') || a.order - b.order,
      )
      .slice(0, MAX_LISTED_LOSSES)
      .map(t => t.loss);
    return {
      spotLosses: this.spot,
      otherLosses: this.other + this.untracked,
      losses,
      source: 'driver-log',
    };
  }

  private lose(id: string, at: Date, text: string): Tracked {
    let tracked = this.byExecutor.get(id);
    if (!tracked) {
      tracked = {
        loss: {
          executorId: id,
          at: at.toISOString(),
          cause: 'other',
          line: shorten(text),
        },
        order: this.order++,
        deleted: false,
      };
      if (this.byExecutor.size < this.maxExecutors) {
        this.byExecutor.set(id, tracked);
      } else {
        this.untracked += 1;
      }
    }
    return tracked;
  }

  private evidence(tracked: Tracked, text: string): void {
    if (SPOT_EVIDENCE.test(text)) {
      this.markSpot(tracked);
    } else if (POD_DELETED.test(text)) {
      tracked.deleted = true;
    }
    // An exit code alone says nothing of the node: the pod's reason and
    // message on the next lines may.
  }

  private markSpot(tracked: Tracked): void {
    tracked.loss.cause = 'spot';
  }

  /** Counts each tracked executor once, by its final cause. */
  private settle(): void {
    this.spot = 0;
    this.other = 0;
    for (const tracked of this.byExecutor.values()) {
      if (
        tracked.loss.cause !== 'spot' &&
        tracked.deleted &&
        this.options.spotExecutors
      ) {
        tracked.loss.cause = 'spot';
      }
      if (tracked.loss.cause === 'spot') {
        this.spot += 1;
      } else {
        this.other += 1;
      }
    }
  }
}

function shorten(text: string): string {
  return text.length <= LOSS_LINE_CHARACTERS
    ? text
    : `${text.slice(0, LOSS_LINE_CHARACTERS - 1)}…`;
}

/**
 * Splits streamed text into lines, each cut to `maxLength` characters (the
 * rest of an overlong line is dropped), so one enormous line cannot hold
 * the memory.
 */
export class LineSplitter {
  private pending = '';
  private overflow = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLength = 64 * 1024,
  ) {}

  push(chunk: string): void {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf('\n', start);
      const piece = chunk.slice(start, newline < 0 ? chunk.length : newline);
      if (!this.overflow) {
        this.pending += piece;
        if (this.pending.length > this.maxLength) {
          this.pending = this.pending.slice(0, this.maxLength);
          this.overflow = true;
        }
      }
      if (newline < 0) {
        return;
      }
      this.emit();
      start = newline + 1;
    }
  }

  end(): void {
    if (this.pending.length > 0 || this.overflow) {
      this.emit();
    }
  }

  private emit(): void {
    const line = this.pending.endsWith('\r')
      ? this.pending.slice(0, -1)
      : this.pending;
    this.pending = '';
    this.overflow = false;
    this.onLine(line);
  }
}
