/*
 * Who held a namespace or a virtual cluster on a given day. A tenant's
 * identity is its incarnation (uid): a name or namespace taken again after an
 * offboarding is a new incarnation, and the bill of a day belongs to the
 * incarnation that held the namespace or virtual cluster on that day, never
 * to whoever holds it now.
 */

const DAY_MS = 86_400_000;

/** A tenant incarnation as chargeback sees it: what it held, and when. */
export interface CostIncarnation {
  uid: string;
  name: string;
  /** Null only for incarnations older than the history (see the tenant_uid migration). */
  cluster: string | null;
  namespace: string | null;
  /** Every EMR virtual cluster it had (a drift repair makes a new one). */
  virtualClusterIds: string[];
  /** When it was onboarded; null only for incarnations older than the history. */
  createdAt: Date | null;
  /** When its offboarding finished; null while it is a current tenant. */
  offboardedAt: Date | null;
  /** The AWS region of its cluster (the uplift rate); null when the cluster is no longer configured. */
  region: string | null;
}

/** The UTC day of a time, YYYY-MM-DD. */
export function dayOf(time: Date): string {
  return time.toISOString().slice(0, 10);
}

/** Whether the incarnation held its namespace and virtual clusters on the UTC day. */
export function heldOn(incarnation: CostIncarnation, day: string): boolean {
  return (
    (incarnation.createdAt === null || dayOf(incarnation.createdAt) <= day) &&
    (incarnation.offboardedAt === null ||
      day <= dayOf(incarnation.offboardedAt))
  );
}

/** Milliseconds of the UTC day during which the incarnation existed. */
function msHeldOn(incarnation: CostIncarnation, day: string): number {
  const start = Date.parse(`${day}T00:00:00Z`);
  const from = Math.max(start, incarnation.createdAt?.getTime() ?? start);
  const to = Math.min(
    start + DAY_MS,
    incarnation.offboardedAt?.getTime() ?? start + DAY_MS,
  );
  return Math.max(0, to - from);
}

/** Answers who held what on a day, over a fixed set of incarnations. */
export class Holders {
  private readonly byVirtualCluster = new Map<string, CostIncarnation>();
  private readonly byNamespace = new Map<string, CostIncarnation[]>();
  private readonly byUid = new Map<string, CostIncarnation>();

  constructor(incarnations: CostIncarnation[]) {
    for (const incarnation of incarnations) {
      this.byUid.set(incarnation.uid, incarnation);
      for (const vc of incarnation.virtualClusterIds) {
        this.byVirtualCluster.set(vc, incarnation);
      }
      if (incarnation.namespace !== null) {
        this.byNamespace.set(incarnation.namespace, [
          ...(this.byNamespace.get(incarnation.namespace) ?? []),
          incarnation,
        ]);
      }
    }
  }

  /** The incarnation with this uid, whenever it lived. */
  withUid(uid: string): CostIncarnation | undefined {
    return this.byUid.get(uid);
  }

  /**
   * The incarnation whose virtual cluster it is, if it held it on the day.
   * Virtual cluster ids are never reused, so at most one ever had it.
   */
  ofVirtualCluster(vc: string, day: string): CostIncarnation | undefined {
    const incarnation = this.byVirtualCluster.get(vc);
    return incarnation && heldOn(incarnation, day) ? incarnation : undefined;
  }

  /**
   * The incarnation that held the namespace on the day. On a day two held
   * it (one offboarded, the next onboarded, or the same namespace on two
   * clusters), the virtual-cluster label of the pods picks among those two
   * only; without one, the incarnation that held it for more of the day;
   * when neither tells, nobody (unallocated), never a guess.
   */
  ofNamespace(
    namespace: string,
    day: string,
    labelledVirtualCluster: string | null,
  ): CostIncarnation | undefined {
    const candidates = (this.byNamespace.get(namespace) ?? []).filter(c =>
      heldOn(c, day),
    );
    if (candidates.length <= 1) {
      return candidates[0];
    }
    const labelled =
      labelledVirtualCluster === null
        ? undefined
        : candidates.find(c =>
            c.virtualClusterIds.includes(labelledVirtualCluster),
          );
    if (labelled) {
      return labelled;
    }
    const held = candidates
      .map(c => ({ c, ms: msHeldOn(c, day) }))
      .sort((a, b) => b.ms - a.ms);
    return held[0].ms > held[1].ms ? held[0].c : undefined;
  }
}
