import { SignalApi } from '@backstage/plugin-signals-react';

// @backstage/types' JsonObject, without depending on that package.
type JsonObject = Parameters<Parameters<SignalApi['subscribe']>[1]>[0];

/** Backstage's signals in memory: who listens where, and a way to publish. */
export class FakeSignalApi implements SignalApi {
  private readonly listeners = new Map<string, Set<(m: JsonObject) => void>>();

  subscribe<T extends JsonObject = JsonObject>(
    channel: string,
    onMessage: (message: T) => void,
  ) {
    const set = this.listeners.get(channel) ?? new Set();
    const listener = onMessage as (m: JsonObject) => void;
    set.add(listener);
    this.listeners.set(channel, set);
    return { unsubscribe: () => set.delete(listener) };
  }

  /** The channels someone listens on now. */
  channels(): string[] {
    return [...this.listeners]
      .filter(([, set]) => set.size > 0)
      .map(([channel]) => channel)
      .sort();
  }

  publish(channel: string, message: JsonObject) {
    this.listeners.get(channel)?.forEach(listener => listener(message));
  }
}
